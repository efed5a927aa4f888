// Automatic assignment of new live chats (AUTO_ASSIGN, off by default): round-robin over the agents who are
// online with a console open and below their capacity. The pick is one statement on the operators' rows
// (under one advisory lock, in the Postgres every process shares), and the assignment is the engine's own
// assign command as that agent, so the one policy decides: a chat somebody already holds is refused
// (another agent) or a duplicate (the same agent, same idempotency key), never assigned twice.
// Picks are kept (`auto_assign_picks`) so a chat offered again goes to the agent it was given to.
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.ts';
import type { AutoAssignRepository } from '../storage/auto-assign.repository.ts';
import type { EscalationsRepository } from '../storage/escalations.repository.ts';
import type { OperatorDirectory } from './auth.operators.ts';

export interface AutoAssignOptions {
  picks: AutoAssignRepository;
  escalations: Pick<EscalationsRepository, 'waitingLiveChats'>;
  engine: Pick<Engine, 'handle'>;
  directory: Pick<OperatorDirectory, 'get'>;
  logger: Logger;
  now: () => Date;
  /** Live chats an agent is given at most, unless their own capacity says otherwise. */
  defaultCapacity: number;
}

export type AutoAssign = ReturnType<typeof createAutoAssign>;

/** A pick whose escalation never showed the assignment stops counting after this long. */
const PICK_COUNTS_MS = 5 * 60_000;

export type Offered =
  | { outcome: 'assigned'; agentId: string }
  | { outcome: 'no_agent' }
  | { outcome: 'refused'; reason: string };

export function createAutoAssign(options: AutoAssignOptions) {
  const { picks, logger } = options;

  /**
   * The agent for the turn that queued this chat: the one already picked for it, or the next available
   * agent with room, moved to the back of the round; null when nobody has room. Picks are serialised by one
   * advisory lock, so each sees the load the previous one left (a pick counts until the escalation row shows
   * the assignment); they are rare (one per new chat) and short.
   */
  async function pickAgent(sessionId: string, turnKey: string): Promise<string | null> {
    const now = options.now();
    return picks.pick({
      sessionId,
      turnKey,
      at: now,
      countPicksSince: new Date(now.getTime() - PICK_COUNTS_MS),
      defaultCapacity: options.defaultCapacity,
    });
  }

  async function forget(turnKey: string) {
    await picks.forget(turnKey);
  }

  /**
   * Offers a queued live chat to the next agent. `turnKey` (`<session>:<seq>` of the turn that queued it)
   * makes a second offer of the same chat to the same agent a duplicate of the first.
   */
  async function offer(sessionId: string, turnKey: string): Promise<Offered> {
    const agentId = await pickAgent(sessionId, turnKey);
    if (!agentId) return { outcome: 'no_agent' };
    const agent = await options.directory.get(agentId);
    if (!agent) {
      await forget(turnKey);
      return { outcome: 'refused', reason: 'agent_gone' };
    }
    const result = await options.engine.handle(sessionId, {
      kind: 'operator',
      operatorId: agent.id,
      role: agent.role,
      clientMessageId: `auto-assign:${turnKey}`,
      command: { action: 'assign', agentId: agent.id },
    });
    if (result.outcome === 'ok' || result.outcome === 'duplicate') {
      if (result.outcome === 'ok') logger.info({ sessionId, agentId }, 'live chat assigned automatically');
      return { outcome: 'assigned', agentId };
    }
    if (result.outcome === 'busy') throw new Error('the conversation stayed busy; the offer is retried');
    // Taken, handed to a desk or ended meanwhile: the policy's answer; the pick no longer counts.
    await forget(turnKey);
    logger.debug({ sessionId, agentId, outcome: result.outcome }, 'automatic assignment refused');
    return { outcome: 'refused', reason: result.outcome };
  }

  /** Chats still waiting (an agent came online, or one has room again): oldest first, until nobody has room. */
  async function drain(limit = 20): Promise<number> {
    const waiting = await options.escalations.waitingLiveChats(limit);
    let assigned = 0;
    for (const w of waiting) {
      // The escalation's key is the queuing turn's effect key, `<session>:<seq>:<index>`.
      const offered = await offer(w.conversationId, w.key.slice(0, w.key.lastIndexOf(':')));
      if (offered.outcome === 'no_agent') break;
      if (offered.outcome === 'assigned') assigned++;
    }
    return assigned;
  }

  return { offer, drain };
}
