// The contacts API: agents read (search, one contact's history, a conversation's contact); admins change,
// merge and undo, import CSV, export and erase. Every admin change leaves an audit entry.
import express, { type Request, type Response, Router } from 'express';
import type { ContactLinker } from '../contacts/contact.linker.ts';
import type { ContactPrivacy } from '../contacts/contact.privacy.ts';
import { parseContactsCsv } from '../contacts/contacts.csv.ts';
import type { ContactsRepository } from '../contacts/contacts.repository.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { operatorOf, requireAdmin, requireOperator } from './auth.routes.ts';
import { contactId, contactPatchBody, contactQuery, mergeBody } from './contacts.schemas.ts';
import { sendError, sendValidationError } from './http.errors.ts';

export interface ContactRoutesOptions {
  repository: ContactsRepository;
  linker: ContactLinker;
  privacy: ContactPrivacy;
  directory: OperatorDirectory;
}

const notFound = (res: Response) =>
  sendError(res, 404, 'contact_not_found', 'No contact with this id (it may have been erased).');

export function contactRoutes(options: ContactRoutesOptions): Router {
  const { repository, linker, privacy } = options;
  const router = Router();
  const operator = requireOperator(options.directory);
  router.use('/contacts', operator);

  /** The contact id in the path, or null after answering 404 (an id that is not a UUID names nobody). */
  const idOf = (req: Request, res: Response): string | null => {
    const id = contactId.safeParse(req.params.id);
    if (!id.success) {
      notFound(res);
      return null;
    }
    return id.data;
  };

  router.get('/contacts', async (req, res) => {
    const query = contactQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    res.json({ items: await repository.search(query.data.q) });
  });

  router.post(
    '/contacts/import',
    requireAdmin,
    express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' }),
    async (req, res) => {
      if (typeof req.body !== 'string')
        return sendError(
          res,
          415,
          'unsupported_media_type',
          'Send the file as the body with Content-Type: text/csv.',
        );
      const parsed = parseContactsCsv(req.body);
      if (!parsed.ok) {
        const { line, column, message } = parsed.problem;
        const where = [line !== null ? `line ${line}` : null, column ? `column ${column}` : null]
          .filter(Boolean)
          .join(', ');
        return sendError(res, 400, 'invalid_csv', where ? `${where}: ${message}` : message, parsed.problem);
      }
      const me = operatorOf(res);
      const result = await linker.importContacts(parsed.rows, me.id);
      await repository.audit({
        actorId: me.id,
        action: 'contact.import',
        subjectType: 'import',
        subjectId: new Date().toISOString(),
        details: {
          rows: parsed.rows.length,
          created: result.created,
          updated: result.updated,
          merged: result.merged,
        },
      });
      res.json({
        rows: parsed.rows.length,
        created: result.created,
        updated: result.updated,
        merged: result.merged,
      });
    },
  );

  router.post('/contacts/merges/:mergeId/undo', requireAdmin, async (req, res) => {
    const id = contactId.safeParse(req.params.mergeId);
    if (!id.success) return sendError(res, 404, 'merge_not_found', 'No merge with this id.');
    const me = operatorOf(res);
    const result = await linker.undo(id.data, me.id);
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
          details: { mergeId: id.data, sourceId: result.sourceId },
        });
        return res.json({
          target: await repository.get(result.targetId),
          source: await repository.get(result.sourceId),
        });
    }
  });

  router.get('/contacts/:id', async (req, res) => {
    const id = idOf(req, res);
    if (!id) return;
    const history = await repository.history(id);
    if (!history) return notFound(res);
    res.json(history.contact.id === id ? history : { ...history, mergedFrom: id });
  });

  router.patch('/contacts/:id', requireAdmin, async (req, res) => {
    const id = idOf(req, res);
    if (!id) return;
    const body = contactPatchBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const contact = await repository.patch(id, body.data);
    if (!contact) return notFound(res);
    await repository.audit({
      actorId: operatorOf(res).id,
      action: 'contact.update',
      subjectType: 'contact',
      subjectId: contact.id,
      details: { fields: Object.keys(body.data) },
    });
    res.json(contact);
  });

  router.post('/contacts/:id/merge', requireAdmin, async (req, res) => {
    const id = idOf(req, res);
    if (!id) return;
    const body = mergeBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const me = operatorOf(res);
    const result = await linker.merge(id, body.data.sourceId, me.id);
    if (result.outcome === 'not_found')
      return sendError(res, 404, 'contact_not_found', `No contact with the id ${result.id}.`);
    if (result.outcome === 'conflict') return sendError(res, 409, 'cannot_merge', result.message);
    await repository.audit({
      actorId: me.id,
      action: 'contact.merge',
      subjectType: 'contact',
      subjectId: id,
      details: { mergeId: result.mergeId, sourceId: body.data.sourceId },
    });
    res.json({ mergeId: result.mergeId, contact: await repository.get(id) });
  });

  router.get('/contacts/:id/export', requireAdmin, async (req, res) => {
    const id = idOf(req, res);
    if (!id) return;
    const exported = await privacy.exportContact(id, operatorOf(res).id);
    if (!exported) return notFound(res);
    res
      .set('Content-Disposition', `attachment; filename="contact-${exported.contact.id}.json"`)
      .json(exported);
  });

  router.post('/contacts/:id/erase', requireAdmin, async (req, res) => {
    const id = idOf(req, res);
    if (!id) return;
    if (req.body?.confirm !== true)
      return sendError(
        res,
        400,
        'confirm_required',
        'Erasing cannot be undone: send {"confirm": true} to erase this contact.',
      );
    const result = await privacy.erase(id, operatorOf(res).id);
    if (result.outcome === 'not_found') return notFound(res);
    res.json(result);
  });

  router.get('/conversations/:id/contact', operator, async (req, res) => {
    const contact = await repository.contactOfConversation(String(req.params.id));
    res.json({ contact: contact ? await repository.history(contact.id) : null });
  });

  return router;
}
