// The session cache (src/engine/session.cache.ts) lets a turn skip its load and its idempotency lookup.
// Risks covered: an entry another process made stale commits over that process's turn (a lost message); a
// re-sent clientMessageId on a cached session is applied twice; a session Redis lost and the mirror rebuilt
// (without the stored answers of its earlier turns) takes a re-sent message as new; the cache never pays
// off (every turn still reads first); it grows without bound or keeps a conversation that went quiet.
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionCache } from '../../src/engine/session.cache.ts';
import type { StoredSession } from '../../src/storage/session.store.ts';
import { startOwnRedis } from '../fault/redis.server.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';

function stored(id: string, state = 'issue_gathering'): StoredSession {
  const at = new Date(0).toISOString();
  return {
    id,
    tokenHash: 'h',
    schemaVersion: 1,
    version: 2,
    state,
    owner: 'bot',
    snapshot: {},
    messageCount: 3,
    createdAt: at,
    updatedAt: at,
  };
}

/** Counts the reads a turn makes before its commit, on the runtime's real store. */
function countReads(t: TestRuntime) {
  const store = t.runtime.store;
  const counts = { load: 0, findTurn: 0 };
  const load = store.load.bind(store);
  const findTurn = store.findTurn.bind(store);
  store.load = (id) => {
    counts.load++;
    return load(id);
  };
  store.findTurn = (id, cmid) => {
    counts.findTurn++;
    return findTurn(id, cmid);
  };
  return counts;
}

describe('the session cache itself', () => {
  it('drops the least recently used entry past its size, and an entry idle too long', () => {
    let now = 0;
    const cache = createSessionCache({ maxEntries: 2, idleMs: 1000, clock: () => now });
    cache.remember(stored('a'));
    cache.remember(stored('b'));
    expect(cache.get('a')?.id).toBe('a'); // a is now the most recently used
    cache.remember(stored('c'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.id).toBe('a');
    now = 1500;
    expect(cache.get('c')).toBeUndefined();
  });

  it('never holds a session at the greeting (it may expire on the store clock), and forgets on demand', () => {
    const cache = createSessionCache({ maxEntries: 10 });
    cache.remember(stored('g', 'greeting'));
    expect(cache.get('g')).toBeUndefined();
    cache.remember(stored('x'));
    cache.forget('x');
    expect(cache.get('x')).toBeUndefined();
  });
});

describe('a turn on a session this process committed last', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('reads nothing before its commit on the embedded default, and a re-sent message is answered once', {
    timeout: 60_000,
  }, async () => {
    const t = await startTestRuntime();
    cleanups.push(() => t.close());
    const visitor = await startVisitor(t.url);
    expect((await visitor.send('hi', 'c1')).status).toBe(200);
    const reads = countReads(t);
    const second = await visitor.send('can you help me with password', 'c2');
    const third = await visitor.send('can you connect me to agent', 'c3');
    expect([second.status, third.status]).toEqual([200, 200]);
    expect(reads).toEqual({ load: 0, findTurn: 0 });

    const again = await visitor.send('can you connect me to agent', 'c3');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(third.body);
    const again2 = await visitor.send('can you help me with password', 'c2');
    expect(again2.body).toEqual(second.body);
    const view = await visitor.view();
    expect(view.body.messages.filter((m: { role: string }) => m.role === 'visitor')).toHaveLength(3);
  });

  it.runIf(databaseUrl && redisUrl)(
    'two processes taking turns on one session: every message lands once, in order',
    { timeout: 90_000 },
    async () => {
      const db = await freshPostgresDatabase();
      cleanups.push(db.drop);
      const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: redisPrefix() };
      const a = await startTestRuntime({ backend: 'postgres', env });
      cleanups.push(() => a.close());
      const b = await startTestRuntime({ backend: 'postgres', env });
      cleanups.push(() => b.close());
      const start = await api(a.url, 'POST', '/api/v1/sessions', {});
      const { sessionId, token } = start.body;
      const auth = { authorization: `Bearer ${token}` };
      const texts = ['hi', 'my printer is broken', 'it still does not print', 'nothing works', 'still no'];
      // a, b, a, b, a: each process's entry is stale by the time it takes its next turn.
      for (const [i, text] of texts.entries()) {
        const r = await api(
          i % 2 === 0 ? a.url : b.url,
          'POST',
          `/api/v1/sessions/${sessionId}/messages`,
          { clientMessageId: `x${i}`, text },
          auth,
        );
        expect(r.status).toBe(200);
      }
      const view = await api(b.url, 'GET', `/api/v1/sessions/${sessionId}`, undefined, auth);
      const visitorTexts = view.body.messages
        .filter((m: { role: string }) => m.role === 'visitor')
        .map((m: { text: string }) => m.text);
      expect(visitorTexts).toEqual(texts);
      const seqs = view.body.messages.map((m: { seq: number }) => m.seq);
      expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    },
  );

  it.runIf(databaseUrl && redisUrl)(
    'after Redis lost the session and the mirror rebuilt it, a re-sent message is still a duplicate',
    { timeout: 90_000 },
    async () => {
      const redis = await startOwnRedis(17_511);
      cleanups.push(() => redis.stop());
      const t = await startTestRuntime({ backend: 'postgres', env: { REDIS_URL: redis.url } });
      cleanups.push(() => t.close());
      const visitor = await startVisitor(t.url);
      expect((await visitor.send('hi', 'r1')).status).toBe(200);
      const answered = await visitor.send('my printer is broken', 'r2');
      expect(answered.status).toBe(200);
      await redis.flush();
      // Reading the conversation rebuilds it in Redis from the mirror, at the version the cache holds.
      expect((await visitor.view()).status).toBe(200);
      const again = await visitor.send('my printer is broken', 'r2');
      expect(again.status).toBe(200);
      expect(again.body.seq).toBe(answered.body.seq);
      const view = await visitor.view();
      expect(view.body.messages.filter((m: { role: string }) => m.role === 'visitor')).toHaveLength(2);
    },
  );
});
