// The ports' adapters: with REDIS_URL sessions, effects and timers live in Redis (shared by every process)
// and Postgres keeps the records; without it all of them are tables of the embedded (or configured) Postgres.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { createInProcessRealtime } from '../engine/realtime.port.ts';
import { type Database, openDatabase } from '../storage/database.ts';
import { createPgEffectLog } from '../storage/pg-effect.log.ts';
import { createPgSessionStore } from '../storage/pg-session.store.ts';
import { openRedisBackend } from '../storage/redis-backend.ts';
import { createRedisConnection } from '../storage/redis-client.ts';
import { createRedisRealtime } from './realtime.redis.ts';

export type Infrastructure = Awaited<ReturnType<typeof openInfrastructure>>;

/**
 * One Redis connection (a node or a cluster) for the whole process, injected into every Redis user and
 * closed last; null without REDIS_URL. The database is closed again when Redis cannot be reached.
 */
async function connectRedis(config: Config, database: Database, logger: Logger) {
  if (!config.redis.endpoint) return null;
  return createRedisConnection(config.redis.endpoint, {
    onError: (error) => logger.warn({ err: error }, 'redis connection error (reconnecting)'),
    onStalled: (silentMs) =>
      logger.error({ silentMs }, 'redis stopped answering: its pending commands failed, reconnecting'),
  }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
}

export async function openInfrastructure(config: Config, logger: Logger, now: () => Date) {
  const database = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    timeoutMs: config.storage.databaseTimeoutMs,
    owner: 'serve',
    onPoolError: (error) => logger.warn({ err: error }, 'a Postgres connection broke; the pool reconnects'),
  });
  /** This process's name in the stream consumer groups and effect leases. */
  const consumer = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const redisClient = await connectRedis(config, database, logger);
  const redis = redisClient
    ? openRedisBackend({
        client: redisClient,
        prefix: config.redis.keyPrefix,
        shards: config.redis.shards,
        sessionTtlSeconds: config.storage.sessionTtlSeconds,
        greetingTtlSeconds: config.storage.greetingTtlSeconds,
        db: database.db,
        now,
        logger,
        consumer,
        leaseMs: config.effects.leaseMs,
        waitReplicas: config.redis.waitReplicas,
      })
    : null;
  const store =
    redis?.store ??
    createPgSessionStore(database.db, {
      sessionTtlSeconds: config.storage.sessionTtlSeconds,
      greetingTtlSeconds: config.storage.greetingTtlSeconds,
      now,
    });
  const effectLog = redis?.effectLog ?? createPgEffectLog(database.db, now);
  // Several processes share live updates through Redis pub/sub; one process needs nothing but memory.
  const realtime = redisClient
    ? await createRedisRealtime({ client: redisClient, prefix: config.redis.keyPrefix, logger })
    : createInProcessRealtime();
  return { database, consumer, redisClient, redis, store, effectLog, realtime };
}
