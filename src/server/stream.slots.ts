// How many widget event streams may be open per chat session and per client address. Each stream holds a
// socket and a pub/sub channel: 2,000 of them from one stranger cost 85 MB and 2,000 Redis channels. With
// Redis every process counts against the same caps (a slot is a member of two sorted sets, scored by its
// lease, renewed while the stream is open, so a crashed process's slots lapse on their own); without it,
// the one process counts in memory.
import { randomUUID } from 'node:crypto';
import { type RedisClient, redisScript, runScript } from '../storage/redis-client.ts';

export interface StreamSlot {
  release(): void;
}

export interface StreamSlots {
  /** A slot for one more stream, or null when the session or the address already has its share open. */
  take(sessionId: string, address: string): Promise<StreamSlot | null>;
}

export interface StreamLimits {
  perSession: number;
  perAddress: number;
}

export function createMemoryStreamSlots(limits: StreamLimits): StreamSlots {
  const bySession = new Map<string, number>();
  const byAddress = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, delta: number) => {
    const n = (map.get(key) ?? 0) + delta;
    if (n <= 0) map.delete(key);
    else map.set(key, n);
  };
  return {
    async take(sessionId, address) {
      if ((bySession.get(sessionId) ?? 0) >= limits.perSession) return null;
      if ((byAddress.get(address) ?? 0) >= limits.perAddress) return null;
      add(bySession, sessionId, 1);
      add(byAddress, address, 1);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          add(bySession, sessionId, -1);
          add(byAddress, address, -1);
        },
      };
    },
  };
}

// KEYS: the session's slots, the address's slots. ARGV: now ms, lease end ms, slot id, per-session cap,
// per-address cap, key lifetime ms. Lapsed slots are dropped first; both caps are checked before either set
// changes, so a refusal takes nothing.
const TAKE = redisScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 1
`);

// KEYS as above. ARGV: lease end ms, slot id, key lifetime ms. Only a slot that is still held is renewed.
const RENEW = redisScript(`
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
return 1
`);

const RELEASE = redisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);

export interface RedisStreamSlotsOptions {
  client: RedisClient;
  prefix: string;
  limits: StreamLimits;
  /** How long a slot outlives a process that stopped renewing it. */
  leaseMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export function createRedisStreamSlots(options: RedisStreamSlotsOptions): StreamSlots {
  const { client, limits } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  // One hash tag for every slot key: the two sets of a slot sit on one Redis Cluster node.
  const keys = (sessionId: string, address: string) => [
    `${options.prefix}{sse}:s:${sessionId}`,
    `${options.prefix}{sse}:a:${address}`,
  ];
  return {
    async take(sessionId, address) {
      const k = keys(sessionId, address);
      const id = randomUUID();
      const t = now();
      const taken = await runScript(client, TAKE, k, [
        t,
        t + leaseMs,
        id,
        limits.perSession,
        limits.perAddress,
        leaseMs * 2,
      ]);
      if (Number(taken) !== 1) return null;
      const renew = setInterval(
        () =>
          void runScript(client, RENEW, k, [now() + leaseMs, id, leaseMs * 2]).catch((error: unknown) =>
            onError(error),
          ),
        Math.max(1, Math.floor(leaseMs / 3)),
      );
      renew.unref();
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          clearInterval(renew);
          // A lost release only keeps the slot until its lease ends.
          void runScript(client, RELEASE, k, [id]).catch((error: unknown) => onError(error));
        },
      };
    },
  };
}
