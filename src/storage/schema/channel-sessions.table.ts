import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Which session a person on a visitor channel is in: one WhatsApp number or SalesIQ visitor keeps its
 * conversation. Claimed before the session is created, so two first messages at once start one session.
 */
export const channelSessions = pgTable(
  'channel_sessions',
  {
    channel: text('channel').notNull(),
    /** The channel's id of the person: E.164 phone (WhatsApp), remoteJid (Evolution), SalesIQ visitor id. */
    externalId: text('external_id').notNull(),
    sessionId: text('session_id').notNull(),
    phone: text('phone'),
    profileName: text('profile_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** When the row last pointed at a new session (a claim, or a replacement after the session expired). */
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.externalId] }),
    index('channel_sessions_session_idx').on(t.sessionId),
  ],
);

export const CHANNEL_DELIVERY_STATUSES = ['delivered', 'failed'] as const;

/** One row per outbound message delivered (or refused for good) on a visitor channel: at most once per seq. */
export const channelDeliveries = pgTable(
  'channel_deliveries',
  {
    sessionId: text('session_id').notNull(),
    messageSeq: integer('message_seq').notNull(),
    channel: text('channel').notNull(),
    status: text('status', { enum: CHANNEL_DELIVERY_STATUSES }).notNull(),
    externalMessageIds: jsonb('external_message_ids').notNull().default([]),
    /** The channel's reason code when it failed for good (e.g. WhatsApp's 24-hour window: `131047`). */
    code: text('code'),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.messageSeq] }),
    index('channel_deliveries_failed_idx').on(t.status, t.at),
  ],
);
