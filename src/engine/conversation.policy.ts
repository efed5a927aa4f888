// Who may do what to a conversation. The one place the rules live: the engine refuses with them, the REST
// routes and Slack's "Take case" go through the engine, and the console's `allowed` flags are computed
// from the same function, so a button the console shows is a command the engine accepts.

import { hasEnded } from '../machines/conversation.ended.ts';
import type { OperatorCommand, OperatorInbound, OperatorRole } from './inbound.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';

export type Permission = { allowed: true } | { allowed: false; message: string };

const ALLOWED: Permission = { allowed: true };

export interface ConversationFacts {
  assignedAgentId: string | null;
  /** Dotted state path, e.g. `escalated.queued`. */
  state: string;
}

export function factsOf(snapshot: ConversationSnapshot): ConversationFacts {
  return { assignedAgentId: snapshot.context.assignedAgentId, state: statePath(snapshot) };
}

/** May this operator (role) run this command on a conversation with these facts? */
export function operatorMay(
  actor: { operatorId: string; role: OperatorRole },
  command: OperatorCommand,
  facts: ConversationFacts,
): Permission {
  // Escalating an ended conversation (the bot switch turned off on a resolved chat or a ticket) would put a
  // visitor who has gone back in the live queue, as a new segment with its priority and category reset.
  if (command.action === 'escalate' && hasEnded(facts.state))
    return {
      allowed: false,
      message:
        'this conversation has ended (resolved, ticket or callback): if the visitor writes again, the bot answers and can hand them over',
    };
  if (actor.role === 'admin') return ALLOWED;
  const assigned = facts.assignedAgentId;
  // Nobody has answered a waiting chat: an agent takes it before closing it (an admin may, warned).
  if (command.action === 'resolve' && facts.state === 'escalated.queued' && assigned !== actor.operatorId)
    return {
      allowed: false,
      message: 'take the conversation before resolving it: nobody has answered this visitor yet',
    };
  // An agent cannot take over a colleague's conversation either (only an admin reassigns).
  if (command.action !== 'escalate' && assigned && assigned !== actor.operatorId)
    return {
      allowed: false,
      message: `this conversation is assigned to another agent (${assigned}); only they or an admin can ${command.action} it`,
    };
  if (command.action === 'assign' && command.agentId !== actor.operatorId)
    return {
      allowed: false,
      message: 'agents can only assign conversations to themselves; admins can assign to anyone',
    };
  return ALLOWED;
}

export const enginePermission = (inbound: OperatorInbound, snapshot: ConversationSnapshot): Permission =>
  operatorMay(inbound, inbound.command, factsOf(snapshot));
