// The Realtime port over Redis pub/sub, so a console connected to one process sees turns committed by any
// other. One publishing connection and one subscribing connection (`duplicate()`) per process; each channel
// is SUBSCRIBEd once however many local streams listen to it, and UNSUBSCRIBEd when the last one leaves.
// Pub/sub is fire-and-forget: a stream that misses something while reconnecting re-reads it from the store
// (see sse.routes.ts), so nothing here needs to be durable.
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { z } from 'zod';
import type { Realtime, RealtimeEvent } from '../engine/realtime.port.ts';

const eventSchema = z.object({
  sessionId: z.string(),
  seq: z.number(),
  kind: z.enum(['turn', 'typing', 'queue']),
  payload: z.unknown(),
});

export interface RedisRealtimeOptions {
  url: string;
  /** Prepended to every channel name, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  logger: Logger;
}

export async function createRedisRealtime(options: RedisRealtimeOptions): Promise<Realtime> {
  const { logger } = options;
  const publisher = createClient({ url: options.url });
  publisher.on('error', (error: unknown) => logger.warn({ err: error }, 'redis realtime publisher error'));
  const subscriber = publisher.duplicate();
  subscriber.on('error', (error: unknown) => logger.warn({ err: error }, 'redis realtime subscriber error'));
  await Promise.all([publisher.connect(), subscriber.connect()]);

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
      await publisher.publish(wire(channel), JSON.stringify(event));
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
          await subscriber.subscribe(wire(channel), (message) => deliver(channel, message));
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
            await subscriber.unsubscribe(wire(channel));
          }
        });
      };
    },
    async close() {
      closed = true;
      handlers.clear();
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
}
