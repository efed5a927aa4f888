// The analytics API under /api/v1/analytics/* (admins only) and the charts page's script. Each route parses
// the period, runs one query module from src/storage/analytics, and answers JSON typed against its response schema.
import type { z } from 'zod';
import type { Period } from '../storage/analytics/analytics.query.ts';
import { conversationsByChannel } from '../storage/analytics/channels.query.ts';
import { csat } from '../storage/analytics/csat.query.ts';
import { detectionLayers } from '../storage/analytics/detection-layers.query.ts';
import { escalationRate } from '../storage/analytics/escalation-rate.query.ts';
import { funnel } from '../storage/analytics/funnel.query.ts';
import { handoffOutcomes } from '../storage/analytics/handoff-outcomes.query.ts';
import { llmUsage } from '../storage/analytics/llm-usage.query.ts';
import { responseTimes } from '../storage/analytics/response-times.query.ts';
import { sentimentOutcomes } from '../storage/analytics/sentiment.query.ts';
import type { Db } from '../storage/database.ts';
import {
  channelsResponse,
  csatResponse,
  detectionLayersResponse,
  escalationRateResponse,
  funnelResponse,
  handoffOutcomesResponse,
  llmUsageResponse,
  periodQuery,
  responseTimesResponse,
  sentimentResponse,
} from './analytics.schemas.ts';
import { clientScriptRoute } from './client.bundle.ts';
import { type Route, route } from './route.table.ts';

export interface AnalyticsOptions {
  db: Db;
  now?: () => Date;
}

type Query<S extends z.ZodType> = (db: Db, period: Period) => Promise<Omit<z.input<S>, 'period'>>;

interface Report<S extends z.ZodType> {
  path: string;
  summary: string;
  response: S;
  run: Query<S>;
}

const report = <S extends z.ZodType>(r: Report<S>) => r;

const REPORTS = [
  report({
    path: 'escalation-rate',
    summary: 'Escalation rate by category: conversations started per bucket, offered a human, handed to one',
    response: escalationRateResponse,
    run: async (db, p) => ({ rows: await escalationRate(db, p) }),
  }),
  report({
    path: 'channels',
    summary:
      'Conversations by visitor channel (web, whatsapp, evolution, salesiq): started, handed to a human, resolved by the bot',
    response: channelsResponse,
    run: async (db, p) => ({ rows: await conversationsByChannel(db, p) }),
  }),
  report({
    path: 'response-times',
    summary: 'First-response and resolution times by priority (live-chat escalations and tickets)',
    response: responseTimesResponse,
    run: async (db, p) => ({ rows: await responseTimes(db, p) }),
  }),
  report({
    path: 'sentiment',
    summary: 'Conversations by final sentiment, with how many were resolved (by the bot or an operator)',
    response: sentimentResponse,
    run: async (db, p) => ({ rows: await sentimentOutcomes(db, p) }),
  }),
  report({
    path: 'detection-layers',
    summary: 'Which detection layer (button, keyword, llm, rules, operator) triggered escalations, and why',
    response: detectionLayersResponse,
    run: async (db, p) => ({ rows: await detectionLayers(db, p) }),
  }),
  report({
    path: 'funnel',
    summary: 'The funnel through the machine states: reached, currently in, dropped off',
    response: funnelResponse,
    run: (db, p) => funnel(db, p),
  }),
  report({
    path: 'llm',
    summary: 'LLM call rate (calls per visitor message), failures and latency per bucket',
    response: llmUsageResponse,
    run: async (db, p) => ({ rows: await llmUsage(db, p) }),
  }),
  report({
    path: 'csat',
    summary: 'Customer satisfaction (1–5 after a human resolved): by agent, category, channel and bucket',
    response: csatResponse,
    run: (db, p) => csat(db, p),
  }),
  report({
    path: 'handoffs',
    summary: 'Handoff outcomes per target: delivered, failed, pending, attempts, delivery time',
    response: handoffOutcomesResponse,
    run: async (db, p) => ({ rows: await handoffOutcomes(db, p) }),
  }),
];

/** The reports (admins only) and the charts page's script (the page itself is public/analytics.html). */
export function analyticsRoutes(options: AnalyticsOptions): Route[] {
  const query = periodQuery(options.now ?? (() => new Date()));
  return [
    ...REPORTS.map((r) =>
      route({
        method: 'get',
        path: `/api/v1/analytics/${r.path}`,
        summary: r.summary,
        tags: ['analytics'],
        auth: 'admin',
        query,
        responses: { '200': { description: 'The figures for the period', schema: r.response } },
        handler: async ({ res, query: period }) => {
          const body = await r.run(options.db, period);
          res.set('Cache-Control', 'no-store').json({
            period: { from: period.from.toISOString(), to: period.to.toISOString(), bucket: period.bucket },
            ...body,
          });
        },
      }),
    ),
    clientScriptRoute('analytics', "The analytics charts page's script (the page is /analytics)"),
  ];
}
