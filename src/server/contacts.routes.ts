// The contacts API as a route table: agents read (search, one contact's history, a conversation's
// contact); admins change, merge and undo, import CSV, export and erase. Every admin change leaves an
// audit entry.
import { z } from 'zod';
import type { ContactLinker } from '../contacts/contact.linker.ts';
import type { ContactPrivacy } from '../contacts/contact.privacy.ts';
import { parseContactsCsv } from '../contacts/contacts.csv.ts';
import type { ContactsRepository } from '../storage/contacts.repository.ts';
import { operatorOf } from './auth.routes.ts';
import {
  contactHistory,
  contactId,
  contactItem,
  contactPatchBody,
  contactQuery,
  eraseBody,
  mergeBody,
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

export function contactRoutes(options: ContactRoutesOptions): Route[] {
  const { repository, linker, privacy } = options;
  const tags = ['contacts'];
  const notFound = (res: Parameters<typeof sendError>[0]) =>
    sendError(res, 404, NOT_FOUND.code, NOT_FOUND.message);

  return [
    route({
      method: 'get',
      path: '/api/v1/contacts',
      summary: 'Find contacts by phone, e-mail or name (50 at most, latest changed first)',
      tags,
      auth: 'operator',
      query: contactQuery,
      responses: {
        '200': { description: 'The contacts', schema: z.object({ items: z.array(contactItem) }) },
      },
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
          schema: z.object({
            rows: z.number(),
            created: z.number(),
            updated: z.number(),
            merged: z.number(),
          }),
        },
        '400': { description: 'Bad CSV: the message names the line and column' },
        '415': { description: 'Not sent as text/csv' },
      },
      handler: async ({ req, res }) => {
        if (!Buffer.isBuffer(req.body) || !/^text\/(csv|plain)\b/i.test(req.get('content-type') ?? ''))
          return sendError(
            res,
            415,
            'unsupported_media_type',
            'Send the file as the body with Content-Type: text/csv.',
          );
        const parsed = parseContactsCsv(req.body.toString('utf8'));
        if (!parsed.ok) {
          const { line, column, message } = parsed.problem;
          const where = [line !== null ? `line ${line}` : null, column ? `column ${column}` : null]
            .filter(Boolean)
            .join(', ');
          return sendError(res, 400, 'invalid_csv', where ? `${where}: ${message}` : message, parsed.problem);
        }
        const me = operatorOf(res);
        const result = await linker.importContacts(parsed.rows, me.id);
        const summary = {
          rows: parsed.rows.length,
          created: result.created,
          updated: result.updated,
          merged: result.merged,
        };
        await repository.audit({
          actorId: me.id,
          action: 'contact.import',
          subjectType: 'import',
          subjectId: options.now().toISOString(),
          details: summary,
        });
        res.json(summary);
      },
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
        '200': {
          description: 'The two contacts again',
          schema: z.object({ target: contactItem.nullable(), source: contactItem.nullable() }),
        },
        '409': { description: 'Undone already, or the contacts changed since (the message says how)' },
      },
      handler: async ({ res, params }) => {
        const me = operatorOf(res);
        const result = await linker.undo(params.mergeId, me.id);
        switch (result.outcome) {
          case 'not_found':
            return sendError(res, 404, 'merge_not_found', 'No merge with this id.');
          case 'already_undone':
            return sendError(res, 409, 'already_undone', 'This merge was undone already.');
          case 'conflict':
            return sendError(res, 409, 'merge_changed', result.message);
          case 'undone':
            await repository.audit({
              actorId: me.id,
              action: 'contact.unmerge',
              subjectType: 'contact',
              subjectId: result.targetId,
              details: { mergeId: params.mergeId, sourceId: result.sourceId },
            });
            return res.json({
              target: await repository.get(result.targetId),
              source: await repository.get(result.sourceId),
            });
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/contacts/{id}',
      summary: 'One contact with identities, conversations, tickets, callbacks, leads, activities and CSAT',
      tags,
      auth: 'operator',
      ...contactPath,
      responses: { '200': { description: 'The contact and their history', schema: contactHistory } },
      handler: async ({ res, params }) => {
        const history = await repository.history(params.id);
        if (!history) return notFound(res);
        res.json(history.contact.id === params.id ? history : { ...history, mergedFrom: params.id });
      },
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
      handler: async ({ res, params, body }) => {
        const contact = await repository.patch(params.id, body);
        if (!contact) return notFound(res);
        await repository.audit({
          actorId: operatorOf(res).id,
          action: 'contact.update',
          subjectType: 'contact',
          subjectId: contact.id,
          details: { fields: Object.keys(body) },
        });
        res.json(contact);
      },
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
        '200': {
          description: 'Merged',
          schema: z.object({ mergeId: z.string(), contact: contactItem.nullable() }),
        },
        '409': { description: 'Into itself, or one of them was merged already' },
      },
      handler: async ({ res, params, body }) => {
        const me = operatorOf(res);
        const result = await linker.merge(params.id, body.sourceId, me.id);
        if (result.outcome === 'not_found')
          return sendError(res, 404, 'contact_not_found', `No contact with the id ${result.id}.`);
        if (result.outcome === 'conflict') return sendError(res, 409, 'cannot_merge', result.message);
        await repository.audit({
          actorId: me.id,
          action: 'contact.merge',
          subjectType: 'contact',
          subjectId: params.id,
          details: { mergeId: result.mergeId, sourceId: body.sourceId },
        });
        res.json({ mergeId: result.mergeId, contact: await repository.get(params.id) });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/contacts/{id}/export',
      summary: 'Everything kept about one contact, messages included, as JSON (audited)',
      tags,
      auth: 'admin',
      ...contactPath,
      responses: { '200': { description: 'The export', contentType: 'application/json' } },
      handler: async ({ res, params }) => {
        const exported = await privacy.exportContact(params.id, operatorOf(res).id);
        if (!exported) return notFound(res);
        res
          .set('Content-Disposition', `attachment; filename="contact-${exported.contact.id}.json"`)
          .json(exported);
      },
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
      responses: {
        '200': {
          description: 'Erased',
          schema: z.object({
            outcome: z.literal('erased'),
            contactId: z.string(),
            conversations: z.number(),
            messages: z.number(),
          }),
        },
      },
      handler: async ({ res, params }) => {
        const result = await privacy.erase(params.id, operatorOf(res).id);
        if (result.outcome === 'not_found') return notFound(res);
        res.json(result);
      },
    }),
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
          schema: z.object({ contact: contactHistory.nullable() }),
        },
      },
      handler: async ({ res, params }) => {
        const contact = await repository.contactOfConversation(params.id);
        res.json({ contact: contact ? await repository.history(contact.id) : null });
      },
    }),
  ];
}
