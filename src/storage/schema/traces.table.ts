// One row per committed turn: the trace entry (for replay and QA) and the response (for idempotency).
import { integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const traces = pgTable(
  'traces',
  {
    sessionId: text('session_id').notNull(),
    seq: integer('seq').notNull(),
    clientMessageId: text('client_message_id'),
    entry: jsonb('entry').notNull(),
    response: jsonb('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.seq] }),
    uniqueIndex('traces_client_message_uq').on(t.sessionId, t.clientMessageId),
  ],
);
