import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// A call nobody answered stays scheduled, later (attempts + 1): no_answer is an outcome, not a status.
export const CALLBACK_STATUSES = ['scheduled', 'done', 'cancelled'] as const;

/** A promised phone call: the visitor's number and time window, worked by an operator to an outcome. */
export const callbacks = pgTable(
  'callbacks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: text('session_id').notNull(),
    escalationId: uuid('escalation_id'),
    /** The handoff effect that scheduled it: a retried effect never schedules a second call. */
    idempotencyKey: text('idempotency_key').notNull(),
    phone: text('phone'),
    visitorName: text('visitor_name'),
    /** The window as the visitor wrote it ("tomorrow 9-11am"). */
    windowText: text('window_text'),
    /** When the window opens (parsed from windowText against the time it was given; else when asked). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
    priority: text('priority').notNull(),
    category: text('category'),
    summary: text('summary'),
    status: text('status', { enum: CALLBACK_STATUSES }).notNull().default('scheduled'),
    attempts: integer('attempts').notNull().default(0),
    notes: text('notes'),
    assignedTo: text('assigned_to'),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('callbacks_idempotency_uq').on(t.idempotencyKey),
    index('callbacks_due_idx').on(t.status, t.dueAt),
    index('callbacks_session_idx').on(t.sessionId),
  ],
);
