// The funnel through the machine's states: of the conversations started in the period, how many reached
// each state, and how many are still sitting in it (their latest turn ended there). A conversation that sits
// in a state that is not an end is where visitors drop off.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { ENDED_STATES, int, type Period, queryRows, startedCte, turnsCte } from './analytics.query.ts';

export interface FunnelRow {
  state: string;
  /** Conversations that were in this state at least once. */
  reached: number;
  /** Conversations whose latest turn left them here. */
  current: number;
  /** `current` of a state that is not an end: they stopped here. */
  droppedOff: number;
  /** reached / conversations started */
  reachedShare: number;
  ended: boolean;
}

/** The machine's states in the order a conversation meets them. */
export const FUNNEL_STATES = [
  'greeting',
  'issue_gathering',
  'troubleshooting',
  'awaiting_confirmation',
  'resolved',
  'escalation_options',
  'escalated.queued',
  'escalated.assigned',
  'escalated.closed',
  'callback_collection',
  'callback_scheduled',
  'ticket_collection',
  'ticket_created',
  'ticket_answered',
  'ticket_solved',
];

const row = z.object({ state: z.string(), reached: int, current: int });
const totalRow = z.object({ n: int });

export async function funnel(
  db: Db,
  period: Period,
): Promise<{ conversations: number; states: FunnelRow[] }> {
  const [total] = await queryRows(
    db,
    sql`with ${startedCte(period)} select count(*) as n from started`,
    totalRow,
  );
  const rows = await queryRows(
    db,
    sql`with ${startedCte(period)}, ${turnsCte()},
    latest as (select distinct on (session_id) session_id, to_state from turns order by session_id, seq desc),
    reached as (select to_state as state, count(distinct session_id) as reached from turns group by to_state),
    current as (select to_state as state, count(*) as current from latest group by to_state)
    select reached.state, reached.reached, coalesce(current.current, 0) as current
    from reached left join current on current.state = reached.state`,
    row,
  );
  const conversations = total?.n ?? 0;
  const byState = new Map(rows.map((r) => [r.state, r]));
  const order = [
    ...FUNNEL_STATES,
    ...rows
      .map((r) => r.state)
      .filter((s) => !FUNNEL_STATES.includes(s))
      .sort(),
  ];
  return {
    conversations,
    states: order.map((state) => {
      const r = byState.get(state);
      const ended = ENDED_STATES.includes(state);
      const current = r?.current ?? 0;
      return {
        state,
        reached: r?.reached ?? 0,
        current,
        droppedOff: ended ? 0 : current,
        reachedShare: conversations ? (r?.reached ?? 0) / conversations : 0,
        ended,
      };
    }),
  };
}
