// Fault suite for a Redis that stops answering without closing its sockets (a stopped or hung process, a
// black-holed network). Risk covered: every request waiting on a Redis command hangs for as long as the
// outage lasts — node-redis's per-command timeout stops counting once the command is written, and nothing
// else errors. With the watchdog (src/storage/redis.watchdog.ts) pending commands fail within the bound
// (503 to the visitor), commands fail at once while the server is silent, and the connection comes back
// by itself. The server is a redis-server of the test's own, stopped with SIGSTOP.
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisSingleClient } from '../../src/storage/redis-client.ts';
import { isStorageUnavailable } from '../../src/storage/storage.errors.ts';
import { api, startTestRuntime } from '../support/runtime.ts';
import { databaseUrl, redisUrl } from '../support/servers.ts';
import { startOwnRedis } from './redis.server.ts';

const REDIS_PORT = 17502;

async function settledWithin<T>(work: Promise<T>, ms: number) {
  const started = Date.now();
  const outcome = await Promise.race([
    work.then(
      (value) => ({ kind: 'answered' as const, value }),
      (error: unknown) => ({ kind: 'failed' as const, error }),
    ),
    new Promise<{ kind: 'pending' }>((resolve) => setTimeout(() => resolve({ kind: 'pending' }), ms)),
  ]);
  return { ...outcome, afterMs: Date.now() - started };
}

async function eventually(check: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe.runIf(databaseUrl && redisUrl)('Redis stops answering', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a pending command fails within the bound, later ones at once, and the connection comes back', {
    timeout: 60_000,
  }, async () => {
    const redis = await startOwnRedis(REDIS_PORT);
    cleanups.push(() => redis.stop());
    const stalls: number[] = [];
    const client = (await createRedisConnection(
      { kind: 'single', url: redis.url },
      { answerBoundMs: 800, onStalled: (ms) => stalls.push(ms) },
    )) as RedisSingleClient;
    cleanups.push(() => client.destroy());
    await client.set('k', 'v');

    redis.pause();
    cleanups.push(() => redis.resume()); // runs first: nothing else waits on a stopped server at the end
    const pending = await settledWithin(client.get('k'), 5_000);
    expect(pending.kind).toBe('failed');
    expect(pending.afterMs).toBeLessThan(2_500); // bound 800 ms + one probe interval, with slack for CI
    expect(isStorageUnavailable((pending as { error: unknown }).error)).toBe(true);
    expect(stalls).toHaveLength(1);

    // While the server is still silent nothing waits: the client is reconnecting and fails at once.
    const meanwhile = await settledWithin(client.get('k'), 5_000);
    expect(meanwhile.kind).toBe('failed');
    expect(meanwhile.afterMs).toBeLessThan(500);

    redis.resume();
    expect(await eventually(async () => (await client.get('k')) === 'v', 10_000)).toBe(true);
  });

  it('a visitor waiting on a silent Redis gets a 503 to retry, not a hang', { timeout: 90_000 }, async () => {
    const redis = await startOwnRedis(REDIS_PORT + 1);
    cleanups.push(() => redis.stop());
    const app = await startTestRuntime({
      backend: 'postgres',
      env: { REDIS_URL: redis.url },
      overrides: { defaultMetrics: false },
    });
    cleanups.push(() => app.close());
    const session = (await api(app.url, 'POST', '/api/v1/sessions', {})).body as {
      sessionId: string;
      token: string;
    };

    redis.pause();
    cleanups.push(() => redis.resume());
    const started = Date.now();
    const response = await fetch(`${app.url}/api/v1/sessions/${session.sessionId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ clientMessageId: 'stalled-1', text: 'my invoice is wrong' }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000); // the default bound is 5 s

    redis.resume();
    // The same message again once Redis answers: taken (once).
    expect(
      await eventually(async () => {
        const retry = await fetch(`${app.url}/api/v1/sessions/${session.sessionId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({ clientMessageId: 'stalled-1', text: 'my invoice is wrong' }),
        });
        return retry.status === 200;
      }, 20_000),
    ).toBe(true);
  });
});
