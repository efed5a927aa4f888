// The running server's door for CLI commands on the embedded database. PGlite has one owner (see
// data-dir.lock.ts), so while the server runs, `switchboard create-admin` and `traces export` ask it to do
// the work: a second HTTP listener bound to 127.0.0.1 only, on a port of its own, answering only requests
// that carry the random token the server writes (mode 0600) to DATA_DIR/admin.json with its address.
// Reading that file needs the same access as the database files themselves.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { serializeTrace } from '../engine/trace.format.ts';
import type { SessionStore } from '../storage/session.store.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { passwordProblem } from './auth.password.ts';

export const ADMIN_FILE = 'admin.json';

export const adminFileSchema = z.object({ pid: z.number().int(), url: z.string().url(), token: z.string() });

export const createAdminBody = z.object({
  email: z.string().regex(/^[^@\s]+@[^@\s]+$/),
  displayName: z.string().min(1).max(200),
  password: z.string(),
});

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startLocalAdmin(options: {
  dataDir: string;
  directory: OperatorDirectory;
  store: Pick<SessionStore, 'trace'>;
  logger: Logger;
}): Promise<{ close(): Promise<void> }> {
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const authorized = (req: IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const server = createServer(async (req, res) => {
    try {
      if (!authorized(req)) return send(res, 401, { error: 'unauthorized' });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === '/create-admin') {
        const body = createAdminBody.safeParse(await readJson(req).catch(() => null));
        if (!body.success) return send(res, 400, { error: 'invalid_body', message: body.error.message });
        const problem = passwordProblem(body.data.password);
        if (problem) return send(res, 400, { error: 'weak_password', message: problem });
        const created = await options.directory.create({ ...body.data, role: 'admin' });
        if (created.outcome === 'email_taken') return send(res, 409, { error: 'email_taken' });
        options.logger.info({ email: created.operator.email }, 'admin created from the command line');
        return send(res, 201, { operator: created.operator });
      }
      const trace = url.pathname.match(/^\/traces\/([^/]+)$/);
      if (req.method === 'GET' && trace?.[1]) {
        const entries = await options.store.trace(decodeURIComponent(trace[1]));
        if (entries.length === 0) return send(res, 404, { error: 'no_trace' });
        return send(res, 200, serializeTrace(entries), 'application/x-ndjson');
      }
      return send(res, 404, { error: 'not_found' });
    } catch (error) {
      options.logger.error({ err: error }, 'local admin request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const file = join(options.dataDir, ADMIN_FILE);
  // Written whole (temp file + rename), so a reader never sees half of it.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${port}`, token }), {
    mode: 0o600,
  });
  renameSync(temp, file);
  return {
    async close() {
      rmSync(file, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
