// Request and response bodies of the contacts API (customer memory); the OpenAPI document is made from these.
import { z } from 'zod';
import { identityKindSchema } from '../contacts/contact.types.ts';

export const contactId = z.uuid({ error: 'a contact id is a UUID' });

export const contactQuery = z.object({
  q: z.string().trim().max(200, 'q is at most 200 characters').default(''),
});

const tier = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_-]{1,32}$/, 'a tier is 1-32 letters, digits, _ or - (like vip, standard)');

export const contactPatchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    tier: tier.optional(),
    lifetimeValue: z.number().min(0).max(1e12).optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    customFields: z
      .record(
        z.string().regex(/^[a-z0-9_]{1,64}$/, 'field names are lower-case letters, digits and _'),
        z.unknown(),
      )
      .refine((r) => Object.keys(r).length <= 100, 'at most 100 custom fields')
      .optional(),
  })
  .refine(
    (b) => Object.keys(b).length > 0,
    'send at least one of name, tier, lifetimeValue, tags, customFields',
  );

export const mergeBody = z.strictObject({
  sourceId: z.uuid({ error: 'sourceId is the id of the contact to merge into this one' }),
});

const identity = z.object({ kind: identityKindSchema, value: z.string() });
export const contactItem = z.object({
  id: z.string(),
  name: z.string().nullable(),
  tier: z.string(),
  lifetimeValue: z.number(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  leadScore: z.number(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  identities: z.array(identity),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const at = z.string();
const maybeAt = z.string().nullable();
export const contactHistory = z.object({
  contact: contactItem,
  mergedFrom: z.string().optional().describe('the id asked for, when it was merged into this contact'),
  conversations: z.array(
    z.object({
      sessionId: z.string(),
      channel: z.string(),
      state: z.string().nullable(),
      messageCount: z.number().nullable(),
      handoverRequested: z.boolean(),
      handoverTimestamp: maybeAt,
      handoverReason: z.string().nullable(),
      createdAt: at,
      lastActivityAt: maybeAt,
    }),
  ),
  tickets: z.array(
    z.object({
      id: z.string(),
      ticketNumber: z.string(),
      subject: z.string(),
      status: z.string(),
      priority: z.string(),
      sessionId: z.string().nullable(),
      createdAt: at,
      resolvedAt: maybeAt,
    }),
  ),
  callbacks: z.array(
    z.object({
      id: z.string(),
      sessionId: z.string(),
      phone: z.string().nullable(),
      windowText: z.string().nullable(),
      dueAt: at,
      status: z.string(),
      priority: z.string(),
      createdAt: at,
    }),
  ),
  leads: z.array(
    z.object({
      id: z.string(),
      conversationId: z.string(),
      status: z.string(),
      handoverRequested: z.boolean(),
      handoverTrigger: z.string().nullable(),
      handoverTimestamp: at,
      handoverOption: z.string().nullable(),
      priority: z.string(),
      source: z.string(),
    }),
  ),
  activities: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      title: z.string(),
      description: z.string().nullable(),
      metadata: z.record(z.string(), z.unknown()),
      conversationId: z.string().nullable(),
      createdAt: at,
    }),
  ),
  satisfaction: z.array(
    z.object({
      sessionId: z.string(),
      rating: z.number(),
      comment: z.string().nullable(),
      agentId: z.string().nullable(),
      channel: z.string(),
      createdAt: at,
    }),
  ),
  merges: z.array(
    z.object({
      id: z.string(),
      targetId: z.string(),
      sourceId: z.string(),
      reason: z.string(),
      mergedBy: z.string(),
      createdAt: at,
      undoneAt: maybeAt,
    }),
  ),
});
export type ContactHistory = z.infer<typeof contactHistory>;

export const eraseBody = z.strictObject({
  confirm: z.literal(true, {
    error: 'erasing cannot be undone: send {"confirm": true} to erase this contact',
  }),
});

export const contactSearchResponse = z.object({ items: z.array(contactItem) });

export const contactImportSummary = z.object({
  rows: z.number(),
  created: z.number(),
  updated: z.number(),
  merged: z.number(),
});

export const mergeResponse = z.object({ mergeId: z.string(), contact: contactItem.nullable() });

export const unmergeResponse = z.object({ target: contactItem.nullable(), source: contactItem.nullable() });

export const eraseResponse = z.object({
  outcome: z.literal('erased'),
  contactId: z.string(),
  conversations: z.number(),
  messages: z.number(),
});

export const conversationContactResponse = z.object({ contact: contactHistory.nullable() });
