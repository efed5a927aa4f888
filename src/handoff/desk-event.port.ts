// The desk event port: what the humans on a handoff target (SalesIQ, Zendesk, Freshdesk, Slack, the
// console) do, fed back into the conversation. A desk's webhook maps the vendor payload to a DeskEvent;
// the engine handles it like a visitor message (ordered per session, idempotent by `eventId`, traced,
// replayable without the vendor).
import type { TargetName } from './handoff.target.ts';

export type DeskTicketStatus = 'open' | 'pending' | 'solved' | 'closed';

interface DeskEventBase {
  desk: TargetName;
  /** The vendor's id of this event (message id, event id, comment id…): a redelivery changes nothing. */
  eventId: string;
  /** The vendor's id of the conversation / ticket / thread, as recorded in escalation_integrations.external_id. */
  externalId: string;
}

export interface DeskAgent {
  /** The vendor's id of the human ("salesiq:123", "slack:U123"): never one of our operator ids. */
  id: string;
  name: string;
}

export type DeskEvent =
  | (DeskEventBase & { kind: 'agent_joined'; agent: DeskAgent })
  | (DeskEventBase & { kind: 'agent_replied'; agent: DeskAgent; text: string })
  | (DeskEventBase & { kind: 'conversation_closed'; agent?: DeskAgent; note?: string })
  /** Nobody took it on the desk (SalesIQ `conversation.missed`): the visitor is offered callback / ticket. */
  | (DeskEventBase & { kind: 'conversation_missed' })
  | (DeskEventBase & { kind: 'ticket_status_changed'; status: DeskTicketStatus; agent?: DeskAgent });

export type DeskEventKind = DeskEvent['kind'];
