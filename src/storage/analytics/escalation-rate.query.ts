// Escalation rate by category over time: of the conversations started in each bucket, how many were offered
// a human (reached the escalation options) and how many were handed to one (live chat, callback or ticket).
// The category is the first one detected in the conversation ("none" when it never got that far).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { bucketOf, instant, int, type Period, queryRows, startedCte, turnsCte } from './analytics.query.ts';

export interface EscalationRateRow {
  bucket: string;
  category: string;
  conversations: number;
  offered: number;
  escalated: number;
  /** escalated / conversations */
  rate: number;
}

const row = z.object({
  bucket: instant,
  category: z.string(),
  conversations: int,
  offered: int,
  escalated: int,
});

export async function escalationRate(db: Db, period: Period): Promise<EscalationRateRow[]> {
  const rows = await queryRows(
    db,
    sql`with ${startedCte(period)}, ${turnsCte()},
    conv as (
      select s.session_id, ${bucketOf(sql`s.started_at`, period.bucket)} as bucket,
        coalesce((select t.category from turns t where t.session_id = s.session_id and t.category is not null
                  order by t.seq limit 1), 'none') as category,
        exists (select 1 from turns t where t.session_id = s.session_id and t.to_state = 'escalation_options') as offered,
        exists (select 1 from turns t where t.session_id = s.session_id
                and (t.to_state like 'escalated.%' or t.to_state in ('callback_scheduled', 'ticket_created'))) as escalated
      from started s
    )
    select bucket, category, count(*) as conversations,
      count(*) filter (where offered) as offered, count(*) filter (where escalated) as escalated
    from conv group by bucket, category order by bucket, category`,
    row,
  );
  return rows.map((r) => ({ ...r, rate: r.conversations ? r.escalated / r.conversations : 0 }));
}
