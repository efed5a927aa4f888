import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    /** Compare-and-set guard: every committed turn increments it by one. */
    version: integer('version').notNull(),
    state: text('state').notNull(),
    owner: text('owner').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    messageCount: integer('message_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_state_idx').on(t.state), index('sessions_expires_idx').on(t.expiresAt)],
);
