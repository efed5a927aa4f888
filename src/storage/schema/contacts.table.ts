import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * One person across channels (customer memory). `phone` and `email` are the contact's primary identities,
 * kept here as the handover document's queries read them (`c.phone`); every identity, primary or not, is a
 * `contact_identities` row. A merged contact keeps its row with `merged_into` set, so an undo restores it.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name'),
    /** e.g. vip, standard: what the customer priority rules read. */
    tier: text('tier').notNull().default('standard'),
    lifetimeValue: numeric('lifetime_value', { precision: 14, scale: 2, mode: 'number' })
      .notNull()
      .default(0),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    /** +25 per handover (the handover document's rule). */
    leadScore: integer('lead_score').notNull().default(0),
    phone: text('phone'),
    email: text('email'),
    mergedInto: uuid('merged_into'),
    /** Set when an admin erased the person: identities gone, messages redacted, aggregates kept. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contacts_phone_idx').on(t.phone),
    index('contacts_email_idx').on(t.email),
    index('contacts_merged_into_idx').on(t.mergedInto),
  ],
);

/** A verified way to reach or recognise a person: one owner per (kind, value). */
export const contactIdentities = pgTable(
  'contact_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id').notNull(),
    /** phone (E.164), email, web_visitor, whatsapp (E.164), salesiq (visitor id). */
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    /** Where it was learnt: a channel (web, whatsapp …), import, or an operator. */
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contact_identities_kind_value_uq').on(t.kind, t.value),
    index('contact_identities_contact_idx').on(t.contactId),
  ],
);

/** A merge of `source` into `target`, with what it moved, so an admin can undo it exactly. */
export const contactMerges = pgTable(
  'contact_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    targetId: uuid('target_id').notNull(),
    sourceId: uuid('source_id').notNull(),
    /** What proved they are one person ("phone +447700900123"), or an admin's merge. */
    reason: text('reason').notNull(),
    /** Ids of the identities, conversations (session ids), leads and activities moved to the target. */
    moved: jsonb('moved')
      .$type<{ identities: string[]; conversations: string[]; leads: string[]; activities: string[] }>()
      .notNull(),
    /**
     * What the merge changed on the target, to take back on undo: its tier and lifetime value before, the
     * source's lead score (added to the target's), and the primary fields it filled from the source.
     */
    before: jsonb('before')
      .$type<{ tier: string; lifetimeValue: number; sourceLeadScore: number; filled: string[] }>()
      .notNull(),
    mergedBy: text('merged_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: text('undone_by'),
  },
  (t) => [
    index('contact_merges_target_idx').on(t.targetId),
    index('contact_merges_source_idx').on(t.sourceId),
  ],
);

/**
 * The CRM record of one conversation (a chat session): whose it is and whether it asked for a human. A
 * session's live state is the session store's; this row is what customer memory keeps of it.
 */
export const conversations = pgTable(
  'conversations',
  {
    sessionId: text('session_id').primaryKey(),
    contactId: uuid('contact_id'),
    /** web, whatsapp, evolution, salesiq. */
    channel: text('channel').notNull(),
    handoverRequested: boolean('handover_requested').notNull().default(false),
    handoverTimestamp: timestamp('handover_timestamp', { withTimezone: true }),
    handoverReason: text('handover_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversations_contact_idx').on(t.contactId)],
);

export const LEAD_STATUSES = ['new', 'qualified', 'converted', 'lost'] as const;

/** One per handover: the person asked for a human, so they are a qualified lead. */
export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null while the conversation belongs to nobody known; filled when it is linked. */
    contactId: uuid('contact_id'),
    conversationId: text('conversation_id').notNull(),
    status: text('status').notNull().default('qualified'),
    handoverRequested: boolean('handover_requested').notNull().default(true),
    /** The visitor's message that made the bot offer (or give) a human. */
    handoverTrigger: text('handover_trigger'),
    handoverTimestamp: timestamp('handover_timestamp', { withTimezone: true }).notNull(),
    priority: text('priority').notNull(),
    /** The channel the visitor wrote from. */
    source: text('source').notNull(),
    /** instant_chat, callback or ticket. */
    handoverOption: text('handover_option'),
    /** The effect that recorded it: a redelivered effect never adds a second lead (or a second +25). */
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('leads_idempotency_uq').on(t.idempotencyKey),
    index('leads_contact_idx').on(t.contactId, t.createdAt),
    index('leads_conversation_idx').on(t.conversationId),
  ],
);

export const ACTIVITY_TYPES = [
  'support_request',
  'ticket',
  'callback',
  'resolution',
  'satisfaction',
] as const;

/** Every step of a person's support story, with its context. */
export const activities = pgTable(
  'activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id'),
    conversationId: text('conversation_id'),
    type: text('type').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('activities_idempotency_uq').on(t.idempotencyKey),
    index('activities_contact_idx').on(t.contactId, t.createdAt),
    index('activities_type_created_idx').on(t.type, t.createdAt),
    index('activities_conversation_idx').on(t.conversationId),
  ],
);
