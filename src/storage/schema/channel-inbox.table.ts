// Visitor messages a channel webhook accepted, before the engine turned them into a turn: the webhook
// answers 200 once the row is stored, and a processor hands rows to the engine in arrival order per
// (channel, external id). Unique by the vendor's message id, so a redelivery is stored once.
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const CHANNEL_INBOX_STATUSES = ['pending', 'done', 'unsupported', 'failed'] as const;

export const channelInbox = pgTable(
  'channel_inbox',
  {
    /** Arrival order: a phone's messages are handled in this order. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    messageId: text('message_id').notNull(),
    /** The ChannelInbound the mapping produced. */
    inbound: jsonb('inbound').notNull(),
    status: text('status', { enum: CHANNEL_INBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** A claimed row is someone's until then; a retried row waits until then. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    sessionId: text('session_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('channel_inbox_message_uq').on(t.channel, t.messageId),
    index('channel_inbox_pending_idx').on(t.status, t.channel, t.externalId, t.id),
  ],
);
