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

export const contactHistory = z.object({
  contact: contactItem,
  mergedFrom: z.string().optional().describe('the id asked for, when it was merged into this contact'),
  conversations: z.array(z.record(z.string(), z.unknown())),
  tickets: z.array(z.record(z.string(), z.unknown())),
  callbacks: z.array(z.record(z.string(), z.unknown())),
  leads: z.array(z.record(z.string(), z.unknown())),
  activities: z.array(z.record(z.string(), z.unknown())),
  satisfaction: z.array(z.record(z.string(), z.unknown())),
  merges: z.array(z.record(z.string(), z.unknown())),
});

export const eraseBody = z.strictObject({
  confirm: z.literal(true, {
    error: 'erasing cannot be undone: send {"confirm": true} to erase this contact',
  }),
});
