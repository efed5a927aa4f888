// Abuse tests of what a stranger can make the service keep (issue 18, item 7). Risks covered: one address
// creating sessions without end (each kept for days, ~2 KB of Redis apiece, until a `noeviction` Redis is
// full and the service stops); sessions nobody ever wrote in held as long as real conversations, in Redis
// and in Postgres/PGlite; the per-address counts and the event-stream caps multiplied by the number of
// processes behind the load balancer.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';

let address = 0;
/** A client address of its own, behind the one trusted proxy hop. */
const from = () => ({ 'x-forwarded-for': `203.0.113.${++address}` });

const startSession = (url: string, headers: Record<string, string>) =>
  api(url, 'POST', '/api/v1/sessions', {}, headers);

type Started = { sessionId: string; token: string };
const auth = (s: Started) => ({ authorization: `Bearer ${s.token}` });
const view = (url: string, s: Started) =>
  api(url, 'GET', `/api/v1/sessions/${s.sessionId}`, undefined, auth(s));
const say = (url: string, s: Started, clientMessageId: string, headers: Record<string, string> = {}) =>
  api(
    url,
    'POST',
    `/api/v1/sessions/${s.sessionId}/messages`,
    { clientMessageId, text: 'my printer is broken' },
    { ...headers, ...auth(s) },
  );

function openStream(url: string, session: Started, headers: Record<string, string>) {
  const abort = new AbortController();
  const answer = fetch(`${url}/api/v1/sessions/${session.sessionId}/events`, {
    headers: { ...headers, ...auth(session) },
    signal: abort.signal,
  });
  return { abort, answer };
}

describe('new sessions per address per hour (embedded default, counted in the process)', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ env: { SESSIONS_PER_ADDRESS_PER_HOUR: '5', TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  it('a burst of 12 from one address: 5 sessions, then 429 with Retry-After and a message; others unaffected', async () => {
    const headers = from();
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await startSession(t.url, headers));
    const created = answers.filter((a) => a.status === 201).length;
    console.info(`sessions created by one address in a burst of 12 (cap 5/hour): ${created}`);
    expect(created).toBe(5);
    const refused = answers.at(-1);
    expect(refused?.status).toBe(429);
    expect(refused?.body.error.code).toBe('too_many_sessions');
    expect(refused?.body.error.message).toMatch(/at most 5 an hour.*try again in \d+ minutes?/i);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused?.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    // The sessions it has keep working, and another address may start one.
    expect((await say(t.url, answers[0]?.body, 'm1', headers)).status).toBe(200);
    expect((await startSession(t.url, from())).status).toBe(201);
  });
});

describe('a session that never got past the greeting (PGlite)', () => {
  let t: TestRuntime;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestRuntime({ overrides: { now: () => new Date(clock) } });
  });
  afterAll(() => t.close());

  it('is gone after GREETING_SESSION_TTL_SECONDS (1 h); a conversation that got further is kept', async () => {
    const idle = (await startSession(t.url, {})).body;
    const talked = (await startSession(t.url, {})).body;
    expect((await say(t.url, talked, 'c1')).body.state).not.toBe('greeting');
    clock += 59 * 60_000;
    expect((await view(t.url, idle)).status).toBe(200);
    clock += 2 * 60_000;
    expect((await view(t.url, idle)).status).toBe(404);
    expect((await say(t.url, idle, 'i1')).status).toBe(404);
    expect((await view(t.url, talked)).status).toBe(200);
  });
});

describe.runIf(Boolean(databaseUrl && redisUrl))('with Redis', () => {
  let db: { url: string; drop: () => Promise<void> };
  let redis: ReturnType<typeof createClient>;
  const prefix = redisPrefix();
  let a: TestRuntime;
  let b: TestRuntime;
  beforeAll(async () => {
    db = await freshPostgresDatabase();
    redis = createClient({ url: redisUrl });
    await redis.connect();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl as string,
      REDIS_KEY_PREFIX: prefix,
      TRUST_PROXY: '1',
      SESSIONS_PER_ADDRESS_PER_HOUR: '6',
      GREETING_SESSION_TTL_SECONDS: '4',
    };
    // Two processes' runtimes behind one load balancer: one Redis, one Postgres.
    [a, b] = await Promise.all([startTestRuntime({ env }), startTestRuntime({ env })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      if (keys.length > 0) await redis.del(keys);
    await redis.quit();
    await db?.drop();
  });

  it('one address gets its 6 new sessions an hour across both processes, not 6 on each', async () => {
    const headers = from();
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await startSession(i % 2 === 0 ? a.url : b.url, headers));
    const created = answers.filter((x) => x.status === 201).length;
    console.info(`sessions created by one address over two processes (cap 6/hour): ${created}`);
    expect(created).toBe(6);
    expect(answers.slice(6).every((x) => x.status === 429)).toBe(true);
  });

  it('the event-stream cap of a session (3) counts the streams of both processes; a closed one frees its slot', async () => {
    const headers = from();
    const session = (await startSession(a.url, headers)).body;
    const streams = [
      openStream(a.url, session, headers),
      openStream(a.url, session, headers),
      openStream(b.url, session, headers),
    ];
    for (const s of streams) expect((await s.answer).status).toBe(200);
    const fourth = openStream(b.url, session, headers);
    const refused = await fourth.answer;
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('too_many_streams');
    streams[0]?.abort.abort();
    let again = openStream(b.url, session, headers);
    for (let i = 0; i < 40 && (await again.answer).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = openStream(b.url, session, headers);
    }
    expect((await again.answer).status).toBe(200);
    for (const s of [...streams, again]) s.abort.abort();
  });

  it('greeting-only sessions leave Redis after GREETING_SESSION_TTL_SECONDS and are not rebuilt from Postgres', async () => {
    const N = 50;
    // Six per address an hour: each its own address; all at once, so all are measured inside their TTL.
    const sessions: Started[] = (
      await Promise.all(Array.from({ length: N }, () => startSession(a.url, from())))
    ).map((r) => r.body);
    const talked = (await startSession(a.url, from())).body;
    expect((await say(a.url, talked, 't1')).status).toBe(200);
    const held = async (ids: string[]) => {
      let bytes = 0;
      let keys = 0;
      for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
        for (const key of batch)
          if (ids.some((id) => key.endsWith(`:${id}`))) {
            keys++;
            bytes += (await redis.memoryUsage(key)) ?? 0;
          }
      return { keys, bytes };
    };
    const ids = sessions.map((s) => s.sessionId);
    const before = await held(ids);
    expect(before.keys).toBe(3 * N); // each: record hash, snapshot, transcript
    await new Promise((r) => setTimeout(r, 5000));
    const after = await held(ids);
    console.info(
      `Redis held by ${N} greeting-only sessions: ${before.bytes} bytes in ${before.keys} keys → after the greeting TTL ${after.bytes} bytes in ${after.keys} keys`,
    );
    expect(after).toEqual({ keys: 0, bytes: 0 });
    // Not rebuilt from the Postgres mirror either (its row expired with the same rule).
    for (const s of sessions.slice(0, 5)) expect((await view(b.url, s)).status).toBe(404);
    expect((await view(b.url, talked)).status).toBe(200);
    const ttl = await redis.ttl(`${prefix}{0}:s:${talked.sessionId}`);
    expect(ttl).toBeGreaterThan(24 * 3600);
  }, 60_000);
});
