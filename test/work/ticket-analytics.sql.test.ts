// The source document's three analytics queries, run verbatim over tickets created and worked through
// the API with a clock the test moves (so response times are known). Risk covered: the queries return
// nothing or wrong figures because the columns they read (first_response_at, resolved_at, status,
// bot_detected_sentiment, escalation_category) are never filled.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AVG_RESPONSE_TIME_BY_PRIORITY,
  ESCALATION_RATE_BY_CATEGORY,
  SENTIMENT_RESOLUTION_RATE,
} from '../../src/storage/analytics/support-tickets.sql.ts';
import { rowsOf } from '../../src/storage/pg-effect.log.ts';
import { type LoggedIn, newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const SECRET = 'service-secret-0123456789';
let t: TestRuntime;
let agent: LoggedIn;
let offsetMs = 0;

beforeAll(async () => {
  t = await startTestRuntime({
    env: { SERVICE_SECRET: SECRET },
    overrides: { now: () => new Date(Date.now() + offsetMs) },
  });
  agent = await newOperator(t.runtime, t.url, 'agent');
});
afterAll(async () => {
  await t?.close();
});

async function ticket(category: string, priority: string, sentiment: string) {
  const r = await api(
    t.url,
    'POST',
    '/api/support/escalate',
    {
      source_type: 'whatsapp',
      subject: `${category} case`,
      escalation_category: category,
      priority,
      bot_detected_sentiment: sentiment,
    },
    { 'x-service-token': SECRET },
  );
  expect(r.status).toBe(201);
  return r.body.ticket_id as string;
}
const call = (method: string, path: string, body?: unknown) =>
  api(t.url, method, `/api/v1${path}`, body, agent.auth);

async function work(id: string, respondAfterMin: number, resolveAfterMin: number | null) {
  const start = offsetMs;
  await call('PATCH', `/tickets/${id}`, { assignee: 'me' });
  offsetMs = start + respondAfterMin * 60_000;
  // Internal notes do not count as a response, so the requester gets a real (public) reply.
  await call('POST', `/tickets/${id}/replies`, { body: 'Looking into it' });
  if (resolveAfterMin !== null) {
    offsetMs = start + resolveAfterMin * 60_000;
    await call('PATCH', `/tickets/${id}`, {
      status: 'resolved',
      resolutionNotes: 'done',
      resolutionCategory: 'solved',
    });
  }
  offsetMs = start;
}

const run = async (query: string) =>
  rowsOf(await t.runtime.database.db.execute(sql.raw(query))).map((r) =>
    Object.fromEntries(
      Object.entries(r as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v,
      ]),
    ),
  );

describe("the WhatsApp source document's ticket analytics", () => {
  it('return real figures over known tickets', async () => {
    const a = await ticket('payment', 'urgent', 'angry');
    const b = await ticket('payment', 'high', 'negative');
    const c = await ticket('delivery', 'high', 'neutral');
    await ticket('delivery', 'low', 'neutral');
    await work(a, 10, 60);
    await work(b, 30, 120);
    await work(c, 50, null);

    const byCategory = await run(ESCALATION_RATE_BY_CATEGORY);
    expect(byCategory).toEqual([
      { escalation_category: 'delivery', total_escalations: 2, escalation_percentage: 50 },
      { escalation_category: 'payment', total_escalations: 2, escalation_percentage: 50 },
    ]);
    const byPriority = await run(AVG_RESPONSE_TIME_BY_PRIORITY);
    expect(byPriority).toEqual([
      { priority: 'urgent', total_tickets: 1, avg_response_minutes: 10, avg_resolution_hours: 1 },
      { priority: 'high', total_tickets: 2, avg_response_minutes: 40, avg_resolution_hours: 2 },
    ]);
    const bySentiment = await run(SENTIMENT_RESOLUTION_RATE);
    expect(bySentiment).toEqual([
      { bot_detected_sentiment: 'neutral', total_tickets: 2, resolved_tickets: 0, resolution_rate: 0 },
      { bot_detected_sentiment: 'angry', total_tickets: 1, resolved_tickets: 1, resolution_rate: 100 },
      { bot_detected_sentiment: 'negative', total_tickets: 1, resolved_tickets: 1, resolution_rate: 100 },
    ]);
  });
});
