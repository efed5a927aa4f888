// The traces stream the Redis commit script appends to, read by the trace sink through its own consumer
// group (independent of the effect workers).
import type { ClaimedTrace, TraceLog } from '../engine/trace-sink.ts';
import { tracePayloadSchema } from '../engine/trace-sink.ts';
import { type RedisClient, type RedisLayout, type RedisLayoutOptions, redisLayout } from './redis-client.ts';
import { decodeAt } from './redis-session.codec.ts';
import { createStreamQueue, type StreamEntry } from './redis-stream.queue.ts';

export const TRACES_GROUP = 'sink';

function toClaimed(entry: StreamEntry): ClaimedTrace {
  const handle = `${entry.shard}/${entry.id}`;
  const { d, v, mc, ca, tok } = entry.fields;
  try {
    const p = tracePayloadSchema.parse(JSON.parse(d ?? ''));
    const version = Number(v);
    if (!Number.isInteger(version) || tok === undefined || ca === undefined)
      throw new Error('missing session fields');
    return {
      handle,
      deliveries: entry.deliveries,
      record: {
        sessionId: p.e.sessionId,
        seq: p.e.seq,
        clientMessageId: p.c,
        entry: p.e,
        response: p.r,
        messages: p.m,
        at: p.e.at,
        session: {
          tokenHash: tok,
          schemaVersion: p.sv,
          version,
          state: p.st,
          owner: p.o,
          snapshot: p.snap,
          messageCount: Number(mc ?? 0),
          createdAt: decodeAt(ca),
          updatedAt: p.ua,
        },
      },
    };
  } catch (error) {
    return {
      handle,
      deliveries: entry.deliveries,
      record: null,
      problem: error instanceof Error ? error.message : String(error),
    };
  }
}

export function createRedisTraceLog(
  client: RedisClient,
  options: RedisLayoutOptions & { layout?: RedisLayout; now?: () => Date } = {},
): TraceLog {
  const layout = options.layout ?? redisLayout(options);
  const queue = createStreamQueue(client, {
    keys: { stream: layout.traces, delayed: layout.tracesDelayed, cursor: layout.tracesCursor },
    group: TRACES_GROUP,
    shards: layout.shardIds,
    now: options.now ?? (() => new Date()),
  });
  return {
    kind: 'redis-streams',
    async claim(consumer, limit, leaseMs) {
      return (await queue.claim(consumer, limit, leaseMs)).map(toClaimed);
    },
    async ack(handles) {
      await queue.ack(
        handles.map((h) => {
          const slash = h.indexOf('/');
          return { shard: Number(h.slice(0, slash)), id: h.slice(slash + 1) };
        }),
      );
    },
    backlog: () => queue.backlog(),
  };
}
