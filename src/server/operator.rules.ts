// Refusals the console's buttons and the REST operator routes share for the actions that end or reopen a
// conversation. Not in the engine's policy (conversation.policy.ts) on purpose: the machine keeps these
// transitions (the QA specs and the coverage test take them), only people at the console are stopped.

import { hasEnded } from '../machines/conversation.ended.ts';

export { hasEnded };

export interface ConversationFacts {
  state: string;
  assignedAgentId: string | null;
}
export interface Actor {
  id: string;
  role: 'agent' | 'admin';
}

/**
 * Why `actor` may not do `action` to the conversation now (a sentence for the operator), or null. The engine
 * still decides everything else (state machine, ownership); these are the console's extra rules:
 * - escalating (or switching the bot off) an ended conversation would put a visitor who is gone back in the
 *   live queue, as a new segment with its priority and category reset;
 * - an agent resolving a waiting chat nobody took or answered would close it unseen (admins may, warned).
 */
export function operatorRefusal(
  action: 'escalate' | 'resolve',
  facts: ConversationFacts,
  actor: Actor,
): string | null {
  if (action === 'escalate' && hasEnded(facts.state))
    return 'This conversation has ended (resolved, ticket or callback): if the visitor writes again, the bot answers and can hand them over.';
  if (
    action === 'resolve' &&
    facts.state === 'escalated.queued' &&
    actor.role !== 'admin' &&
    facts.assignedAgentId !== actor.id
  )
    return 'Take the conversation before resolving it: nobody has answered this visitor yet.';
  return null;
}
