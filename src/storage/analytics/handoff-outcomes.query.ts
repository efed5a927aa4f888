// Handoff outcomes per target (console, salesiq, zendesk, freshdesk, slack, ticket, callback) from
// escalation_integrations: deliveries by status, attempts, and how long a delivery took.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { escalationIntegrations } from '../schema/index.ts';
import { at, int, num, type Period, queryRows } from './analytics.query.ts';

export interface HandoffOutcomeRow {
  target: string;
  total: number;
  delivered: number;
  failed: number;
  pending: number;
  /** delivered / total */
  deliveryRate: number;
  avgAttempts: number | null;
  /** created → delivered, for delivered ones. */
  p50DeliverySeconds: number | null;
  p95DeliverySeconds: number | null;
}

const row = z.object({
  target: z.string(),
  total: int,
  delivered: int,
  failed: int,
  avg_attempts: num,
  p50_s: num,
  p95_s: num,
});

export async function handoffOutcomes(db: Db, period: Period): Promise<HandoffOutcomeRow[]> {
  const i = escalationIntegrations;
  const took = sql`extract(epoch from (${i.updatedAt} - ${i.createdAt}))`;
  const delivered = sql`${i.status} = 'delivered'`;
  const rows = await queryRows(
    db,
    sql`select ${i.target} as target, count(*) as total,
      count(*) filter (where ${delivered}) as delivered,
      count(*) filter (where ${i.status} = 'failed') as failed,
      avg(${i.attempts}) as avg_attempts,
      percentile_cont(0.5) within group (order by ${took}) filter (where ${delivered}) as p50_s,
      percentile_cont(0.95) within group (order by ${took}) filter (where ${delivered}) as p95_s
    from ${i}
    where ${i.createdAt} >= ${at(period.from)} and ${i.createdAt} < ${at(period.to)}
    group by ${i.target} order by total desc, target`,
    row,
  );
  return rows.map((r) => ({
    target: r.target,
    total: r.total,
    delivered: r.delivered,
    failed: r.failed,
    pending: r.total - r.delivered - r.failed,
    deliveryRate: r.total ? r.delivered / r.total : 0,
    avgAttempts: r.avg_attempts,
    p50DeliverySeconds: r.p50_s,
    p95DeliverySeconds: r.p95_s,
  }));
}
