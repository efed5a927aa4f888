// LLM call rate and latency over time, from intent_analysis_log (one row per turn that asked the LLM, with
// the model, latency and whether the call failed) against the visitor text messages in the same bucket
// (traces). A call is dated by its turn (the trace), so both sides of the rate use the same clock.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { intentAnalysisLog, traces } from '../schema/index.ts';
import { at, bucketOf, instant, int, num, type Period, queryRows } from './analytics.query.ts';

export interface LlmUsageRow {
  bucket: string;
  visitorMessages: number;
  llmCalls: number;
  failures: number;
  /** llmCalls / visitorMessages: the share of messages the cheap layers could not decide. */
  callRate: number;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

const row = z.object({
  bucket: instant,
  messages: int,
  calls: int,
  failures: int,
  avg_ms: num,
  p50_ms: num,
  p95_ms: num,
});

export async function llmUsage(db: Db, period: Period): Promise<LlmUsageRow[]> {
  const l = intentAnalysisLog;
  const inPeriod = (column: unknown) => sql`${column} >= ${at(period.from)} and ${column} < ${at(period.to)}`;
  const rows = await queryRows(
    db,
    sql`with dated as (
      select coalesce(${traces.createdAt}, ${l.createdAt}) as at, ${l.failed} as failed, ${l.latencyMs} as latency_ms
      from ${l} left join ${traces} on ${traces.sessionId} = ${l.sessionId} and ${traces.seq} = ${l.seq}
      -- A row is written (by an effect) after its turn, never before: the index narrows the scan.
      where ${l.createdAt} >= ${at(period.from)} - interval '1 day'
    ),
    calls as (
      select ${bucketOf(sql`at`, period.bucket)} as bucket, count(*) as calls,
        count(*) filter (where failed) as failures,
        avg(latency_ms) as avg_ms,
        percentile_cont(0.5) within group (order by latency_ms) as p50_ms,
        percentile_cont(0.95) within group (order by latency_ms) as p95_ms
      from dated
      where ${inPeriod(sql`at`)}
      group by 1
    ),
    messages as (
      select ${bucketOf(traces.createdAt, period.bucket)} as bucket, count(*) as messages
      from ${traces}
      where ${inPeriod(traces.createdAt)} and ${traces.entry}->'inbound'->>'kind' = 'visitor'
        and ${traces.entry}->'inbound'->>'text' is not null
      group by 1
    )
    select coalesce(m.bucket, c.bucket) as bucket, coalesce(m.messages, 0) as messages,
      coalesce(c.calls, 0) as calls, coalesce(c.failures, 0) as failures, c.avg_ms, c.p50_ms, c.p95_ms
    from messages m full outer join calls c on c.bucket = m.bucket
    order by 1`,
    row,
  );
  return rows.map((r) => ({
    bucket: r.bucket,
    visitorMessages: r.messages,
    llmCalls: r.calls,
    failures: r.failures,
    callRate: r.messages ? r.calls / r.messages : 0,
    avgLatencyMs: r.avg_ms,
    p50LatencyMs: r.p50_ms,
    p95LatencyMs: r.p95_ms,
  }));
}
