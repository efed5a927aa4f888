// What we posted to a desk on the visitor's behalf (a Zendesk comment, a Freshdesk reply, a Slack thread
// message). Keyed by the effect that posted it, so a re-run effect posts once; and the loop guard: when the
// desk's webhook echoes our own post back, it is recognised here and never shown to the visitor again.
import { bigserial, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const deskOutbound = pgTable(
  'desk_outbound',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `<effect idempotency key>:<desk>`. */
    idempotencyKey: text('idempotency_key').notNull(),
    desk: text('desk').notNull(),
    externalId: text('external_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    /** sha256 of the normalised text: how an echo without our id (Freshdesk) is still recognised. */
    fingerprint: text('fingerprint').notNull(),
    /** The vendor's id of what we posted (comment id, message ts), once known. */
    vendorMessageId: text('vendor_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('desk_outbound_key_uq').on(t.idempotencyKey),
    index('desk_outbound_echo_idx').on(t.desk, t.externalId, t.fingerprint),
  ],
);
