// What the desks (SalesIQ, Zendesk, Freshdesk, Slack) told us, kept before it is acted on: a webhook
// answers as soon as its events are written here (Slack wants an answer within 3 s), and a worker applies
// them afterwards. One row per (desk, vendor event id): a redelivered or replayed webhook changes nothing.
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const DESK_INBOX_STATUSES = ['pending', 'done', 'ignored', 'failed'] as const;

export const deskInbox = pgTable(
  'desk_inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    desk: text('desk').notNull(),
    eventId: text('event_id').notNull(),
    /** The vendor's conversation / ticket / thread id (escalation_integrations.external_id). */
    externalId: text('external_id').notNull(),
    /** The DeskEvent (src/handoff/desk-event.port.ts), already parsed from the vendor payload. */
    event: jsonb('event').notNull(),
    status: text('status', { enum: DESK_INBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** Why it was ignored or failed (no conversation for it, the conversation moved on…). */
    note: text('note'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('desk_inbox_event_uq').on(t.desk, t.eventId),
    index('desk_inbox_pending_idx').on(t.status, t.availableAt),
  ],
);
