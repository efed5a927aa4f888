// What can happen to a session, already parsed and authenticated at the edge, and what the engine answers.
// Expected outcomes are values; the HTTP edge maps each to one status code in one place.
import type { ChannelName } from '../channels/channel.port.ts';
import { maskCardNumbers } from '../detection/card.mask.ts';
import type { DeskEvent } from '../handoff/desk-event.port.ts';
import type { StoredSession } from '../storage/session.store.ts';
import type { TurnResponse } from './turn.types.ts';

export type OperatorRole = 'agent' | 'admin';

export type OperatorCommand =
  | { action: 'assign'; agentId: string }
  | { action: 'message'; text: string }
  | { action: 'resolve'; notes: string; resolutionCategory: string }
  | { action: 'handback' }
  | { action: 'escalate'; reason: string }
  /** Hands an assigned live chat to another agent; the note tells them where it stands (kept as a note). */
  | { action: 'transfer'; agentId: string; note: string };

/**
 * A visitor message from any channel. Who may write to the session is the channel edge's business (the web
 * widget checks its bearer token through `HandleOptions.authorize`; a WhatsApp webhook checks the vendor's
 * signature and finds the session by phone number): the engine only sees an accepted message.
 */
export type VisitorInbound =
  | { kind: 'visitor'; channel: ChannelName; clientMessageId: string; text: string }
  | { kind: 'visitor'; channel: ChannelName; clientMessageId: string; button: string };

export type OperatorInbound = {
  kind: 'operator';
  operatorId: string;
  role: OperatorRole;
  clientMessageId?: string;
  command: OperatorCommand;
};

export type TimerInbound = {
  kind: 'timer';
  timer: 'inactivity' | 'sla_reminder';
  timerId: string;
  /** Fire only if the session is still at this version (no turn since the timer was armed). */
  onlyAtVersion?: number;
};

export type HandoffInbound = {
  kind: 'handoff';
  result: 'failed';
  target: string;
  reason: string;
  handoffKey: string;
};

/** What a human on a desk did (SalesIQ agent joined, Zendesk ticket solved…), idempotent by its eventId. */
export type DeskInbound = { kind: 'desk'; event: DeskEvent };

export type Inbound = VisitorInbound | OperatorInbound | TimerInbound | HandoffInbound | DeskInbound;

export interface HandleOptions {
  /**
   * The edge's access check, run on the loaded session before anything else (also before a duplicate's
   * stored answer is handed out). False answers `unauthorized`. Run here rather than before `handle` so the
   * check costs no extra load.
   */
  authorize?: (session: StoredSession) => boolean;
}

export type HandleResult =
  | { outcome: 'ok'; response: TurnResponse }
  | { outcome: 'duplicate'; response: TurnResponse }
  | { outcome: 'not_found' }
  | { outcome: 'unauthorized' }
  | { outcome: 'forbidden'; message: string }
  /** An external live chat (SalesIQ) holds this conversation: its human answers the visitor there. */
  | { outcome: 'handled_elsewhere'; target: string; message: string }
  | { outcome: 'button_not_offered'; buttonId: string; offered: string[] }
  | { outcome: 'not_accepted'; state: string; message: string }
  | { outcome: 'busy' };

/** The inbound with payment-card numbers masked in its text (visitor text, operator messages). */
export function withCardNumbersMasked(inbound: Inbound): Inbound {
  if (inbound.kind === 'visitor' && 'text' in inbound)
    return { ...inbound, text: maskCardNumbers(inbound.text) };
  if (inbound.kind === 'operator' && inbound.command.action === 'message')
    return { ...inbound, command: { ...inbound.command, text: maskCardNumbers(inbound.command.text) } };
  return inbound;
}
