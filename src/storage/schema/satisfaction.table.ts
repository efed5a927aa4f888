import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** One satisfaction rating per conversation segment a human resolved (a chat, or a ticket), 1–5. */
export const satisfactionRatings = pgTable(
  'satisfaction_ratings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: text('session_id').notNull(),
    segment: integer('segment').notNull(),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    /** Who resolved it: our operator id, or a desk's ("salesiq:123"). */
    agentId: text('agent_id'),
    category: text('category'),
    /** web, whatsapp, salesiq … (the visitor channel of the conversation). */
    channel: text('channel').notNull(),
    /** The ticket this segment opened, when it was a ticket. */
    ticketId: uuid('ticket_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('satisfaction_session_segment_uq').on(t.sessionId, t.segment),
    index('satisfaction_created_idx').on(t.createdAt),
    index('satisfaction_agent_idx').on(t.agentId, t.createdAt),
  ],
);
