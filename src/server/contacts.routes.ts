// The contacts API as a route table: agents read (search, one contact's history, a conversation's
// contact); admins change, merge and undo, import CSV, export and erase. Every admin change leaves an
// audit entry.
import type { Response } from 'express';
import { z } from 'zod';
import type { ContactLinker } from '../contacts/contact.linker.ts';
import type { ContactPrivacy } from '../contacts/contact.privacy.ts';
import type { ContactsRepository } from '../storage/contacts.repository.ts';
import { operatorOf } from './auth.routes.ts';
import { importContactsCsv } from './contacts.import.ts';
import { mergeContacts, undoMerge } from './contacts.merges.ts';
import {
  contactHistory,
  contactId,
  contactImportSummary,
  contactItem,
  contactPatchBody,
  contactQuery,
  contactSearchResponse,
  conversationContactResponse,
  eraseBody,
  eraseResponse,
  mergeBody,
  mergeResponse,
  unmergeResponse,
} from './contacts.schemas.ts';
import { sendError } from './http.errors.ts';
import { type Route, route } from './route.table.ts';
import { sessionIdParam } from './widget.schemas.ts';

export interface ContactRoutesOptions {
  repository: ContactsRepository;
  linker: ContactLinker;
  privacy: ContactPrivacy;
  now: () => Date;
}

const NOT_FOUND = {
  code: 'contact_not_found',
  message: 'No contact with this id (it may have been erased).',
};
/** A contact id in the path: one that is not a UUID names nobody (404). */
const contactPath = { params: z.object({ id: contactId }), notFound: NOT_FOUND };

const tags = ['contacts'];

const contactNotFound = (res: Response) => sendError(res, 404, NOT_FOUND.code, NOT_FOUND.message);

/** The contact and their history; asked by a merged-away id, it says so (`mergedFrom`). */
async function sendContactHistory(repository: ContactsRepository, res: Response, id: string) {
  const history = await repository.history(id);
  if (!history) return contactNotFound(res);
  res.json(history.contact.id === id ? history : { ...history, mergedFrom: id });
}

async function patchContact(
  repository: ContactsRepository,
  res: Response,
  id: string,
  body: z.output<typeof contactPatchBody>,
) {
  const contact = await repository.patch(id, body);
  if (!contact) return contactNotFound(res);
  await repository.audit({
    actorId: operatorOf(res).id,
    action: 'contact.update',
    subjectType: 'contact',
    subjectId: contact.id,
    details: { fields: Object.keys(body) },
  });
  res.json(contact);
}

async function exportContact(privacy: ContactPrivacy, res: Response, id: string) {
  const exported = await privacy.exportContact(id, operatorOf(res).id);
  if (!exported) return contactNotFound(res);
  res.set('Content-Disposition', `attachment; filename="contact-${exported.contact.id}.json"`).json(exported);
}

async function eraseContact(privacy: ContactPrivacy, res: Response, id: string) {
  const result = await privacy.erase(id, operatorOf(res).id);
  if (result.outcome === 'not_found') return contactNotFound(res);
  res.json(result);
}

/** The collection: find, import, and undo a merge. */
function contactsCollectionRoutes(options: ContactRoutesOptions): Route[] {
  const { repository } = options;
  return [
    route({
      method: 'get',
      path: '/api/v1/contacts',
      summary: 'Find contacts by phone, e-mail or name (50 at most, latest changed first)',
      tags,
      auth: 'operator',
      query: contactQuery,
      responses: { '200': { description: 'The contacts', schema: contactSearchResponse } },
      handler: async ({ res, query }) => {
        res.json({ items: await repository.search(query.q) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/contacts/import',
      summary: 'Import contacts from CSV: email, phone, name, tier, lifetime_value, tags (";"), field:<name>',
      description:
        'One transaction: a bad row (its line and column are named) imports nothing. A row whose e-mail or phone a contact has updates that contact; one that names two contacts merges them.',
      tags,
      auth: 'admin',
      rawBody: { contentType: 'text/csv', limit: '2mb', description: 'The CSV file, a header row first' },
      responses: {
        '200': {
          description: 'How many rows were read and contacts created, updated and merged',
          schema: contactImportSummary,
        },
        '400': { description: 'Bad CSV: the message names the line and column' },
        '415': { description: 'Not sent as text/csv' },
      },
      handler: ({ req, res }) => importContactsCsv(options, req, res),
    }),
    route({
      method: 'post',
      path: '/api/v1/contacts/merges/{mergeId}/undo',
      summary: 'Undo a merge: identities, conversations, leads and activities go back; the two stay apart',
      tags,
      auth: 'admin',
      params: z.object({ mergeId: z.uuid() }),
      notFound: { code: 'merge_not_found', message: 'No merge with this id.' },
      responses: {
        '200': { description: 'The two contacts again', schema: unmergeResponse },
        '409': { description: 'Undone already, or the contacts changed since (the message says how)' },
      },
      handler: ({ res, params }) => undoMerge(options, res, params.mergeId),
    }),
  ];
}

/** One contact: read, change, merge another into it, export and erase. */
function oneContactRoutes(options: ContactRoutesOptions): Route[] {
  const { repository, privacy } = options;
  return [
    route({
      method: 'get',
      path: '/api/v1/contacts/{id}',
      summary: 'One contact with identities, conversations, tickets, callbacks, leads, activities and CSAT',
      tags,
      auth: 'operator',
      ...contactPath,
      responses: { '200': { description: 'The contact and their history', schema: contactHistory } },
      handler: ({ res, params }) => sendContactHistory(repository, res, params.id),
    }),
    route({
      method: 'patch',
      path: '/api/v1/contacts/{id}',
      summary: 'Change name, tier, lifetime value, tags or custom fields (a null field value removes it)',
      tags,
      auth: 'admin',
      ...contactPath,
      body: contactPatchBody,
      responses: { '200': { description: 'The changed contact', schema: contactItem } },
      handler: ({ res, params, body }) => patchContact(repository, res, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/contacts/{id}/merge',
      summary: 'Merge another contact (sourceId) into this one; undo with /contacts/merges/{mergeId}/undo',
      tags,
      auth: 'admin',
      ...contactPath,
      body: mergeBody,
      responses: {
        '200': { description: 'Merged', schema: mergeResponse },
        '409': { description: 'Into itself, or one of them was merged already' },
      },
      handler: ({ res, params, body }) => mergeContacts(options, res, params.id, body.sourceId),
    }),
    route({
      method: 'get',
      path: '/api/v1/contacts/{id}/export',
      summary: 'Everything kept about one contact, messages included, as JSON (audited)',
      tags,
      auth: 'admin',
      ...contactPath,
      responses: { '200': { description: 'The export', contentType: 'application/json' } },
      handler: ({ res, params }) => exportContact(privacy, res, params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/contacts/{id}/erase',
      summary:
        'Erase a contact: messages redacted, identities removed, aggregates kept (audited; cannot be undone)',
      tags,
      auth: 'admin',
      ...contactPath,
      body: eraseBody,
      bodyOptional: true,
      responses: { '200': { description: 'Erased', schema: eraseResponse } },
      handler: ({ res, params }) => eraseContact(privacy, res, params.id),
    }),
  ];
}

/** The contact of a conversation, for the console's visitor panel. */
const conversationContactRoute = ({ repository }: ContactRoutesOptions): Route =>
  route({
    method: 'get',
    path: '/api/v1/conversations/{id}/contact',
    summary: "The contact of a conversation and their history (the console's visitor panel)",
    tags,
    auth: 'operator',
    params: z.object({ id: sessionIdParam }),
    notFound: { code: 'conversation_not_found', message: 'No conversation with this id.' },
    responses: {
      '200': {
        description: 'The contact with their history, or null when the visitor is not known',
        schema: conversationContactResponse,
      },
    },
    handler: async ({ res, params }) => {
      const contact = await repository.contactOfConversation(params.id);
      res.json({ contact: contact ? await repository.history(contact.id) : null });
    },
  });

export function contactRoutes(options: ContactRoutesOptions): Route[] {
  // The groups in path order, which is the order of the paths in /api/v1/openapi.json.
  return [
    ...contactsCollectionRoutes(options),
    ...oneContactRoutes(options),
    conversationContactRoute(options),
  ];
}
