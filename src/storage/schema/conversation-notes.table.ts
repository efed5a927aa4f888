import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const NOTE_KINDS = ['note', 'transfer'] as const;

/**
 * What operators write about a conversation for each other: never part of the transcript, the visitor's
 * stream or anything a channel or desk is sent. A transfer's note is kept here too, with its kind.
 */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: text('conversation_id').notNull(),
    authorId: uuid('author_id').notNull(),
    kind: text('kind', { enum: NOTE_KINDS }).notNull().default('note'),
    text: text('text').notNull(),
    /** For a transfer: the agent it went to. */
    toAgentId: uuid('to_agent_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversation_notes_conversation_idx').on(t.conversationId, t.createdAt)],
);
