// Plans the engine's own inbounds: a durable timer firing, and a handoff that failed for good.
import type { ConversationEvent } from '../machines/conversation.events.ts';
import type { HandoffInbound, TimerInbound } from './inbound.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';
import { notAccepted, type Planned, type Refusal } from './turn.plan.ts';

export function planTimer(
  inbound: TimerInbound,
  sessionVersion: number,
  snapshot: ConversationSnapshot,
  at: string,
): Planned | Refusal {
  const state = statePath(snapshot);
  const event: ConversationEvent =
    inbound.timer === 'inactivity' ? { type: 'TIMER.INACTIVITY', at } : { type: 'TIMER.SLA_REMINDER', at };
  if (inbound.onlyAtVersion !== undefined && inbound.onlyAtVersion !== sessionVersion)
    return notAccepted(state, `timer ${inbound.timer} is stale: the session moved on after it was armed`);
  if (!snapshot.can(event))
    return notAccepted(state, `timer ${inbound.timer} does not apply in state ${state}`);
  return {
    event,
    inboundMessage: null,
    inboundTrace: { kind: 'timer', timer: inbound.timer },
    detection: null,
  };
}

export function planHandoffFailure(
  inbound: HandoffInbound,
  snapshot: ConversationSnapshot,
  at: string,
): Planned | Refusal {
  const state = statePath(snapshot);
  const event: ConversationEvent = {
    type: 'HANDOFF.FAILED',
    at,
    target: inbound.target,
    reason: inbound.reason,
  };
  if (!snapshot.can(event)) return notAccepted(state, `handoff failure does not apply in state ${state}`);
  return {
    event,
    inboundMessage: null,
    inboundTrace: { kind: 'handoff', result: inbound.result, target: inbound.target, reason: inbound.reason },
    detection: null,
  };
}
