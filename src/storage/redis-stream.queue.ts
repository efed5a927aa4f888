// At-least-once work queue on Redis Streams with a consumer group, shared by the effect log and the
// trace sink. One claim is one script per shard: due retries move from the delayed sorted set back into
// the stream, XAUTOCLAIM takes over entries whose consumer has held them longer than the lease (a
// crashed or stuck process), then XREADGROUP reads new entries. Completed entries are acked and deleted,
// so XLEN is the backlog.
import { z } from 'zod';
import { type RedisClient, redisScript, runScript } from './redis-client.ts';

export interface StreamQueueKeys {
  stream: (shard: number) => string;
  delayed: (shard: number) => string;
  cursor: (shard: number) => string;
}

export interface StreamEntry {
  shard: number;
  id: string;
  /** Deliveries of this stream entry to a consumer (1 on the first read, more after a lease ran out). */
  deliveries: number;
  fields: Record<string, string>;
}

// KEYS: stream, delayed zset, autoclaim cursor. ARGV: group, consumer, count, lease ms, now ms.
const CLAIM = redisScript(`
local stream, delayed, cursorKey = KEYS[1], KEYS[2], KEYS[3]
local group, consumer, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
pcall(redis.call, 'XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', ARGV[5], 'LIMIT', 0, 100)
for i = 1, #due do
  redis.call('XADD', stream, '*', unpack(cjson.decode(due[i])))
  redis.call('ZREM', delayed, due[i])
end
local out = {}
local cursor = redis.call('GET', cursorKey) or '0-0'
local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[4], cursor, 'COUNT', count)
redis.call('SET', cursorKey, claimed[1])
for _, entry in ipairs(claimed[2]) do
  local p = redis.call('XPENDING', stream, group, entry[1], entry[1], 1)
  local deliveries = 1
  if p[1] then deliveries = p[1][4] end
  out[#out + 1] = {entry[1], deliveries, entry[2]}
end
local left = count - #out
if left > 0 then
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', left, 'STREAMS', stream, '>')
  if read and read[1] then
    for _, entry in ipairs(read[1][2]) do out[#out + 1] = {entry[1], 1, entry[2]} end
  end
end
return out
`);

// KEYS: stream. ARGV: group, ids…
const ACK = redisScript(`
local n = redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
return n
`);

// KEYS: stream, delayed zset. ARGV: group, id, due ms, fields JSON. Only the holder of a pending entry
// can re-queue it: if someone already acked it (completed after a lease takeover) nothing comes back.
const RETRY = redisScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
`);

// KEYS: stream, failed stream. ARGV: group, id, max failed entries kept, fields…
const FAIL = redisScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
return 1
`);

const claimReply = z.array(z.tuple([z.string(), z.coerce.number().int(), z.array(z.string())]));

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] ?? ''] = flat[i + 1] ?? '';
  return fields;
}

export function createStreamQueue(
  client: RedisClient,
  options: { keys: StreamQueueKeys; group: string; shards: number[]; now: () => Date },
) {
  const { keys, group, shards } = options;
  let nextShard = 0;

  return {
    async claim(consumer: string, limit: number, leaseMs: number): Promise<StreamEntry[]> {
      const out: StreamEntry[] = [];
      // Start at a rotating shard so a busy shard does not starve the others.
      const start = nextShard++ % shards.length;
      for (let i = 0; i < shards.length && out.length < limit; i++) {
        const shard = shards[(start + i) % shards.length] ?? 0;
        const reply = claimReply.parse(
          await runScript(
            client,
            CLAIM,
            [keys.stream(shard), keys.delayed(shard), keys.cursor(shard)],
            [group, consumer, limit - out.length, Math.max(1, Math.round(leaseMs)), options.now().getTime()],
          ),
        );
        for (const [id, deliveries, flat] of reply)
          out.push({ shard, id, deliveries, fields: fieldsOf(flat) });
      }
      return out;
    },

    async ack(entries: Array<{ shard: number; id: string }>): Promise<void> {
      const byShard = new Map<number, string[]>();
      for (const e of entries) byShard.set(e.shard, [...(byShard.get(e.shard) ?? []), e.id]);
      await Promise.all(
        [...byShard].map(([shard, ids]) => runScript(client, ACK, [keys.stream(shard)], [group, ...ids])),
      );
    },

    async retry(entry: { shard: number; id: string }, fields: Record<string, string>, dueAt: Date) {
      await runScript(
        client,
        RETRY,
        [keys.stream(entry.shard), keys.delayed(entry.shard)],
        [group, entry.id, dueAt.getTime(), JSON.stringify(Object.entries(fields).flat())],
      );
    },

    async fail(
      entry: { shard: number; id: string },
      failedKey: string,
      fields: Record<string, string>,
      keep = 10_000,
    ) {
      await runScript(
        client,
        FAIL,
        [keys.stream(entry.shard), failedKey],
        [group, entry.id, keep, ...Object.entries(fields).flat()],
      );
    },

    /** Entries not yet completed: unread, claimed, or waiting for a retry. */
    async backlog(): Promise<number> {
      const counts = await Promise.all(
        shards.map(async (shard) => {
          const [length, delayed] = await Promise.all([
            client.xLen(keys.stream(shard)),
            client.zCard(keys.delayed(shard)),
          ]);
          return Number(length) + Number(delayed);
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
  };
}
