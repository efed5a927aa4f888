// Everything that lives in Redis when REDIS_URL (or REDIS_CLUSTER_URLS) is set, built on the process's one
// connection (opened and closed by the composition root): sessions, the effect stream, durable timers, and
// the trace sink that copies committed turns into Postgres.
import type { Logger } from 'pino';
import { createTraceSink } from '../engine/trace-sink.ts';
import type { Db } from './database.ts';
import { createPgTraceWriter, readPgTraces } from './pg-trace.writer.ts';
import { pingRedis, type RedisClient, redisLayout } from './redis-client.ts';
import { createRedisEffectLog } from './redis-effect.log.ts';
import { createRedisSessionStore } from './redis-session.store.ts';
import { createRedisTimerStore } from './redis-timer.store.ts';
import { createRedisTraceLog } from './redis-trace.log.ts';
import { createPgSessionMirror } from './session.mirror.ts';
import type { SessionTtl } from './session.ttl.ts';

export interface RedisBackendOptions {
  /** The shared connection; the backend never closes it. */
  client: RedisClient;
  prefix: string;
  shards: number;
  sessionTtlSeconds: number;
  /** Sessions that never got past the greeting expire after this long. */
  greetingTtlSeconds?: number;
  /** The Postgres records: the trace sink writes here and `store.trace()` reads here. */
  db: Db;
  now: () => Date;
  logger: Logger;
  /** This process's consumer name in the stream consumer groups. */
  consumer: string;
  /** How long a claimed trace batch stays with a consumer before another process may take it over. */
  leaseMs: number;
  /** Replicas a commit must reach before it is acknowledged (WAIT); none by default. */
  waitReplicas?: { count: number; timeoutMs: number };
}

export function openRedisBackend(options: RedisBackendOptions) {
  const { client } = options;
  const layout = redisLayout({ prefix: options.prefix, shards: options.shards });
  const ttl: SessionTtl = {
    sessionTtlSeconds: options.sessionTtlSeconds,
    ...(options.greetingTtlSeconds !== undefined ? { greetingTtlSeconds: options.greetingTtlSeconds } : {}),
  };
  const store = createRedisSessionStore(client, {
    layout,
    ...ttl,
    readTraces: (sessionId) => readPgTraces(options.db, sessionId),
    mirror: createPgSessionMirror(options.db, ttl),
    now: options.now,
    ...(options.waitReplicas ? { waitReplicas: options.waitReplicas } : {}),
  });
  const effectLog = createRedisEffectLog(client, { layout, now: options.now });
  const timerStore = createRedisTimerStore(client, { layout });
  const traceSink = createTraceSink({
    log: createRedisTraceLog(client, { layout, now: options.now }),
    writer: createPgTraceWriter(options.db, ttl),
    logger: options.logger.child({ component: 'trace-sink' }),
    consumer: options.consumer,
    leaseMs: options.leaseMs,
  });
  return {
    client,
    layout,
    store,
    effectLog,
    timerStore,
    traceSink,
    async ping(): Promise<void> {
      await pingRedis(client);
    },
    async close(): Promise<void> {
      await traceSink.stop();
    },
  };
}

export type RedisBackend = ReturnType<typeof openRedisBackend>;
