// EffectLog on Redis Streams: the commit script XADDs each effect to its shard's stream; workers of all
// processes share one consumer group. A crashed worker's entries are taken over with XAUTOCLAIM once the
// lease has run out; retries wait in a sorted set until due; effects that fail for good are kept in a
// capped `effects:failed` stream with their error.
import { z } from 'zod';
import type { ClaimedEffect, EffectLog } from './effect.log.ts';
import { type RedisClient, type RedisLayout, type RedisLayoutOptions, redisLayout } from './redis-client.ts';
import { createStreamQueue } from './redis-stream.queue.ts';

export const EFFECTS_GROUP = 'workers';

export interface RedisEffectLogOptions extends RedisLayoutOptions {
  layout?: RedisLayout;
  now?: () => Date;
}

const effectFields = z.object({
  k: z.string(),
  s: z.string(),
  q: z.coerce.number().int(),
  t: z.string(),
  p: z.string(),
  a: z.coerce.number().int().default(0),
});

/** `shard/streamId`: the handle complete/retry/fail need to find the entry again. */
function handle(shard: number, id: string) {
  return `${shard}/${id}`;
}

function parseHandle(value: string): { shard: number; id: string } {
  const slash = value.indexOf('/');
  return { shard: Number(value.slice(0, slash)), id: value.slice(slash + 1) };
}

export interface RedisEffectLog extends EffectLog {
  /** Effects that failed for good, newest first (operations and tests look here). */
  failed(limit?: number): Promise<Array<{ idempotencyKey: string; type: string; error: string; at: string }>>;
}

export function createRedisEffectLog(
  client: RedisClient,
  options: RedisEffectLogOptions = {},
): RedisEffectLog {
  const layout = options.layout ?? redisLayout(options);
  const now = options.now ?? (() => new Date());
  const queue = createStreamQueue(client, {
    keys: { stream: layout.effects, delayed: layout.effectsDelayed, cursor: layout.effectsCursor },
    group: EFFECTS_GROUP,
    shards: layout.shardIds,
    now,
  });

  /** The entry as it goes back into the stream on retry: attempts so far ride along in `a`. */
  function fieldsOf(effect: ClaimedEffect): Record<string, string> {
    return {
      k: effect.idempotencyKey,
      s: effect.sessionId,
      q: String(effect.seq),
      t: effect.type,
      p: JSON.stringify(effect.params),
      a: String(effect.attempts),
    };
  }

  return {
    kind: 'redis-streams',

    async claim(consumer, limit, leaseMs) {
      const entries = await queue.claim(consumer, limit, leaseMs);
      const claimed: ClaimedEffect[] = [];
      for (const entry of entries) {
        const parsed = effectFields.safeParse(entry.fields);
        const params = parsed.success ? safeJson(parsed.data.p) : null;
        if (!parsed.success || params === null) {
          // Not ours to run (written by something else): park it where failures go instead of looping.
          await queue.fail(entry, layout.effectsFailed(entry.shard), {
            k: entry.fields.k ?? entry.id,
            t: entry.fields.t ?? 'unknown',
            e: 'unreadable stream entry',
            at: now().toISOString(),
          });
          continue;
        }
        const f = parsed.data;
        claimed.push({
          id: handle(entry.shard, entry.id),
          idempotencyKey: f.k,
          sessionId: f.s,
          seq: f.q,
          type: f.t,
          params,
          attempts: f.a + entry.deliveries,
        });
      }
      return claimed;
    },

    async complete(effect) {
      await queue.ack([parseHandle(effect.id)]);
    },

    async retry(effect, error, delayMs) {
      await queue.retry(
        parseHandle(effect.id),
        { ...fieldsOf(effect), e: error.slice(0, 2000) },
        new Date(now().getTime() + delayMs),
      );
    },

    async fail(effect, error) {
      const entry = parseHandle(effect.id);
      await queue.fail(entry, layout.effectsFailed(entry.shard), {
        ...fieldsOf(effect),
        e: error.slice(0, 2000),
        at: now().toISOString(),
      });
    },

    pendingCount: () => queue.backlog(),

    async failed(limit = 100) {
      const rows = await Promise.all(
        layout.shardIds.map((shard) =>
          client.xRevRange(layout.effectsFailed(shard), '+', '-', { COUNT: limit }),
        ),
      );
      return rows
        .flat()
        .flatMap((r) => (r ? [r] : []))
        .map((r) => ({
          idempotencyKey: String(r.message.k ?? ''),
          type: String(r.message.t ?? ''),
          error: String(r.message.e ?? ''),
          at: String(r.message.at ?? ''),
        }))
        .slice(0, limit);
    },
  };
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return z.record(z.string(), z.unknown()).parse(value);
  } catch {
    return null;
  }
}
