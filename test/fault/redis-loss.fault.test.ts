// Fault suite for Redis losing its data. Risk covered: Redis holds the only current session snapshot, so a
// restart without persistence, a FLUSHALL, an eviction or a failover that lost writes turns every live
// conversation into a 404 and loses acknowledged messages, although Postgres has them. With the mirror
// written through before a turn is acknowledged, a session Redis lost is rebuilt from Postgres.
import { afterAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime } from '../support/runtime.ts';
import { databaseUrl, redisUrl } from '../support/servers.ts';
import { startOwnRedis } from './redis.server.ts';

const SESSIONS = 20;
const MESSAGES_PER_SESSION = 12;
const REDIS_PORT = 17501;

describe.runIf(databaseUrl && redisUrl)('Redis loses its data under load', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('flushed, then restarted empty: every acknowledged message and every session is still there', {
    timeout: 120_000,
  }, async () => {
    const redis = await startOwnRedis(REDIS_PORT);
    cleanups.push(() => redis.stop());
    const app = await startTestRuntime({
      backend: 'postgres',
      env: {
        REDIS_URL: redis.url,
        RATE_LIMIT_PER_MINUTE: '100000',
        SESSION_MESSAGES_PER_MINUTE: '10000',
      },
      overrides: { defaultMetrics: false },
    });
    cleanups.push(() => app.close());

    const sessions = await Promise.all(
      Array.from({ length: SESSIONS }, async () => (await api(app.url, 'POST', '/api/v1/sessions', {})).body),
    );
    let acknowledged = 0;
    const total = SESSIONS * MESSAGES_PER_SESSION;
    const acked = new Map<string, string[]>();
    const statuses = new Map<number, number>();
    // A visitor's widget: one message after the other, a 503 or a dropped connection retried with the
    // same clientMessageId (as the API says).
    const visitors = sessions.map(async (s: { sessionId: string; token: string }, i: number) => {
      for (let j = 0; j < MESSAGES_PER_SESSION; j++) {
        const text = `session ${i} message ${j}: my printer is broken`;
        for (let attempt = 0; attempt < 100; attempt++) {
          const r = await api(
            app.url,
            'POST',
            `/api/v1/sessions/${s.sessionId}/messages`,
            { clientMessageId: `loss-${i}-${j}`, text },
            { authorization: `Bearer ${s.token}` },
          ).catch(() => ({ status: -1 }));
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) {
            acknowledged++;
            acked.set(s.sessionId, [...(acked.get(s.sessionId) ?? []), text]);
            break;
          }
          if (r.status !== 503 && r.status !== -1) break;
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    });
    let finished = false;
    const faults = (async () => {
      while (acknowledged < total / 3) await new Promise((r) => setTimeout(r, 5));
      await redis.flush();
      const atFlush = acknowledged;
      while (acknowledged < (total * 2) / 3 && !finished) await new Promise((r) => setTimeout(r, 5));
      await redis.restartEmpty();
      return { atFlush, atRestart: acknowledged };
    })();
    await Promise.all(visitors);
    finished = true;
    const at = await faults;
    console.log(
      'acknowledged at flush',
      at.atFlush,
      'at restart',
      at.atRestart,
      'statuses',
      Object.fromEntries(statuses),
    );

    // No status but 200 and 503 (a retry) on the way.
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503 && s !== -1)).toEqual([]);
    let notFound = 0;
    let lost = 0;
    let twice = 0;
    for (const s of sessions) {
      const view = await api(app.url, 'GET', `/api/v1/sessions/${s.sessionId}`, undefined, {
        authorization: `Bearer ${s.token}`,
      });
      if (view.status === 404) {
        notFound++;
        lost += acked.get(s.sessionId)?.length ?? 0;
        continue;
      }
      expect(view.status).toBe(200);
      const texts: string[] = view.body.messages
        .filter((m: { role: string }) => m.role === 'visitor')
        .map((m: { text: string }) => m.text);
      for (const text of acked.get(s.sessionId) ?? []) {
        const n = texts.filter((t) => t === text).length;
        if (n === 0) lost++;
        if (n > 1) twice++;
      }
      // The transcript is the one the visitor saw: ordered, no gaps.
      const seqs = view.body.messages.map((m: { seq: number }) => m.seq);
      expect(seqs).toEqual(seqs.map((_: number, k: number) => k + 1));
    }
    console.log('sessions 404', notFound, 'acknowledged messages lost', lost, 'stored twice', twice);
    expect({ notFound, lost, twice, acknowledged }).toEqual({
      notFound: 0,
      lost: 0,
      twice: 0,
      acknowledged: total,
    });
  });
});
