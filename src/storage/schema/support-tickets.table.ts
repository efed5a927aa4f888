import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const TICKET_STATUSES = ['open', 'in_progress', 'awaiting_customer', 'resolved', 'closed'] as const;

export const supportTickets = pgTable(
  'support_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** TKT-YYYY-NNNN, allocated race-free from ticket_counters. */
    ticketNumber: text('ticket_number').notNull().unique(),
    customerId: text('customer_id'),
    customerEmail: text('customer_email'),
    sessionId: text('session_id'),
    sourceType: text('source_type').notNull(),
    sourceReferenceId: text('source_reference_id'),
    sourcePhoneNumber: text('source_phone_number'),
    subject: text('subject').notNull(),
    description: text('description'),
    escalationReason: text('escalation_reason'),
    escalationCategory: text('escalation_category'),
    priority: text('priority').notNull(),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    botDetectedSentiment: text('bot_detected_sentiment'),
    customerJourneyStage: text('customer_journey_stage'),
    assignedToAgentId: text('assigned_to_agent_id'),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    resolutionNotes: text('resolution_notes'),
    resolutionCategory: text('resolution_category'),
    /** Summary, last messages, keywords, bot confidence. */
    metadata: jsonb('metadata').notNull().default({}),
    /** The handoff effect that created it: a retried effect never creates a second ticket. */
    idempotencyKey: text('idempotency_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('support_tickets_status_priority_idx').on(t.status, t.priority, t.createdAt),
    index('support_tickets_session_idx').on(t.sessionId),
    index('support_tickets_category_idx').on(t.escalationCategory, t.createdAt),
  ],
);
