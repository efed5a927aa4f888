// The LLM circuit breaker shared through Redis, as two server processes see it (two breakers on their own
// connections, one key prefix). Risks covered: each process discovering a Gemini outage on its own (N× the
// failing calls); several processes probing at once after the cooldown; a breaker that never closes again;
// the LLM blocked when Redis does not answer.
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisCircuitBreaker } from '../../src/detection/circuit-breaker.redis.ts';
import { createRedisClient, type RedisClient } from '../../src/storage/redis-client.ts';
import { dropRedisPrefix } from '../storage/backends.ts';
import { redisPrefix, redisUrl } from '../support/servers.ts';

describe.runIf(Boolean(redisUrl))('shared LLM circuit breaker (Redis)', () => {
  const prefix = redisPrefix();
  const clients: RedisClient[] = [];
  const connect = async () => {
    const c = await createRedisClient(redisUrl ?? '');
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    const [first] = clients;
    if (first) await dropRedisPrefix(first, prefix);
    for (const c of clients) await c.close().catch(() => {});
  });

  const breaker = async (cooldownMs: number, key = `${prefix}llm:`) =>
    createRedisCircuitBreaker({ client: await connect(), key, failureThreshold: 3, cooldownMs });

  it('opens for every process after failures seen by any, lets one probe through, and closes for all', async () => {
    const [a, b] = [await breaker(400), await breaker(400)];
    expect([await a.allow(), await b.allow()]).toEqual([true, true]);
    await a.failure();
    await b.failure();
    expect(await b.allow()).toBe(true);
    await a.failure(); // the third failure in a row, over both processes
    expect([await a.allow(), await b.allow()]).toEqual([false, false]);
    expect([a.state(), b.state()]).toEqual(['open', 'open']);

    await new Promise((r) => setTimeout(r, 500));
    // Half-open: exactly one caller in the deployment gets the probe.
    const probes = await Promise.all([a.allow(), b.allow(), a.allow(), b.allow()]);
    expect(probes.filter(Boolean)).toHaveLength(1);
    await b.success();
    expect([await a.allow(), await b.allow()]).toEqual([true, true]);
    expect(a.state()).toBe('closed');
  });

  it('a failed probe opens the circuit again for everyone', async () => {
    const key = `${prefix}probe:`;
    const [a, b] = [await breaker(300, key), await breaker(300, key)];
    for (let i = 0; i < 3; i++) await a.failure();
    await new Promise((r) => setTimeout(r, 400));
    expect(await b.allow()).toBe(true);
    await b.failure();
    expect([await a.allow(), await b.allow()]).toEqual([false, false]);
  });

  it('decides alone when Redis does not answer (the LLM is not blocked by the breaker)', async () => {
    const client = await createRedisClient(redisUrl ?? '');
    const errors: unknown[] = [];
    const alone = createRedisCircuitBreaker({
      client,
      key: `${prefix}down:`,
      failureThreshold: 2,
      cooldownMs: 60_000,
      onRedisError: (e) => errors.push(e),
    });
    await client.close();
    expect(await alone.allow()).toBe(true);
    await alone.failure();
    await alone.failure();
    expect(await alone.allow()).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
  });
});
