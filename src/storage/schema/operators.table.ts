import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const OPERATOR_ROLES = ['agent', 'admin'] as const;
export const AVAILABILITIES = ['online', 'away', 'offline'] as const;

export const operators = pgTable('operators', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: OPERATOR_ROLES }).notNull(),
  /** scrypt hash with its parameters and salt. */
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  /** What the operator chose in the console; counts only while `presentUntil` is in the future. */
  availability: text('availability', { enum: AVAILABILITIES }).notNull().default('offline'),
  /** Pushed forward while one of the operator's console streams is open, in whichever process. */
  presentUntil: timestamp('present_until', { withTimezone: true }),
  /** Live chats automatic assignment may give this agent at once; null: the configured default. */
  capacity: integer('capacity'),
  /** The round-robin's turn: the agent given a chat longest ago goes first. */
  lastAutoAssignedAt: timestamp('last_auto_assigned_at', { withTimezone: true }),
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
