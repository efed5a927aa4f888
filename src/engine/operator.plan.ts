// Plans an operator command (assign, reply, resolve, hand back, escalate) as a machine event, refusing
// what the machine does not accept in this state and what this operator may not do.
import type { ConversationEvent } from '../machines/conversation.events.ts';
import type { HandleResult, OperatorCommand, OperatorInbound } from './inbound.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';
import type { Planned } from './turn.plan.ts';
import type { InboundTrace } from './turn.types.ts';

export function operatorEvent(command: OperatorCommand, operatorId: string, at: string): ConversationEvent {
  switch (command.action) {
    case 'assign':
      return { type: 'OPERATOR.ASSIGN', at, agentId: command.agentId };
    case 'message':
      return { type: 'OPERATOR.MESSAGE', at, agentId: operatorId, text: command.text };
    case 'resolve':
      return {
        type: 'OPERATOR.RESOLVE',
        at,
        agentId: operatorId,
        notes: command.notes,
        resolutionCategory: command.resolutionCategory,
      };
    case 'handback':
      return { type: 'OPERATOR.HANDBACK', at, agentId: operatorId };
    case 'escalate':
      return { type: 'OPERATOR.ESCALATE', at, agentId: operatorId, reason: command.reason };
  }
}

export const NOT_ACCEPTED: Record<OperatorCommand['action'], string> = {
  assign: 'only an escalated conversation that is not closed can be assigned',
  message: 'agents can only write to escalated conversations (queued or assigned), never to one the bot owns',
  resolve: 'this conversation is not escalated or was already resolved',
  handback: 'only an escalated conversation that is not closed can be handed back to the bot',
  escalate: 'this conversation is already escalated',
};

function operatorTrace(inbound: OperatorInbound): InboundTrace {
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
  };
}

/** Who may do this: see conversation.policy.ts, the one place the rules live. */
export type OperatorPermission = (
  inbound: OperatorInbound,
  snapshot: ConversationSnapshot,
) => { allowed: true } | { allowed: false; message: string };

export function planOperator(
  inbound: OperatorInbound,
  snapshot: ConversationSnapshot,
  at: string,
  permitted: OperatorPermission,
): Planned | HandleResult {
  const command = inbound.command;
  const event = operatorEvent(command, inbound.operatorId, at);
  if (!snapshot.can(event))
    return { outcome: 'not_accepted', state: statePath(snapshot), message: NOT_ACCEPTED[command.action] };
  const permission = permitted(inbound, snapshot);
  if (!permission.allowed) return { outcome: 'forbidden', message: permission.message };
  return { event, inboundMessage: null, inboundTrace: operatorTrace(inbound), detection: null };
}
