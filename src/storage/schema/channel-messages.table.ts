// Each part of an outbound message a channel sent (a long text or a text + buttons can take several vendor
// messages), keyed by (session, seq, part) so a redelivered effect never sends a part twice, and the vendor's
// delivery statuses (sent → delivered → read, or failed) recorded against it by the vendor's message id.
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const CHANNEL_MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

export const channelMessages = pgTable(
  'channel_messages',
  {
    sessionId: text('session_id').notNull(),
    seq: integer('seq').notNull(),
    part: integer('part').notNull(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    /** The vendor's id of the sent message (`wamid…`, Evolution's key.id). */
    externalMessageId: text('external_message_id').notNull(),
    status: text('status', { enum: CHANNEL_MESSAGE_STATUSES }).notNull().default('sent'),
    errorCode: text('error_code'),
    errorTitle: text('error_title'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    statusAt: timestamp('status_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.seq, t.part] }),
    uniqueIndex('channel_messages_external_uq').on(t.channel, t.externalMessageId),
    index('channel_messages_session_idx').on(t.sessionId, t.seq),
  ],
);

/**
 * Statuses that arrived for a message id we have not recorded (yet, or sent by another tool on the same
 * number): kept so nothing the vendor told us is lost, and applied when the send is recorded.
 */
export const channelStatusEvents = pgTable(
  'channel_status_events',
  {
    channel: text('channel').notNull(),
    externalMessageId: text('external_message_id').notNull(),
    status: text('status', { enum: CHANNEL_MESSAGE_STATUSES }).notNull(),
    recipient: text('recipient'),
    errorCode: text('error_code'),
    errorTitle: text('error_title'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.externalMessageId, t.status] })],
);
