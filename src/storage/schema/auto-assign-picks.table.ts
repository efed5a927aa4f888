import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Which agent automatic assignment chose for the turn that queued a live chat. Counted in the agent's load
 * until the escalation row shows the assignment (its status updates a moment later), and found again when
 * the same chat is offered twice, so a retry gives it to the same agent instead of taking another's turn.
 */
export const autoAssignPicks = pgTable(
  'auto_assign_picks',
  {
    /** `<session>:<seq>` of the turn that queued the chat (the escalation's key without its index). */
    turnKey: text('turn_key').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    pickedAt: timestamp('picked_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('auto_assign_picks_agent_idx').on(t.agentId, t.pickedAt)],
);
