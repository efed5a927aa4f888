// Fault suite for Postgres. Risks covered: a connection the server drops (pg_terminate_backend, a reset
// through the network) emitting an unhandled 'error' on a client checked out by a transaction and killing
// the process; a message acknowledged (2xx) but not stored, or stored twice; a failed turn answered with a
// 500 instead of a 503 the client can retry; a black-holed database holding requests until the client gives up.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../observability/tcp.proxy.ts';
import { type ServerProcess, startServerProcess } from '../support/process.ts';
import { api } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';

const SESSIONS = 20;
const MESSAGES_PER_SESSION = 15;

interface Sent {
  sessionId: string;
  token: string;
  text: string;
  status: number;
}

async function startSession(url: string): Promise<{ sessionId: string; token: string }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const started = await api(url, 'POST', '/api/v1/sessions', {}).catch(() => null);
    if (started?.status === 201) return started.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('could not start a session');
}

/** Every session posts its messages one after the other, all sessions at once; one attempt per message. */
async function load(url: string, tag: string, fault: () => () => Promise<void>): Promise<Sent[]> {
  const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => startSession(url)));
  const stop = fault();
  try {
    return await send(url, tag, sessions);
  } finally {
    await stop();
  }
}

async function send(url: string, tag: string, sessions: Array<{ sessionId: string; token: string }>) {
  const sent: Sent[] = [];
  await Promise.all(
    sessions.map(async (s, i) => {
      for (let j = 0; j < MESSAGES_PER_SESSION; j++) {
        const text = `${tag} session ${i} message ${j} my printer is broken`;
        const r = await api(
          url,
          'POST',
          `/api/v1/sessions/${s.sessionId}/messages`,
          { clientMessageId: `${tag}-${i}-${j}`, text },
          { authorization: `Bearer ${s.token}` },
        ).catch((error: unknown) => ({ status: -1, body: String(error) }));
        sent.push({ ...s, text, status: r.status });
      }
    }),
  );
  return sent;
}

/** The stored transcript, read once the faults have stopped (retried while the pool recovers). */
async function visitorTexts(url: string, s: { sessionId: string; token: string }): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const view = await api(url, 'GET', `/api/v1/sessions/${s.sessionId}`, undefined, {
      authorization: `Bearer ${s.token}`,
    });
    if (view.status === 200)
      return view.body.messages
        .filter((m: { role: string }) => m.role === 'visitor')
        .map((m: { text: string }) => m.text);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`session ${s.sessionId} could not be read`);
}

async function postgresVisitorTexts(dbUrl: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const rows = await client.query<{ text: string; n: string }>(
      `select text, count(*) as n from messages where role = 'visitor' group by text`,
    );
    return new Map(rows.rows.map((r) => [r.text, Number(r.n)]));
  } finally {
    await client.end();
  }
}

/** One more message per session once the faults stopped: answered 200 (a 503 retried, same clientMessageId). */
async function afterFaults(url: string, sent: Sent[]): Promise<Sent[]> {
  const sessions = [...new Map(sent.map((s) => [s.sessionId, s])).values()];
  return Promise.all(
    sessions.map(async (s, i) => {
      const text = `after the faults, session ${i}: my printer is broken`;
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
        status = (
          await api(
            url,
            'POST',
            `/api/v1/sessions/${s.sessionId}/messages`,
            { clientMessageId: `after-${s.sessionId}`, text },
            { authorization: `Bearer ${s.token}` },
          )
        ).status;
      }
      expect(status).toBe(200);
      return { ...s, text, status };
    }),
  );
}

/** Checks the load's outcome: only 2xx or 503, every 2xx stored exactly once, a 503 at most once. */
async function expectExactlyOnce(server: ServerProcess, sent: Sent[]) {
  const statuses = new Map<number, number>();
  for (const s of sent) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  console.log('statuses under fault', Object.fromEntries(statuses));
  expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
  const bySession = new Map<string, Sent[]>();
  for (const s of sent) bySession.set(s.sessionId, [...(bySession.get(s.sessionId) ?? []), s]);
  let lost = 0;
  let twice = 0;
  for (const [, list] of bySession) {
    const stored = await visitorTexts(server.url, list[0] as Sent);
    for (const s of list) {
      const n = stored.filter((t) => t === s.text).length;
      if (s.status === 200 && n === 0) lost++;
      if (n > 1) twice++;
    }
  }
  console.log('acknowledged but lost', lost, 'stored twice', twice);
  expect({ lost, twice }).toEqual({ lost: 0, twice: 0 });
  return statuses;
}

describe.runIf(databaseUrl)('Postgres connections dropped under load', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  const variants = [
    { name: 'Postgres only', redis: false },
    ...(redisUrl ? [{ name: 'Redis sessions + Postgres records', redis: true }] : []),
  ];

  for (const variant of variants) {
    it(`${variant.name}: backends terminated every 30 ms → the process lives, 2xx means stored once`, {
      timeout: 180_000,
    }, async () => {
      const db = await freshPostgresDatabase();
      cleanups.push(db.drop);
      const env: Record<string, string> = {
        DATABASE_URL: db.url,
        RATE_LIMIT_PER_MINUTE: '100000',
        SESSION_MESSAGES_PER_MINUTE: '10000',
        LOG_LEVEL: 'warn',
      };
      if (variant.redis && redisUrl) {
        env.REDIS_URL = redisUrl;
        env.REDIS_KEY_PREFIX = redisPrefix();
      }
      const server = await startServerProcess(env);
      cleanups.push(() => server.kill());
      const dbName = new URL(db.url).pathname.slice(1);

      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      cleanups.push(() => admin.end());
      let terminated = 0;
      const sent = await load(server.url, `t${variant.redis ? 'r' : 'p'}`, () => {
        let terminating = true;
        const terminator = (async () => {
          while (terminating) {
            const r = await admin.query(
              'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
              [dbName],
            );
            terminated += r.rowCount ?? 0;
            await new Promise((res) => setTimeout(res, 30));
          }
        })();
        return async () => {
          terminating = false;
          await terminator;
        };
      });
      console.log(variant.name, 'backends terminated', terminated);
      expect(terminated).toBeGreaterThan(0);
      expect({ exitCode: server.child.exitCode, signal: server.child.signalCode }).toEqual({
        exitCode: null,
        signal: null,
      });
      await expectExactlyOnce(server, sent);
      // How many turns get through while backends die every 30 ms depends on the machine's load; that the
      // process serves again once they stop does not: every session's next message is acknowledged.
      sent.push(...(await afterFaults(server.url, sent)));
      // What was acknowledged is in the Postgres records too (directly, or mirrored from Redis).
      const deadline = Date.now() + 15_000;
      const acknowledged = sent.filter((s) => s.status === 200);
      let missing = acknowledged.length;
      while (Date.now() < deadline) {
        const stored = await postgresVisitorTexts(db.url);
        missing = acknowledged.filter((s) => (stored.get(s.text) ?? 0) !== 1).length;
        if (missing === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(missing).toBe(0);
      expect(server.child.exitCode).toBeNull();
    });
  }

  it('connections reset and black-holed through a proxy → 503 with Retry-After within the timeout, no exit', {
    timeout: 120_000,
  }, async () => {
    const db = await freshPostgresDatabase();
    cleanups.push(db.drop);
    const target = new URL(db.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const server = await startServerProcess({
      DATABASE_URL: viaProxy.toString(),
      DATABASE_TIMEOUT_MS: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
      SESSION_MESSAGES_PER_MINUTE: '10000',
      LOG_LEVEL: 'warn',
    });
    cleanups.push(() => server.kill());

    // Resets while messages flow.
    const sent = await load(server.url, 'reset', () => {
      let resetting = true;
      const resetter = (async () => {
        while (resetting) {
          proxy.reset();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      return async () => {
        resetting = false;
        await resetter;
      };
    });
    expect(server.child.exitCode).toBeNull();
    await expectExactlyOnce(server, sent);

    // Black hole: the request is answered (503, Retry-After) instead of hanging.
    const visitor = await startSession(server.url);
    proxy.stall();
    const started = Date.now();
    const answer = await api(
      server.url,
      'POST',
      `/api/v1/sessions/${visitor.sessionId}/messages`,
      { clientMessageId: 'black-hole', text: 'hello, my printer is broken' },
      { authorization: `Bearer ${visitor.token}` },
    );
    const waited = Date.now() - started;
    console.log('black-holed database: answered', answer.status, 'after', waited, 'ms');
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answer.body.error.code).toBe('storage_unavailable');
    // Answered, not held: bounded by a few multiples of the configured 1 s (connect + statement + query).
    expect(waited).toBeLessThan(15_000);
    proxy.flow();
    proxy.reset();
    const retried = await api(
      server.url,
      'POST',
      `/api/v1/sessions/${visitor.sessionId}/messages`,
      { clientMessageId: 'black-hole', text: 'hello, my printer is broken' },
      { authorization: `Bearer ${visitor.token}` },
    );
    expect([200, 503]).toContain(retried.status);
    expect(server.child.exitCode).toBeNull();
  });
});
