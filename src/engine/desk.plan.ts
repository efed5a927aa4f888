// Plans a desk event (what a human on SalesIQ, Zendesk, Freshdesk or Slack did) as a machine event. The
// agent's name comes with the event and is recorded in the trace's extras, so replay renders the same
// "<name> has joined the chat" without asking the vendor.
import type { DeskEvent } from '../handoff/desk-event.port.ts';
import type { ConversationEvent } from '../machines/conversation.events.ts';
import { HUMAN_TAG } from '../machines/conversation.machine.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';
import { notAccepted, type Planned, type Refusal } from './turn.plan.ts';
import type { InboundTrace } from './turn.types.ts';

/** The machine event a desk event stands for, given where the conversation is. */
export function deskMachineEvent(
  event: DeskEvent,
  snapshot: ConversationSnapshot,
  at: string,
): ConversationEvent {
  const desk = event.desk;
  switch (event.kind) {
    case 'agent_joined':
      return { type: 'DESK.AGENT_JOINED', at, desk, agentId: event.agent.id, agentName: event.agent.name };
    case 'agent_replied':
      return {
        type: 'DESK.AGENT_REPLIED',
        at,
        desk,
        agentId: event.agent.id,
        agentName: event.agent.name,
        text: event.text,
      };
    case 'conversation_closed':
      return {
        type: 'DESK.CLOSED',
        at,
        desk,
        ...(event.agent ? { agentId: event.agent.id } : {}),
        ...(event.note !== undefined ? { notes: event.note } : {}),
      };
    case 'conversation_missed':
      return { type: 'DESK.MISSED', at, desk };
    case 'ticket_status_changed':
      // A live chat routed to a ticketing desk ends when its ticket is solved: that is the close. (A ticket a
      // person answered is human-owned too, but it is a ticket: its status is a ticket status.)
      if (
        snapshot.hasTag(HUMAN_TAG) &&
        statePath(snapshot).startsWith('escalated') &&
        (event.status === 'solved' || event.status === 'closed')
      )
        return { type: 'DESK.CLOSED', at, desk, ...(event.agent ? { agentId: event.agent.id } : {}) };
      return { type: 'DESK.TICKET_STATUS', at, desk, status: event.status };
  }
}

export function deskInboundTrace(event: DeskEvent): InboundTrace {
  const agent = 'agent' in event ? event.agent : undefined;
  return {
    kind: 'desk',
    desk: event.desk,
    event: event.kind,
    eventId: event.eventId,
    externalId: event.externalId,
    ...(agent ? { agentId: agent.id, agentName: agent.name } : {}),
    ...(event.kind === 'agent_replied' ? { text: event.text } : {}),
    ...(event.kind === 'conversation_closed' && event.note !== undefined ? { note: event.note } : {}),
    ...(event.kind === 'ticket_status_changed' ? { status: event.status } : {}),
  };
}

export function planDesk(event: DeskEvent, snapshot: ConversationSnapshot, at: string): Planned | Refusal {
  const state = statePath(snapshot);
  const machineEvent = deskMachineEvent(event, snapshot, at);
  if (!snapshot.can(machineEvent))
    return notAccepted(state, `desk event ${event.kind} from ${event.desk} does not apply in state ${state}`);
  const agentName = 'agentName' in machineEvent ? machineEvent.agentName : undefined;
  return {
    event: machineEvent,
    inboundMessage: null,
    inboundTrace: deskInboundTrace(event),
    detection: null,
    ...(agentName ? { extras: { agentName } } : {}),
  };
}
