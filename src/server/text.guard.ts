// Text that Postgres cannot store is refused at the door: a NUL character (text and jsonb reject it) or half
// of a UTF-16 surrogate pair (not valid Unicode). Without this a request carrying one got past validation and
// failed in the database with a 500. Checked in the JSON body and the query string of every API request.
import type { RequestHandler } from 'express';
import { sendError } from './http.errors.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deepest nesting of arrays and objects a request body may have (none of ours goes past a handful). */
export const MAX_BODY_DEPTH = 400;

export type TextProblem = { kind: 'unstorable' | 'too_deep'; path: string };

/**
 * The first string (or object key) that holds unstorable text, or the first value nested deeper than
 * MAX_BODY_DEPTH. Walks with an explicit stack: a recursive walk overflowed on 15,000 nested `[` (a 500).
 */
export function textProblem(value: unknown): TextProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { path, depth } = item;
    if (typeof item.value === 'string') {
      if (UNSTORABLE.test(item.value)) return { kind: 'unstorable', path: path || '(body)' };
      continue;
    }
    if (!item.value || typeof item.value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { kind: 'too_deep', path: path || '(body)' };
    // Pushed in reverse so the first offending value in document order is found first.
    const children: Array<{ value: unknown; path: string; depth: number }> = [];
    if (Array.isArray(item.value)) {
      for (const [i, child] of item.value.entries())
        children.push({ value: child, path: `${path}[${i}]`, depth: depth + 1 });
    } else {
      for (const [key, child] of Object.entries(item.value)) {
        const here = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) return { kind: 'unstorable', path: here };
        children.push({ value: child, path: here, depth: depth + 1 });
      }
    }
    stack.push(...children.reverse());
  }
  return null;
}

export const rejectUnstorableText: RequestHandler = (req, res, next) => {
  const problem = textProblem(req.body) ?? textProblem(req.query);
  if (!problem) return next();
  if (problem.kind === 'too_deep')
    return sendError(
      res,
      400,
      'too_deeply_nested',
      `${problem.path}: the body is nested more than ${MAX_BODY_DEPTH} levels deep. Send a flat JSON object.`,
      { path: problem.path },
    );
  const where = problem.path;
  sendError(
    res,
    400,
    'invalid_text',
    `${where}: contains a character that cannot be stored (a NUL character or half of a UTF-16 surrogate pair). Remove it and send again.`,
    { path: where },
  );
};
