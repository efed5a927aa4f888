// Plans an operator command (assign, reply, resolve, hand back, escalate) as a machine event, refusing
// what conversation.policy.ts refuses: the one place that says what the machine accepts in this state and
// what this operator may do.
import { factsOf, operatorMay } from './conversation.policy.ts';
import type { HandleResult, OperatorInbound } from './inbound.ts';
import { operatorEvent } from './operator.event.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';
import type { Planned } from './turn.plan.ts';
import type { InboundTrace } from './turn.types.ts';

function operatorTrace(inbound: OperatorInbound, takes: boolean): InboundTrace {
  const command = inbound.command;
  return {
    kind: 'operator',
    action: command.action,
    agentId: inbound.operatorId,
    ...(command.action === 'message' ? { text: command.text } : {}),
    ...(command.action === 'resolve'
      ? { notes: command.notes, resolutionCategory: command.resolutionCategory }
      : {}),
    ...(command.action === 'escalate' ? { reason: command.reason } : {}),
    ...(command.action === 'assign' ? { text: command.agentId } : {}),
    ...(command.action === 'transfer' ? { text: command.agentId, notes: command.note } : {}),
    ...(takes ? { takes: true } : {}),
  };
}

/** `heldBy`: the external live chat holding the conversation (SalesIQ), looked up by the engine. */
export function planOperator(
  inbound: OperatorInbound,
  snapshot: ConversationSnapshot,
  at: string,
  heldBy: string | null,
): Planned | HandleResult {
  const permission = operatorMay(inbound, inbound.command, factsOf(snapshot, heldBy, at));
  if (!permission.allowed) {
    const { allowed: _allowed, ...refusal } = permission;
    return refusal;
  }
  return {
    event: operatorEvent(inbound.command, inbound.operatorId, at),
    inboundMessage: null,
    inboundTrace: operatorTrace(inbound, permission.takes),
    detection: null,
  };
}
