// One contract for both Realtime adapters (in-process and Redis pub/sub, the latter against the real Redis).
// Risks covered: an event not reaching a subscriber in another process; a subscriber getting an event twice
// after leaving and rejoining a channel; a departed subscriber still receiving; deployments sharing a Redis
// seeing each other's events; a malformed message on the wire crashing the process.
import { pino } from 'pino';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInProcessRealtime,
  type Realtime,
  type RealtimeEvent,
} from '../../src/engine/realtime.port.ts';
import { createRedisRealtime } from '../../src/server/realtime.redis.ts';
import { createRedisClient, type RedisClient } from '../../src/storage/redis-client.ts';
import { redisPrefix, redisUrl } from '../support/servers.ts';

const logger = pino({ level: 'silent' });
const event = (seq: number, sessionId = 's1'): RealtimeEvent => ({
  sessionId,
  seq,
  kind: 'turn',
  payload: { seq },
});

function collector() {
  const got: RealtimeEvent[] = [];
  const waiters: Array<() => void> = [];
  return {
    got,
    handler: (e: RealtimeEvent) => {
      got.push(e);
      for (const w of waiters.splice(0)) w();
    },
    async until(count: number, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (got.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${got.length} of ${count} events`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
  };
}
/** Pub/sub has no "delivered" signal: a quiet moment is how a test shows that nothing more arrives. */
const settle = () => new Promise((r) => setTimeout(r, 150));

interface Adapter {
  name: string;
  /** Two handles that behave like two server processes on one deployment. */
  pair(): Promise<[Realtime, Realtime]>;
}

const opened: Realtime[] = [];
afterEach(async () => {
  for (const r of opened.splice(0)) await r.close();
});

/** A Redis realtime on its own connection (as one server process has), closed with it after the test. */
async function redisRealtime(
  prefix: string,
  connect: () => Promise<RedisClient> = () => createRedisClient(redisUrl as string),
): Promise<Realtime> {
  const client = await connect();
  const realtime = await createRedisRealtime({ client, prefix, logger });
  const handle: Realtime = {
    ...realtime,
    async close() {
      await realtime.close();
      await client.close();
    },
  };
  opened.push(handle);
  return handle;
}

const adapters: Adapter[] = [
  {
    name: 'in-process',
    async pair() {
      const r = createInProcessRealtime();
      opened.push(r);
      return [r, r];
    },
  },
];
if (redisUrl) {
  adapters.push({
    name: 'redis',
    async pair() {
      const prefix = redisPrefix();
      return [await redisRealtime(prefix), await redisRealtime(prefix)];
    },
  });
}

describe.each(adapters)('Realtime contract: $name', (adapter) => {
  it('delivers a published event to every subscriber of the channel, and only of that channel', async () => {
    const [a, b] = await adapter.pair();
    const one = collector();
    const two = collector();
    const elsewhere = collector();
    await a.subscribe('operators', one.handler);
    await b.subscribe('operators', two.handler);
    await b.subscribe('session:x', elsewhere.handler);
    await b.publish('operators', event(1));
    await a.publish('operators', event(2));
    await one.until(2);
    await two.until(2);
    expect(one.got.map((e) => e.seq)).toEqual([1, 2]);
    expect(two.got).toEqual([event(1), event(2)]);
    await settle();
    expect(elsewhere.got).toEqual([]);
  });

  it('stops delivering after unsubscribe, and a rejoin gets each event once', async () => {
    const [a, b] = await adapter.pair();
    const c = collector();
    const leave = await a.subscribe('session:s1', c.handler);
    await b.publish('session:s1', event(1));
    await c.until(1);
    await leave();
    await b.publish('session:s1', event(2));
    await settle();
    expect(c.got.map((e) => e.seq)).toEqual([1]);
    // Leave and rejoin quickly, twice: the channel must end up subscribed exactly once.
    const l1 = await a.subscribe('session:s1', c.handler);
    await l1();
    const l2 = await a.subscribe('session:s1', c.handler);
    await b.publish('session:s1', event(3));
    await c.until(2);
    await settle();
    expect(c.got.map((e) => e.seq)).toEqual([1, 3]);
    await l2();
  });

  it('keeps the channel while another local subscriber still listens', async () => {
    const [a, b] = await adapter.pair();
    const first = collector();
    const second = collector();
    const leaveFirst = await a.subscribe('operators', first.handler);
    await a.subscribe('operators', second.handler);
    await leaveFirst();
    await b.publish('operators', event(7));
    await second.until(1);
    await settle();
    expect(first.got).toEqual([]);
  });
});

describe.runIf(Boolean(redisUrl))('Redis realtime specifics', () => {
  it('isolates deployments that share one Redis by prefix', async () => {
    const mine = await redisRealtime(redisPrefix());
    const theirs = await redisRealtime(redisPrefix());
    const c = collector();
    await mine.subscribe('operators', c.handler);
    await theirs.publish('operators', event(1));
    await mine.publish('operators', event(2));
    await c.until(1);
    await settle();
    expect(c.got).toEqual([event(2)]);
  });

  it('survives garbage on its own channel', async () => {
    const url = redisUrl as string;
    const prefix = redisPrefix();
    const r = await redisRealtime(prefix);
    const c = collector();
    await r.subscribe('operators', c.handler);
    const raw = createClient({ url });
    await raw.connect();
    await raw.publish(`${prefix}rt:operators`, 'not json');
    await raw.publish(`${prefix}rt:operators`, JSON.stringify({ sessionId: 1 }));
    await raw.publish(`${prefix}rt:operators`, JSON.stringify(event(3)));
    await c.until(1);
    expect(c.got).toEqual([event(3)]);
    await raw.close();
  });
});
