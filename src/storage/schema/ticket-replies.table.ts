import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const TICKET_REPLY_AUTHORS = ['agent', 'customer', 'system'] as const;
/** How a reply reached the requester: in their live conversation, by e-mail, or not at all (internal). */
export const TICKET_REPLY_DELIVERIES = ['chat', 'email', 'none'] as const;
export const TICKET_REPLY_STATUSES = ['pending', 'sent', 'failed', 'not_sent'] as const;

/** The thread of a support ticket: agents' replies and the requester's answers, in order. */
export const ticketReplies = pgTable(
  'ticket_replies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id').notNull(),
    authorType: text('author_type', { enum: TICKET_REPLY_AUTHORS }).notNull(),
    /** Our operator id for agents; null for the requester. */
    authorId: text('author_id'),
    authorName: text('author_name'),
    body: text('body').notNull(),
    /** False: an internal note the requester never sees. */
    isPublic: boolean('is_public').notNull().default(true),
    deliveredVia: text('delivered_via', { enum: TICKET_REPLY_DELIVERIES }).notNull(),
    deliveryStatus: text('delivery_status', { enum: TICKET_REPLY_STATUSES }).notNull(),
    deliveryError: text('delivery_error'),
    /** The SMTP message id, or the conversation message seq. */
    externalMessageId: text('external_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ticket_replies_ticket_idx').on(t.ticketId, t.createdAt),
    // The requester's answer is written by an effect that may run twice: its key is the message id.
    uniqueIndex('ticket_replies_requester_message_idx')
      .on(t.ticketId, t.externalMessageId)
      .where(sql`author_type = 'customer'`),
  ],
);
