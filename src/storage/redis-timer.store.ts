// TimerStore on Redis: per shard, a sorted set scored by due time (member `sessionId|kind`) and a hash
// with each timer's arming version and real due time. A claim moves the score to the end of the lease,
// so a claimer that crashes lets the timer fire again later, and no two claimers get it at once.
import { z } from 'zod';
import {
  type RedisClient,
  type RedisLayout,
  type RedisLayoutOptions,
  redisLayout,
  redisScript,
  runScript,
} from './redis-client.ts';
import { type DueTimer, TIMER_KINDS, type TimerKind, type TimerStore } from './timer.store.ts';

/**
 * Arm and cancel as Lua functions: the scripts below, and the session store's commit script, which applies
 * a turn's timer changes atomically with the turn (the timer keys share the session's shard tag).
 * An arm or cancel from an older session version never undoes one from a newer version.
 */
export const TIMER_LUA = `
local function timer_arm(zset, meta, member, due, version)
  local cur = redis.call('HGET', meta, member)
  if cur and tonumber(string.match(cur, '^(%d+):')) > tonumber(version) then return 0 end
  redis.call('ZADD', zset, due, member)
  redis.call('HSET', meta, member, version .. ':' .. due)
  return 1
end
local function timer_cancel(zset, meta, member, version)
  local cur = redis.call('HGET', meta, member)
  if not cur then return 0 end
  if tonumber(string.match(cur, '^(%d+):')) > tonumber(version) then return 0 end
  redis.call('ZREM', zset, member)
  redis.call('HDEL', meta, member)
  return 1
end
`;

// KEYS: zset, meta. ARGV: member, due ms, version.
const ARM = redisScript(`${TIMER_LUA}
return timer_arm(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
`);

// KEYS: zset, meta. ARGV: member, version.
const CANCEL = redisScript(`${TIMER_LUA}
return timer_cancel(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
`);

/** The sorted-set member (and meta field) of a session's timer. */
export const timerMember = (sessionId: string, kind: TimerKind) => `${sessionId}|${kind}`;

// KEYS: zset, meta. ARGV: now ms, limit, lease-until ms. Returns member, meta pairs.
const CLAIM = redisScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due do
  local meta = redis.call('HGET', KEYS[2], due[i])
  if meta then
    redis.call('ZADD', KEYS[1], ARGV[3], due[i])
    out[#out + 1] = due[i]
    out[#out + 1] = meta
  else
    redis.call('ZREM', KEYS[1], due[i])
  end
end
return out
`);

// KEYS: zset, meta. ARGV: member, 'version:due' as claimed.
const COMPLETE = redisScript(`
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`);

const claimReply = z.array(z.string());
const metaSchema = z
  .string()
  .regex(/^\d+:\d+$/)
  .transform((v) => {
    const [version, due] = v.split(':');
    return { armedAtVersion: Number(version), dueAt: new Date(Number(due)) };
  });

export function createRedisTimerStore(
  client: RedisClient,
  options: RedisLayoutOptions & { layout?: RedisLayout } = {},
): TimerStore {
  const layout = options.layout ?? redisLayout(options);
  const member = timerMember;
  const keysFor = (sessionId: string) => {
    const shard = layout.shardOf(sessionId);
    return [layout.timers(shard), layout.timerMeta(shard)];
  };

  return {
    kind: 'redis',
    async arm(sessionId, kind, dueAt, version) {
      await runScript(client, ARM, keysFor(sessionId), [member(sessionId, kind), dueAt.getTime(), version]);
    },
    async cancel(sessionId, kind, version) {
      await runScript(client, CANCEL, keysFor(sessionId), [member(sessionId, kind), version]);
    },
    async claimDue(now, limit, leaseMs) {
      const out: DueTimer[] = [];
      for (const shard of layout.shardIds) {
        if (out.length >= limit) break;
        const reply = claimReply.parse(
          await runScript(
            client,
            CLAIM,
            [layout.timers(shard), layout.timerMeta(shard)],
            [now.getTime(), limit - out.length, now.getTime() + leaseMs],
          ),
        );
        for (let i = 0; i + 1 < reply.length; i += 2) {
          const m = reply[i] ?? '';
          const bar = m.lastIndexOf('|');
          const kind = z.enum(TIMER_KINDS).safeParse(m.slice(bar + 1));
          const meta = metaSchema.safeParse(reply[i + 1]);
          if (bar < 0 || !kind.success || !meta.success) continue;
          out.push({ sessionId: m.slice(0, bar), kind: kind.data, ...meta.data });
        }
      }
      return out;
    },
    async complete(t) {
      await runScript(client, COMPLETE, keysFor(t.sessionId), [
        member(t.sessionId, t.kind),
        `${t.armedAtVersion}:${t.dueAt.getTime()}`,
      ]);
    },
    async get(sessionId, kind) {
      const shard = layout.shardOf(sessionId);
      const meta = await client.hGet(layout.timerMeta(shard), member(sessionId, kind));
      if (meta === null || meta === undefined) return null;
      return metaSchema.parse(meta);
    },
  };
}
