// Sentiment distribution with resolution rate: conversations started in the period, by the sentiment they
// ended with (the last one detected; "none" when nothing was detected), and how many were resolved — by the
// bot (the visitor confirmed) or by an operator. An inactivity close is not a resolution.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { int, type Period, queryRows, startedCte, turnsCte } from './analytics.query.ts';

export interface SentimentRow {
  sentiment: string;
  conversations: number;
  resolvedByBot: number;
  resolvedByOperator: number;
  escalated: number;
  /** (resolvedByBot + resolvedByOperator) / conversations */
  resolutionRate: number;
}

const row = z.object({
  sentiment: z.string(),
  conversations: int,
  bot: int,
  operator: int,
  escalated: int,
});

const ORDER = ['angry', 'negative', 'confused', 'neutral', 'positive'];

export async function sentimentOutcomes(db: Db, period: Period): Promise<SentimentRow[]> {
  const rows = await queryRows(
    db,
    sql`with ${startedCte(period)}, ${turnsCte()},
    conv as (
      select s.session_id,
        coalesce((select t.sentiment from turns t where t.session_id = s.session_id and t.sentiment is not null
                  order by t.seq desc limit 1), 'none') as sentiment,
        exists (select 1 from turns t where t.session_id = s.session_id and t.to_state = 'resolved'
                and t.event is distinct from 'TIMER.INACTIVITY') as bot,
        exists (select 1 from turns t where t.session_id = s.session_id and t.to_state = 'escalated.closed') as operator,
        exists (select 1 from turns t where t.session_id = s.session_id
                and (t.to_state like 'escalated.%' or t.to_state in ('callback_scheduled', 'ticket_created'))) as escalated
      from started s
    )
    select sentiment, count(*) as conversations, count(*) filter (where bot) as bot,
      count(*) filter (where operator) as operator, count(*) filter (where escalated) as escalated
    from conv group by sentiment`,
    row,
  );
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  return rows
    .map((r) => ({
      sentiment: r.sentiment,
      conversations: r.conversations,
      resolvedByBot: r.bot,
      resolvedByOperator: r.operator,
      escalated: r.escalated,
      resolutionRate: r.conversations ? (r.bot + r.operator) / r.conversations : 0,
    }))
    .sort((a, b) => rank(a.sentiment) - rank(b.sentiment));
}
