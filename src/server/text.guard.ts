// Text that Postgres cannot store is refused at the door: a NUL character (text and jsonb reject it) or half
// of a UTF-16 surrogate pair (not valid Unicode). Without this a request carrying one got past validation and
// failed in the database with a 500. Checked in the JSON body and the query string of every API request.
import type { RequestHandler } from 'express';
import { sendError } from './http.errors.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or object key) that holds unstorable text, or null. */
export function unstorableTextPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '(body)' : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorableTextPath(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) return here;
      const found = unstorableTextPath(item, here);
      if (found) return found;
    }
  }
  return null;
}

export const rejectUnstorableText: RequestHandler = (req, res, next) => {
  const where = unstorableTextPath(req.body) ?? unstorableTextPath(req.query);
  if (!where) return next();
  sendError(
    res,
    400,
    'invalid_text',
    `${where}: contains a character that cannot be stored (a NUL character or half of a UTF-16 surrogate pair). Remove it and send again.`,
    { path: where },
  );
};
