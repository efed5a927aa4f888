// First-response and resolution times by priority, for live-chat escalations (created → first agent
// message / resolved) and for tickets (created → first response / resolved). Seconds; p50 and p90 over the
// escalations created in the period that have the timestamp (unanswered ones count in `open`).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { escalations, supportTickets } from '../schema/index.ts';
import { at, int, num, type Period, queryRows } from './analytics.query.ts';

export interface DurationStats {
  count: number;
  avgSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface ResponseTimeRow {
  source: 'escalation' | 'ticket';
  priority: string;
  total: number;
  /** Neither answered nor resolved yet. */
  open: number;
  firstResponse: DurationStats;
  resolution: DurationStats;
}

const row = z.object({
  source: z.enum(['escalation', 'ticket']),
  priority: z.string(),
  total: int,
  open: int,
  fr_n: int,
  fr_avg: num,
  fr_p50: num,
  fr_p90: num,
  res_n: int,
  res_avg: num,
  res_p50: num,
  res_p90: num,
});

const PRIORITY_ORDER = ['urgent', 'high', 'medium', 'low'];

function stats(
  source: string,
  created: unknown,
  firstResponse: unknown,
  resolved: unknown,
  priority: unknown,
) {
  const fr = sql`extract(epoch from (${firstResponse} - ${created}))`;
  const res = sql`extract(epoch from (${resolved} - ${created}))`;
  return sql`select ${source}::text as source, ${priority} as priority, count(*) as total,
    count(*) filter (where ${firstResponse} is null and ${resolved} is null) as open,
    count(${firstResponse}) as fr_n, avg(${fr}) as fr_avg,
    percentile_cont(0.5) within group (order by ${fr}) as fr_p50,
    percentile_cont(0.9) within group (order by ${fr}) as fr_p90,
    count(${resolved}) as res_n, avg(${res}) as res_avg,
    percentile_cont(0.5) within group (order by ${res}) as res_p50,
    percentile_cont(0.9) within group (order by ${res}) as res_p90`;
}

export async function responseTimes(db: Db, period: Period): Promise<ResponseTimeRow[]> {
  const e = escalations;
  const t = supportTickets;
  const rows = await queryRows(
    db,
    sql`${stats('escalation', e.createdAt, e.firstResponseAt, e.resolvedAt, e.priority)}
      from ${e} where ${e.createdAt} >= ${at(period.from)} and ${e.createdAt} < ${at(period.to)}
      group by ${e.priority}
    union all
    ${stats('ticket', t.createdAt, t.firstResponseAt, t.resolvedAt, t.priority)}
      from ${t} where ${t.createdAt} >= ${at(period.from)} and ${t.createdAt} < ${at(period.to)}
      group by ${t.priority}`,
    row,
  );
  const rank = (p: string) =>
    PRIORITY_ORDER.includes(p) ? PRIORITY_ORDER.indexOf(p) : PRIORITY_ORDER.length;
  return rows
    .map(
      (r): ResponseTimeRow => ({
        source: r.source,
        priority: r.priority,
        total: r.total,
        open: r.open,
        firstResponse: { count: r.fr_n, avgSeconds: r.fr_avg, p50Seconds: r.fr_p50, p90Seconds: r.fr_p90 },
        resolution: { count: r.res_n, avgSeconds: r.res_avg, p50Seconds: r.res_p50, p90Seconds: r.res_p90 },
      }),
    )
    .sort((a, b) => a.source.localeCompare(b.source) || rank(a.priority) - rank(b.priority));
}
