// POST /api/v1/contacts/import: a CSV file as the raw body, imported in one transaction (a bad row, named
// by its line and column, imports nothing) and audited with what it did.
import type { Request, Response } from 'express';
import { type CsvProblem, parseContactsCsv } from '../contacts/contacts.csv.ts';
import { operatorOf } from './auth.routes.ts';
import type { ContactRoutesOptions } from './contacts.routes.ts';
import { sendError } from './http.errors.ts';

/** "line 4, column email: …", or just the message when the problem has no place. */
function csvProblemMessage({ line, column, message }: CsvProblem): string {
  const where = [line !== null ? `line ${line}` : null, column ? `column ${column}` : null]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${message}` : message;
}

export async function importContactsCsv(
  { repository, linker, now }: Pick<ContactRoutesOptions, 'repository' | 'linker' | 'now'>,
  req: Request,
  res: Response,
) {
  if (!Buffer.isBuffer(req.body) || !/^text\/(csv|plain)\b/i.test(req.get('content-type') ?? ''))
    return sendError(
      res,
      415,
      'unsupported_media_type',
      'Send the file as the body with Content-Type: text/csv.',
    );
  const parsed = parseContactsCsv(req.body.toString('utf8'));
  if (!parsed.ok)
    return sendError(res, 400, 'invalid_csv', csvProblemMessage(parsed.problem), parsed.problem);
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
    subjectId: now().toISOString(),
    details: summary,
  });
  res.json(summary);
}
