// Graceful shutdown of a real server process. Risks covered: a deploy (SIGTERM) cutting visitors' turns in
// half — a request already received must be committed and answered with 2xx before the process exits; the
// process accepting new connections while draining; exiting with an error code or never exiting.
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { createRuntime } from '../../src/server/runtime.ts';
import { startServerProcess } from '../support/process.ts';
import { api } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import { freshDataDir } from '../support/templates.ts';

interface Held {
  socket: Socket;
  lastByte: string;
  response: Promise<string>;
}

/** Sends a request but the last byte of its body: the server has it in flight until we send the rest. */
function holdRequest(port: number, path: string, token: string, body: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const response = new Promise<string>((done) => {
      socket.on('data', (d) => {
        received += d;
        if (/\r\n\r\n[\s\S]*\}$/.test(received)) done(received);
      });
      socket.on('close', () => done(received));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      const bytes = Buffer.byteLength(body);
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Authorization: Bearer ${token}\r\nContent-Length: ${bytes}\r\n\r\n${body.slice(0, -1)}`,
      );
      resolve({ socket, lastByte: body.slice(-1), response });
    });
  });
}

describe('SIGTERM while requests are in flight', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('finishes every received turn with 2xx, refuses new connections, exits 0', {
    timeout: 90_000,
  }, async () => {
    // The production set-up when the servers are there (sessions in Redis, records in Postgres).
    const env: Record<string, string> = { SHUTDOWN_GRACE_MS: '20000', LOG_LEVEL: 'info' };
    if (databaseUrl) {
      const db = await freshPostgresDatabase();
      cleanups.push(db.drop);
      env.DATABASE_URL = db.url;
    } else {
      const dir = await freshDataDir('switchboard-shutdown-');
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      env.DATA_DIR = dir;
    }
    if (redisUrl) {
      env.REDIS_URL = redisUrl;
      env.REDIS_KEY_PREFIX = redisPrefix();
    }
    const server = await startServerProcess(env);
    cleanups.push(() => server.kill());
    const port = Number(new URL(server.url).port);

    const sessions = await Promise.all(
      Array.from({ length: 12 }, async () => (await api(server.url, 'POST', '/api/v1/sessions', {})).body),
    );
    const held = await Promise.all(
      sessions.map((s: { sessionId: string; token: string }, i: number) =>
        holdRequest(
          port,
          `/api/v1/sessions/${s.sessionId}/messages`,
          s.token,
          JSON.stringify({ clientMessageId: `inflight-${i}`, text: 'can you help me with password' }),
        ),
      ),
    );
    // Let the server read every request's headers before the signal.
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) =>
      server.child.once('exit', (code) => resolve(code)),
    );
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));

    // Draining: a new connection is refused, the held requests are still being waited for.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(server.child.exitCode).toBeNull();

    for (const h of held) h.socket.write(h.lastByte);
    const responses = await Promise.all(held.map((h) => h.response));
    for (const r of responses) {
      expect(r).toMatch(/^HTTP\/1\.1 200 /);
      expect(r).toContain('"state":"troubleshooting"');
    }
    expect(await exited).toBe(0);
    expect(server.output()).toContain('HTTP server drained');

    // Committed, not just answered: a new process on the same storage finds every message.
    const after = await createRuntime(parseEnv({ ...env, PORT: '0', LOG_LEVEL: 'silent' }), {
      logger: pino({ level: 'silent' }),
      runWorker: false,
      defaultMetrics: false,
    });
    try {
      for (const [i, s] of sessions.entries()) {
        const view = await after.engine.view(s.sessionId, s.token);
        if (view.outcome !== 'ok') throw new Error(`session ${i}: ${view.outcome}`);
        expect(view.state, `session ${i}`).toBe('troubleshooting');
        const visitorTexts = view.messages.filter((m) => m.role === 'visitor').map((m) => m.text);
        expect(visitorTexts, `session ${i}`).toEqual(['can you help me with password']);
      }
    } finally {
      await after.close();
    }
  });
});
