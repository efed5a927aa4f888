// The Realtime port over Redis pub/sub, so a console connected to one process sees turns committed by any
// other. Publishing uses the process's shared connection; on one node a duplicate of it subscribes, on a
// Redis Cluster sharded pub/sub (SPUBLISH / SSUBSCRIBE, Redis 7) keeps each channel on the shard that owns
// its slot instead of broadcasting every message to every node. Each channel is subscribed once however
// many local streams listen to it, and unsubscribed when the last one leaves.
// Pub/sub is fire-and-forget: a stream that misses something while reconnecting re-reads it from the store
// (see sse.routes.ts), so nothing here needs to be durable.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Realtime, RealtimeEvent } from '../engine/realtime.port.ts';
import { isRedisCluster, type RedisClient } from '../storage/redis-client.ts';

const eventSchema = z.object({
  sessionId: z.string(),
  seq: z.number(),
  kind: z.enum(['turn', 'typing', 'queue', 'note', 'operator']),
  payload: z.unknown(),
});

export interface RedisRealtimeOptions {
  /** The process's shared connection (not closed here). */
  client: RedisClient;
  /** Prepended to every channel name, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  logger: Logger;
}

export async function createRedisRealtime(options: RedisRealtimeOptions): Promise<Realtime> {
  const { logger, client } = options;
  const bus = await pubSubOver(client, logger);

  const handlers = new Map<string, Set<(event: RealtimeEvent) => void>>();
  // SUBSCRIBE / UNSUBSCRIBE of one channel run one after another, so a quick leave-and-rejoin cannot end
  // with the channel unsubscribed while a local stream still listens.
  const pending = new Map<string, Promise<void>>();
  const serially = (channel: string, task: () => Promise<void>) => {
    const next = (pending.get(channel) ?? Promise.resolve()).then(task, task);
    pending.set(channel, next);
    void next.finally(() => {
      if (pending.get(channel) === next) pending.delete(channel);
    });
    return next;
  };
  /** Channels SUBSCRIBEd on the Redis connection (one listener each). */
  const onRedis = new Set<string>();
  const wire = (channel: string) => `${options.prefix}rt:${channel}`;

  function deliver(channel: string, raw: string) {
    let event: RealtimeEvent;
    try {
      const parsed = eventSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return logger.warn({ channel }, 'malformed realtime message ignored');
      event = parsed.data;
    } catch {
      return logger.warn({ channel }, 'malformed realtime message ignored');
    }
    for (const handler of [...(handlers.get(channel) ?? [])]) {
      try {
        handler(event);
      } catch (error) {
        logger.warn({ err: error, channel }, 'realtime handler threw');
      }
    }
  }

  let closed = false;
  return {
    async publish(channel, event) {
      await bus.publish(wire(channel), JSON.stringify(event));
    },
    async subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
      }
      set.add(handler);
      await serially(channel, async () => {
        if ((handlers.get(channel)?.size ?? 0) > 0 && !onRedis.has(channel)) {
          await bus.subscribe(wire(channel), (message) => deliver(channel, message));
          onRedis.add(channel);
        }
      });
      return async () => {
        const current = handlers.get(channel);
        if (!current?.delete(handler) || current.size > 0 || closed) return;
        handlers.delete(channel);
        await serially(channel, async () => {
          if (!handlers.has(channel) && onRedis.has(channel)) {
            onRedis.delete(channel);
            await bus.unsubscribe(wire(channel));
          }
        });
      };
    },
    async close() {
      closed = true;
      handlers.clear();
      await bus.close();
    },
  };
}

interface PubSub {
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}

async function pubSubOver(client: RedisClient, logger: Logger): Promise<PubSub> {
  if (isRedisCluster(client)) {
    // The cluster client keeps one sharded-subscriber connection per master and moves subscriptions
    // when slots move (failover); closing the shared client ends them.
    return {
      publish: (channel, message) => client.sPublish(channel, message),
      subscribe: (channel, listener) => client.sSubscribe(channel, listener),
      unsubscribe: (channel) => client.sUnsubscribe(channel),
      close: async () => {},
    };
  }
  const subscriber = client.duplicate();
  subscriber.on('error', (error: unknown) => logger.warn({ err: error }, 'redis realtime subscriber error'));
  await subscriber.connect();
  return {
    publish: (channel, message) => client.publish(channel, message),
    subscribe: (channel, listener) => subscriber.subscribe(channel, listener),
    unsubscribe: (channel) => subscriber.unsubscribe(channel),
    close: async () => {
      await subscriber.close().catch(() => {});
    },
  };
}
