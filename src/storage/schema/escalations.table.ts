import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const ESCALATION_STATUSES = ['queued', 'assigned', 'resolved', 'handed_back', 'failed'] as const;

export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The chat session (conversation) that was escalated. */
    conversationId: text('conversation_id').notNull(),
    /** Bot segment of the conversation: a conversation can be escalated again after a resolution. */
    segment: integer('segment').notNull(),
    channel: text('channel').notNull(),
    /** Where the visitor wrote from: web, whatsapp, evolution, salesiq. */
    sourceType: text('source_type').notNull().default('web'),
    /** The visitor's phone (E.164) when they wrote on WhatsApp. */
    sourcePhoneNumber: text('source_phone_number'),
    summary: text('summary').notNull(),
    subject: text('subject'),
    category: text('category'),
    priority: text('priority').notNull(),
    triggers: jsonb('triggers').notNull().default([]),
    aiConfidence: doublePrecision('ai_confidence'),
    customerSentiment: text('customer_sentiment'),
    sentimentScore: doublePrecision('sentiment_score'),
    journeyStage: text('journey_stage'),
    keywords: jsonb('keywords').notNull().default([]),
    /** The handoff packet as first built (src/handoff/packet.ts): every retry sends exactly this. */
    packet: jsonb('packet'),
    status: text('status', { enum: ESCALATION_STATUSES }).notNull().default('queued'),
    assignedTo: text('assigned_to'),
    resolutionSummary: text('resolution_summary'),
    resolutionCategory: text('resolution_category'),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('escalations_idempotency_uq').on(t.idempotencyKey),
    index('escalations_queue_idx').on(t.status, t.priority, t.createdAt),
    index('escalations_conversation_idx').on(t.conversationId, t.createdAt),
    index('escalations_category_idx').on(t.category, t.createdAt),
  ],
);

export const escalationIntegrations = pgTable(
  'escalation_integrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    escalationId: uuid('escalation_id'),
    conversationId: text('conversation_id').notNull(),
    /** console, salesiq, zendesk, freshdesk, slack, ticket, callback */
    target: text('target').notNull(),
    externalId: text('external_id'),
    externalUrl: text('external_url'),
    /** pending, delivered, failed */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    metadata: jsonb('metadata').notNull().default({}),
    /**
     * Where the case stands on the desk itself, as its webhooks tell us (assigned, answered, open, pending,
     * solved, closed, missed); null until the desk said something. `status` stays the delivery's.
     */
    deskStatus: text('desk_status'),
    /** Who on the desk last acted on it (their display name). */
    deskAgent: text('desk_agent'),
    deskStatusAt: timestamp('desk_status_at', { withTimezone: true }),
    /** One row per (handoff effect, target): a retry updates it, never adds another delivery. */
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('escalation_integrations_key_uq').on(t.idempotencyKey, t.target),
    index('escalation_integrations_target_idx').on(t.target, t.status, t.createdAt),
    // A desk's webhook names its conversation / ticket / thread: this finds our conversation from it.
    index('escalation_integrations_external_idx').on(t.target, t.externalId),
  ],
);
