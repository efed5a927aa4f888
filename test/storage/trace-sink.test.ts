// On Redis deployments, turns reach the Postgres records (traces for QA export and replay, messages and a
// per-session mirror row for analytics) only through the trace sink. Risks covered: traces lost when a
// sink process dies mid-batch, a redelivered batch writing duplicate rows, the mirror row going back in
// time when entries arrive out of order, and one bad entry blocking everything behind it.
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTraceSink } from '../../src/engine/trace-sink.ts';
import { rowsOf } from '../../src/storage/pg-effect.log.ts';
import { createPgTraceWriter, readPgTraces } from '../../src/storage/pg-trace.writer.ts';
import { redisLayout } from '../../src/storage/redis-client.ts';
import { createRedisTraceLog } from '../../src/storage/redis-trace.log.ts';
import { redisUrl } from '../support/servers.ts';
import { backends, type StorageHarness } from './backends.ts';
import { newSession, turnCommit } from './turns.ts';

const redis = backends.find((b) => b.name === 'redis');

describe.runIf(Boolean(redisUrl))('trace sink: Redis → Postgres', () => {
  let h: StorageHarness;
  beforeAll(async () => {
    if (!redis) throw new Error('no redis backend');
    h = await redis.create();
  });
  afterAll(async () => {
    await h?.close();
  });

  function sink(consumer: string, leaseMs = 60_000) {
    if (!h.redis) throw new Error('redis harness expected');
    return createTraceSink({
      log: createRedisTraceLog(h.redis.client, { layout: redisLayout({ prefix: h.redis.prefix }) }),
      writer: createPgTraceWriter(h.records.db, { sessionTtlSeconds: 3600 }),
      logger: pino({ level: 'silent' }),
      consumer,
      leaseMs,
    });
  }

  async function count(table: 'traces' | 'messages', sessionId: string): Promise<number> {
    const [row] = rowsOf(
      await h.records.db.execute(
        sql`select count(*)::int as n from ${sql.identifier(table)} where session_id = ${sessionId}`,
      ),
    );
    return Number((row as { n: number }).n);
  }

  it('writes traces, messages and the session mirror, once, even after a sink died mid-batch', async () => {
    const s = newSession();
    await h.store.create(s);
    const commits = [turnCommit(s.id, 1, 1), turnCommit(s.id, 2, 3, { state: 'escalation_options' })];
    for (const c of commits) await h.store.commit(c);

    // A sink claims the batch and dies before acknowledging it.
    if (!h.redis) throw new Error('redis harness expected');
    const doomed = createRedisTraceLog(h.redis.client, { prefix: h.redis.prefix });
    const taken = await doomed.claim('doomed-sink', 100, 200);
    expect(taken.length).toBeGreaterThanOrEqual(3);
    const writer = createPgTraceWriter(h.records.db, { sessionTtlSeconds: 3600 });
    // It even wrote part of it (the crash came between the write and the ack).
    await writer.write(taken.slice(0, 1).flatMap((t) => (t.record ? [t.record] : [])));

    await new Promise((r) => setTimeout(r, 300));
    const survivor = sink('survivor', 200);
    await survivor.flush();
    expect(await count('traces', s.id)).toBe(3);
    expect(await count('messages', s.id)).toBe(5);
    expect(await readPgTraces(h.records.db, s.id)).toEqual([s.trace, ...commits.map((c) => c.trace)]);
    const [mirror] = rowsOf(
      await h.records.db.execute(
        sql`select version, state, owner, message_count, token_hash from sessions where id = ${s.id}`,
      ),
    );
    expect(mirror).toEqual({
      version: 3,
      state: 'escalation_options',
      owner: 'bot',
      message_count: 5,
      token_hash: s.tokenHash,
    });
    // Redelivering everything again (a second crash) changes nothing.
    await writer.write(taken.flatMap((t) => (t.record ? [t.record] : [])));
    expect(await count('traces', s.id)).toBe(3);
    expect(await count('messages', s.id)).toBe(5);
    const [after] = rowsOf(await h.records.db.execute(sql`select version from sessions where id = ${s.id}`));
    expect(after).toEqual({ version: 3 });
  });

  it('an unreadable entry is dropped with a log line and does not hold back the rest', async () => {
    if (!h.redis) throw new Error('redis harness expected');
    const layout = redisLayout({ prefix: h.redis.prefix });
    await h.redis.client.xAdd(layout.traces(0), '*', { d: '{not json' });
    const s = newSession();
    await h.store.create(s);
    const sk = sink('sink-2');
    await sk.flush();
    expect(await count('traces', s.id)).toBe(1);
    expect(await h.redis.client.xLen(layout.traces(0))).toBe(0);
  });
});
