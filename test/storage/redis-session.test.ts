// What only the Redis session store has to get right, against the real Redis. Risks covered: a session's
// keys landing in different Redis Cluster slots (the commit script would fail there), idle sessions never
// expiring (or expiring while in use), scripts lost on a Redis restart (NOSCRIPT), an effect that failed
// for good vanishing without a record, and the per-session memory growing unnoticed (the measured bytes
// for an idle session with a 20-message history are printed), and sessions written in the previous layout
// (snapshot inside the hash, `r:<id>` answers, ISO times) becoming unreadable after an upgrade.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, type RedisClient, redisLayout } from '../../src/storage/redis-client.ts';
import { createRedisEffectLog } from '../../src/storage/redis-effect.log.ts';
import { encodeMessage, type Interned } from '../../src/storage/redis-session.codec.ts';
import { createRedisSessionStore } from '../../src/storage/redis-session.store.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { redisPrefix, redisUrl } from '../support/servers.ts';
import { dropRedisPrefix } from './backends.ts';
import { newSession, turnCommit } from './turns.ts';

const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

describe.runIf(Boolean(redisUrl))('Redis session store', () => {
  let client: RedisClient;
  const prefix = redisPrefix();
  beforeAll(async () => {
    client = await createRedisClient(redisUrl ?? '');
  });
  afterAll(async () => {
    await dropRedisPrefix(client, prefix);
    await client.close();
  });

  it('puts every key one commit touches under one hash tag (one Redis Cluster slot), per shard', async () => {
    const layout = redisLayout({ prefix, shards: 16 });
    const store = createRedisSessionStore(client, { layout, sessionTtlSeconds: 600 });
    const tags = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const s = newSession({ effects: ['notifyOperators'] });
      await store.create(s);
      await store.commit(turnCommit(s.id, 1, 1, { withButtons: true, effects: ['createHandoff'] }));
      const shard = layout.shardOf(s.id);
      const keys = [
        ...layout.sessionKeys(s.id),
        layout.effects(shard),
        layout.traces(shard),
        layout.buttons(shard),
        layout.timers(shard),
      ];
      for (const key of keys) expect(await client.exists(key)).toBe(key === layout.timers(shard) ? 0 : 1);
      expect(new Set(keys.map(hashTag))).toEqual(new Set([String(shard)]));
      tags.add(String(shard));
    }
    expect(tags.size).toBeGreaterThan(8); // sessions spread over the shards
  });

  it('expires an idle session after the TTL and refreshes the TTL on every commit', async () => {
    const layout = redisLayout({ prefix });
    const store = createRedisSessionStore(client, { layout, sessionTtlSeconds: 300 });
    const s = newSession();
    await store.create(s);
    for (const key of layout.sessionKeys(s.id)) {
      expect(await client.ttl(key)).toBeGreaterThan(290);
      await client.expire(key, 5);
    }
    await store.commit(turnCommit(s.id, 1, 1));
    for (const key of layout.sessionKeys(s.id)) expect(await client.ttl(key)).toBeGreaterThan(290);
    // The snapshot outlives the hash: a load never meets a hash without its snapshot.
    expect(await client.pTTL(layout.snapshot(s.id))).toBeGreaterThan(await client.pTTL(layout.session(s.id)));

    const short = createRedisSessionStore(client, { layout, sessionTtlSeconds: 1 });
    const idle = newSession();
    await short.create(idle);
    expect(await short.load(idle.id)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2100));
    expect(await short.load(idle.id)).toBeNull();
    expect(await short.messages(idle.id)).toEqual([]);
    expect(await short.commit(turnCommit(idle.id, 1, 1))).toEqual({ outcome: 'conflict' });
  });

  it('keeps an effect that failed for good, with its error, where operations can find it', async () => {
    const layout = redisLayout({ prefix });
    const store = createRedisSessionStore(client, { layout, sessionTtlSeconds: 600 });
    const log = createRedisEffectLog(client, { layout });
    const s = newSession();
    await store.create(s);
    await store.commit(turnCommit(s.id, 1, 1, { effects: ['createHandoff'] }));
    const mine = (await log.claim('w', 100, 60_000)).filter((e) => e.sessionId === s.id);
    expect(mine).toHaveLength(1);
    for (const e of mine) await log.fail(e, 'Zendesk answered 422: requester email is invalid');
    const failed = (await log.failed()).filter((f) => f.idempotencyKey.startsWith(s.id));
    expect(failed).toEqual([
      {
        idempotencyKey: `${s.id}:2:0`,
        type: 'createHandoff',
        error: 'Zendesk answered 422: requester email is invalid',
        at: expect.any(String),
      },
    ]);
  });

  it('reads a session the previous release wrote, keeps its answers and moves it to the short layout on its next commit', async () => {
    const layout = redisLayout({ prefix });
    const store = createRedisSessionStore(client, { layout, sessionTtlSeconds: 600 });
    const s = newSession();
    const first = turnCommit(s.id, 1, 1, { clientMessageId: randomUUID(), withButtons: true });
    const snapshot = first.snapshot;
    const interned: Interned = new Map();
    // Exactly what the previous COMMIT wrote: the snapshot in the hash, ISO times, `r:<id>` with JSON.
    await client.hSet(layout.session(s.id), {
      tok: s.tokenHash,
      sv: '1',
      v: '2',
      st: first.state,
      o: first.owner,
      snap: JSON.stringify(snapshot),
      mc: '3',
      ca: s.at,
      ua: first.at,
      [`r:${first.clientMessageId}`]: `2:2:${JSON.stringify({ q: 2, s: first.state, o: first.owner })}`,
    });
    await client.rPush(
      layout.messages(s.id),
      [...s.messages, ...first.messages].map((m) => encodeMessage(m, interned)),
    );
    for (const [ref, json] of interned) await client.hSet(layout.buttons(0), ref, json);

    expect(await store.load(s.id)).toMatchObject({
      version: 2,
      state: first.state,
      snapshot,
      messageCount: 3,
      createdAt: s.at,
      updatedAt: first.at,
    });
    expect(await store.findTurn(s.id, first.clientMessageId ?? '')).toEqual(first.response);
    expect(await store.commit({ ...first, expectedVersion: 2 })).toEqual({
      outcome: 'duplicate',
      response: first.response,
    });

    const next = turnCommit(s.id, 2, 3, { clientMessageId: randomUUID() });
    expect(await store.commit(next)).toEqual({ outcome: 'committed' });
    expect(await client.hExists(layout.session(s.id), 'snap')).toBe(0);
    expect(JSON.parse((await client.get(layout.snapshot(s.id))) ?? 'null')).toEqual(next.snapshot);
    expect(await store.load(s.id)).toMatchObject({ version: 3, snapshot: next.snapshot, messageCount: 5 });
    expect(await store.findTurn(s.id, first.clientMessageId ?? '')).toEqual(first.response);
    expect(await store.findTurn(s.id, next.clientMessageId ?? '')).toEqual(next.response);
    expect((await store.messages(s.id)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps committing after Redis forgot its scripts (restart, failover)', async () => {
    const store = createRedisSessionStore(client, { prefix, sessionTtlSeconds: 600 });
    const s = newSession();
    await store.create(s);
    await client.scriptFlush();
    const c = turnCommit(s.id, 1, 1, { clientMessageId: 'after-flush' });
    expect(await store.commit(c)).toEqual({ outcome: 'committed' });
    await client.scriptFlush();
    expect(await store.findTurn(s.id, 'after-flush')).toEqual(c.response);
  });
});

describe.runIf(Boolean(redisUrl))('Redis memory per idle session', () => {
  let t: TestRuntime;
  let client: RedisClient;
  const prefix = redisPrefix();
  beforeAll(async () => {
    t = await startTestRuntime({ env: { REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: prefix } });
    client = await createRedisClient(redisUrl ?? '');
  });
  afterAll(async () => {
    await t?.close();
    await dropRedisPrefix(client, prefix);
    await client?.close();
  });

  it('an idle session with a 20-message history stays small (bytes printed)', async () => {
    const v = await startVisitor(t.url);
    // Bot troubleshooting, the options, the queue, then a visitor waiting for an agent.
    const script = [
      'hello',
      'my wifi is not working',
      'ok I restarted the router',
      "it still doesn't work",
      'nothing changed',
      'can you connect me to agent',
      '📞 Instant Chat',
      'are you there?',
      'I have been waiting',
      'my order number is 12345',
      'hello?',
      'still here',
      'thanks',
    ];
    let count = 1;
    for (const text of script) {
      if (count >= 20) break;
      const r = await v.send(text, randomUUID());
      expect(r.status).toBe(200);
      count = (await v.view()).body.messages.length;
    }
    expect(count).toBe(20);
    const layout = redisLayout({ prefix });
    let bytes = 0;
    for (const key of layout.sessionKeys(v.sessionId))
      bytes += (await client.memoryUsage(key, { SAMPLES: 0 })) ?? 0;
    const shared = (await client.memoryUsage(layout.buttons(0), { SAMPLES: 0 })) ?? 0;
    console.info(
      `redis bytes per idle session (20 messages): ${bytes} (hash + snapshot + transcript list); ` +
        `shared per shard, not per session: interned button sets ${shared}`,
    );
    // Every field short: one long value (a snapshot, a whole response) turns the hash into a hashtable,
    // which costs ≈ 2 KiB more per session.
    expect(await client.objectEncoding(layout.session(v.sessionId))).toBe('listpack');
    // A budget, not a benchmark (the layout before measured 5,792 B for the bench's session).
    expect(bytes).toBeLessThan(4.5 * 1024);
  });
});
