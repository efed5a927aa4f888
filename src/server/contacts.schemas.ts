// Request and response bodies of the contacts API (customer memory); the OpenAPI document is made from these.
import { z } from 'zod';
import { identityKindSchema } from '../contacts/contact.types.ts';
import type { ApiOperation } from './openapi.ts';
import { errorBody } from './widget.schemas.ts';

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

export function contactOperations(): ApiOperation[] {
  const auth = 'operator' as const;
  const tags = ['contacts'];
  const e = (description: string) => ({ description, schema: errorBody });
  const common = { '401': e('Missing, wrong or expired operator token') };
  const admin = { ...common, '403': e('Only an admin can do this') };
  return [
    {
      method: 'get',
      path: '/api/v1/contacts',
      summary: 'Find contacts by phone, e-mail or name',
      tags,
      auth,
      query: contactQuery,
      responses: {
        '200': { description: 'Up to 50 contacts', schema: z.object({ items: z.array(contactItem) }) },
        ...common,
      },
    },
    {
      method: 'get',
      path: '/api/v1/contacts/{id}',
      summary: 'One contact with identities, conversations, tickets, callbacks, leads, activities and CSAT',
      tags,
      auth,
      responses: {
        '200': { description: 'The contact and their history', schema: contactHistory },
        '404': e('No such contact'),
        ...common,
      },
    },
    {
      method: 'patch',
      path: '/api/v1/contacts/{id}',
      summary: 'Change name, tier, lifetime value, tags or custom fields (admins)',
      tags,
      auth,
      body: contactPatchBody,
      responses: {
        '200': { description: 'The changed contact', schema: contactItem },
        '400': e('Malformed body'),
        '404': e('No such contact'),
        ...admin,
      },
    },
    {
      method: 'post',
      path: '/api/v1/contacts/{id}/merge',
      summary:
        'Merge another contact (sourceId) into this one (admins); undo with POST /contacts/merges/{mergeId}/undo',
      tags,
      auth,
      body: mergeBody,
      responses: {
        '200': { description: 'Merged', schema: z.object({ mergeId: z.string(), contact: contactItem }) },
        '400': e('Malformed body'),
        '404': e('No such contact'),
        '409': e('Merged already, or into itself'),
        ...admin,
      },
    },
    {
      method: 'post',
      path: '/api/v1/contacts/merges/{mergeId}/undo',
      summary: 'Undo a merge: identities, conversations, leads and activities go back (admins)',
      tags,
      auth,
      responses: {
        '200': { description: 'Undone' },
        '404': e('No such merge'),
        '409': e('Undone already, or the contacts changed since'),
        ...admin,
      },
    },
    {
      method: 'post',
      path: '/api/v1/contacts/import',
      summary:
        'Import contacts from CSV (text/csv): email, phone, name, tier, lifetime_value, tags, field:<name> (admins)',
      tags,
      auth,
      responses: {
        '200': { description: 'How many were created, updated and merged' },
        '400': e('Bad CSV: the message names the line and column'),
        '415': e('Send the file as text/csv'),
        ...admin,
      },
    },
    {
      method: 'get',
      path: '/api/v1/contacts/{id}/export',
      summary: 'Everything kept about one contact, messages included, as JSON (admins; audited)',
      tags,
      auth,
      responses: { '200': { description: 'The export' }, '404': e('No such contact'), ...admin },
    },
    {
      method: 'post',
      path: '/api/v1/contacts/{id}/erase',
      summary: 'Erase a contact: messages redacted, identities removed, aggregates kept (admins; audited)',
      tags,
      auth,
      body: z.strictObject({ confirm: z.literal(true) }),
      responses: {
        '200': { description: 'Erased' },
        '400': e('confirm: true is required'),
        '404': e('No such contact'),
        ...admin,
      },
    },
    {
      method: 'get',
      path: '/api/v1/conversations/{id}/contact',
      summary: "The contact of a conversation and their history (the console's visitor panel)",
      tags,
      auth,
      responses: {
        '200': {
          description: 'The contact, or null when the visitor is not known',
          schema: z.object({ contact: contactHistory.nullable() }),
        },
        ...common,
      },
    },
  ];
}
