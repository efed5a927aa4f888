// Who may do what to a conversation. The one place the rules live: the engine refuses with them, the REST
// routes and Slack's "Take case" go through the engine, and the console's `allowed` flags are computed
// from the same function, so a button the console shows is a command the engine accepts.
import type { OperatorCommand, OperatorInbound, OperatorRole } from './inbound.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';

export type Permission = { allowed: true } | { allowed: false; message: string };

const ALLOWED: Permission = { allowed: true };

export interface ConversationFacts {
  assignedAgentId: string | null;
}

export function factsOf(snapshot: ConversationSnapshot): ConversationFacts {
  return { assignedAgentId: snapshot.context.assignedAgentId };
}

/** May this operator (role) run this command on a conversation with these facts? */
export function operatorMay(
  actor: { operatorId: string; role: OperatorRole },
  command: OperatorCommand,
  facts: ConversationFacts,
): Permission {
  if (actor.role === 'admin') return ALLOWED;
  const assigned = facts.assignedAgentId;
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
