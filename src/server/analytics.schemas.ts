// Query and response shapes of the analytics API (admins only). The OpenAPI document is generated from
// these; the routes type their answers against them.
import { z } from 'zod';
import { BUCKETS } from '../storage/analytics/analytics.query.ts';

const DAY_MS = 86_400_000;
const BUCKET_MS = { hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS } as const;
export const MAX_BUCKETS = 1000;
export const MAX_SPAN_DAYS = 366;
export const DEFAULT_SPAN_DAYS = 7;

const isoDate = (name: string) =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], {
      error: `${name} must be an ISO 8601 date (2026-01-31, taken as UTC midnight) or date-time (2026-01-31T08:00:00Z)`,
    })
    .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v))
    // Postgres timestamps have no year 0 (`0000-01-01` was a 500); nothing here is older than 1970.
    .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, {
      message: `${name} must be a date between 1970 and 9999`,
    });

/** `?from&to&bucket`: a period of at most a year, `to` exclusive, defaulting to the last 7 days by day. */
export function periodQuery(now: () => Date) {
  return z
    .object({
      from: isoDate('from').optional().describe('ISO 8601 start (inclusive); default: 7 days before `to`'),
      to: isoDate('to').optional().describe('ISO 8601 end (exclusive); default: now'),
      bucket: z
        .enum(BUCKETS, { error: `bucket must be one of ${BUCKETS.join(', ')}` })
        .default('day')
        .describe('time bucket for series (UTC); default day'),
    })
    .strict()
    .transform((q) => {
      const to = q.to ?? now();
      const from = q.from ?? new Date(to.getTime() - DEFAULT_SPAN_DAYS * DAY_MS);
      return { from, to, bucket: q.bucket };
    })
    .refine((p) => p.from < p.to, { message: 'from must be before to', path: ['from'] })
    .refine((p) => p.to.getTime() - p.from.getTime() <= MAX_SPAN_DAYS * DAY_MS, {
      message: `the period is at most ${MAX_SPAN_DAYS} days`,
      path: ['from'],
    })
    .refine((p) => (p.to.getTime() - p.from.getTime()) / BUCKET_MS[p.bucket] <= MAX_BUCKETS, {
      message: `at most ${MAX_BUCKETS} buckets: choose a larger bucket (day or week) or a shorter period`,
      path: ['bucket'],
    });
}

const period = z.object({ from: z.string(), to: z.string(), bucket: z.enum(BUCKETS) });
const nullableNumber = z.number().nullable();
const durationStats = z.object({
  count: z.number(),
  avgSeconds: nullableNumber,
  p50Seconds: nullableNumber,
  p90Seconds: nullableNumber,
});

export const escalationRateResponse = z.object({
  period,
  rows: z.array(
    z.object({
      bucket: z.string(),
      category: z.string(),
      conversations: z.number(),
      offered: z.number(),
      escalated: z.number(),
      rate: z.number(),
    }),
  ),
});

export const channelsResponse = z.object({
  period,
  rows: z.array(
    z.object({
      bucket: z.string(),
      channel: z.string(),
      conversations: z.number(),
      escalated: z.number(),
      resolvedByBot: z.number(),
      escalationRate: z.number(),
    }),
  ),
});

export const responseTimesResponse = z.object({
  period,
  rows: z.array(
    z.object({
      source: z.enum(['escalation', 'ticket']),
      priority: z.string(),
      total: z.number(),
      open: z.number(),
      firstResponse: durationStats,
      resolution: durationStats,
    }),
  ),
});

export const sentimentResponse = z.object({
  period,
  rows: z.array(
    z.object({
      sentiment: z.string(),
      conversations: z.number(),
      resolvedByBot: z.number(),
      resolvedByOperator: z.number(),
      escalated: z.number(),
      resolutionRate: z.number(),
    }),
  ),
});

export const detectionLayersResponse = z.object({
  period,
  rows: z.array(
    z.object({ layer: z.string(), trigger: z.string(), escalations: z.number(), share: z.number() }),
  ),
});

export const funnelResponse = z.object({
  period,
  conversations: z.number(),
  states: z.array(
    z.object({
      state: z.string(),
      reached: z.number(),
      current: z.number(),
      droppedOff: z.number(),
      reachedShare: z.number(),
      ended: z.boolean(),
    }),
  ),
});

export const llmUsageResponse = z.object({
  period,
  rows: z.array(
    z.object({
      bucket: z.string(),
      visitorMessages: z.number(),
      llmCalls: z.number(),
      failures: z.number(),
      callRate: z.number(),
      avgLatencyMs: nullableNumber,
      p50LatencyMs: nullableNumber,
      p95LatencyMs: nullableNumber,
    }),
  ),
});

export const handoffOutcomesResponse = z.object({
  period,
  rows: z.array(
    z.object({
      target: z.string(),
      total: z.number(),
      delivered: z.number(),
      failed: z.number(),
      pending: z.number(),
      deliveryRate: z.number(),
      avgAttempts: nullableNumber,
      p50DeliverySeconds: nullableNumber,
      p95DeliverySeconds: nullableNumber,
    }),
  ),
});

const csatRow = z.object({
  key: z.string(),
  ratings: z.number(),
  average: z.number().nullable(),
  /** Share of ratings that are 4 or 5. */
  csat: z.number().nullable(),
});
export const csatResponse = z.object({
  period,
  byAgent: z.array(csatRow),
  byCategory: z.array(csatRow),
  byChannel: z.array(csatRow),
  byBucket: z.array(csatRow),
});
