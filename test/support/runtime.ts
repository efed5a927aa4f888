// Builds a real runtime (engine, store, HTTP app) for a test, on PGlite in a temp dir or on a fresh
// Postgres database (both cloned from a migrated template), and an HTTP client bound to it.
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { parseEnv } from '../../src/config/env.ts';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/server/runtime.ts';
import { freshPostgresDatabase } from './servers.ts';
import { freshDataDir } from './templates.ts';

export interface TestRuntime {
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

export async function startTestRuntime(
  options: {
    backend?: 'pglite' | 'postgres';
    env?: Record<string, string>;
    overrides?: RuntimeOverrides;
    dataDir?: string;
  } = {},
): Promise<TestRuntime> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'silent',
    // Every test visitor comes from 127.0.0.1: the new-sessions cap has its own tests (test/server/abuse.*).
    SESSIONS_PER_ADDRESS_PER_HOUR: '0',
    ...options.env,
  };
  if (options.backend === 'postgres' && options.env?.DATABASE_URL) {
    // A database the caller shares between runtimes (several processes on one Postgres).
  } else if (options.backend === 'postgres') {
    const db = await freshPostgresDatabase();
    env.DATABASE_URL = db.url;
    cleanups.push(db.drop);
  } else {
    const dir = options.dataDir ?? (await freshDataDir());
    env.DATA_DIR = dir;
    if (!options.dataDir) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  }
  const runtime = await createRuntime(parseEnv(env), {
    logger: pino({ level: 'silent' }),
    ...options.overrides,
  });
  const { url } = await runtime.listen();
  return {
    runtime,
    url,
    async close() {
      await runtime.close();
      for (const c of cleanups.reverse()) await c();
    },
  };
}

export interface Visitor {
  sessionId: string;
  token: string;
  send(text: string, clientMessageId?: string): Promise<{ status: number; body: any }>;
  press(button: string, clientMessageId?: string): Promise<{ status: number; body: any }>;
  view(): Promise<{ status: number; body: any }>;
}

let counter = 0;

export async function api(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function startVisitor(baseUrl: string): Promise<Visitor & { start: any }> {
  const start = await api(baseUrl, 'POST', '/api/v1/sessions', {});
  if (start.status !== 201) throw new Error(`start failed: ${start.status} ${JSON.stringify(start.body)}`);
  const { sessionId, token } = start.body;
  const auth = { authorization: `Bearer ${token}` };
  return {
    start: start.body,
    sessionId,
    token,
    send: (text, id = `m${++counter}`) =>
      api(baseUrl, 'POST', `/api/v1/sessions/${sessionId}/messages`, { clientMessageId: id, text }, auth),
    press: (button, id = `b${++counter}`) =>
      api(baseUrl, 'POST', `/api/v1/sessions/${sessionId}/messages`, { clientMessageId: id, button }, auth),
    view: () => api(baseUrl, 'GET', `/api/v1/sessions/${sessionId}`, undefined, auth),
  };
}
