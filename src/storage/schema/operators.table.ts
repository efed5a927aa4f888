import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const OPERATOR_ROLES = ['agent', 'admin'] as const;

export const operators = pgTable('operators', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: OPERATOR_ROLES }).notNull(),
  /** scrypt hash with its parameters and salt. */
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
});

export const operatorTokens = pgTable(
  'operator_tokens',
  {
    /** sha256 of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    operatorId: uuid('operator_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('operator_tokens_operator_idx').on(t.operatorId)],
);
