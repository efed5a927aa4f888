// Which detection layer triggered escalations: every turn that took a bot-owned conversation to the
// escalation options or straight to a human, by the layer that decided the visitor's message (button,
// keyword, llm, rules; "operator" for a manual escalation) and why (the rules engine's trigger, else the
// machine event's: explicit_request, frustration, solution_failed, operator_escalation). A handoff failure that returns to the options is not a new trigger.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { int, type Period, queryRows, startedCte, turnsCte } from './analytics.query.ts';

export interface DetectionLayerRow {
  layer: string;
  trigger: string;
  escalations: number;
  /** Share of all escalation triggers in the period. */
  share: number;
}

const row = z.object({ layer: z.string(), trigger: z.string(), n: int });

/** States the bot owns (or that ended): leaving one of them for the options or a human is an escalation. */
const BOT_STATES = [
  'greeting',
  'issue_gathering',
  'troubleshooting',
  'awaiting_confirmation',
  'resolved',
  'escalated.closed',
  'callback_scheduled',
  'ticket_created',
  'ticket_solved',
];

export async function detectionLayers(db: Db, period: Period): Promise<DetectionLayerRow[]> {
  const botStates = sql.join(
    BOT_STATES.map((s) => sql`${s}`),
    sql`, `,
  );
  const rows = await queryRows(
    db,
    sql`with ${startedCte(period)}, ${turnsCte()}
    select coalesce(layer, case when inbound = 'operator' then 'operator' else 'none' end) as layer,
      -- The rules engine names its trigger; otherwise the machine event says why (as the machine's own trigger).
      coalesce(detection_trigger, case event
        when 'VISITOR.ESCALATION_REQUEST' then 'explicit_request'
        when 'VISITOR.FRUSTRATED' then 'frustration'
        when 'OPERATOR.ESCALATE' then 'operator_escalation'
        when 'VISITOR.SOLUTION_FAILED' then 'solution_failed'
        when 'VISITOR.DENY' then 'solution_failed'
        else lower(coalesce(event, 'unknown')) end) as trigger, count(*) as n
    from turns
    where from_state in (${botStates})
      and (to_state = 'escalation_options' or to_state like 'escalated.%')
    group by 1, 2 order by n desc, layer, trigger`,
    row,
  );
  const total = rows.reduce((a, r) => a + r.n, 0);
  return rows.map((r) => ({
    layer: r.layer,
    trigger: r.trigger,
    escalations: r.n,
    share: total ? r.n / total : 0,
  }));
}
