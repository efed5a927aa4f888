import { bigserial, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id').notNull(),
    seq: integer('seq').notNull(),
    role: text('role').notNull(),
    text: text('text').notNull(),
    buttons: jsonb('buttons'),
    agentId: text('agent_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('messages_session_seq_uq').on(t.sessionId, t.seq)],
);
