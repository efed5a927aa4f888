// The storage backends the contract suites run against, each built the way the runtime builds it:
// PGlite in a temp dir, a fresh database (both cloned from migrated templates) on the real Postgres, and the real Redis (with Postgres or
// PGlite for the records the trace sink fills). Each harness has two store/log instances on separate
// connections where the backend allows it, so "another process" is a real second client.
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { createTraceSink } from '../../src/engine/trace-sink.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import type { EffectLog } from '../../src/storage/effect.log.ts';
import { createPgEffectLog } from '../../src/storage/pg-effect.log.ts';
import { createPgSessionStore } from '../../src/storage/pg-session.store.ts';
import { createPgTimerStore } from '../../src/storage/pg-timer.store.ts';
import { createPgTraceWriter, readPgTraces } from '../../src/storage/pg-trace.writer.ts';
import {
  createRedisClient,
  masterClients,
  type RedisClient,
  redisLayout,
} from '../../src/storage/redis-client.ts';
import { createRedisEffectLog } from '../../src/storage/redis-effect.log.ts';
import { createRedisSessionStore } from '../../src/storage/redis-session.store.ts';
import { createRedisTimerStore } from '../../src/storage/redis-timer.store.ts';
import { createRedisTraceLog } from '../../src/storage/redis-trace.log.ts';
import type { SessionStore } from '../../src/storage/session.store.ts';
import type { TimerStore } from '../../src/storage/timer.store.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import { freshDataDir } from '../support/templates.ts';

/** Real time plus an offset the test moves forward: leases (server time) and due times (our clock) agree. */
export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}

export interface StorageHarness {
  name: string;
  store: SessionStore;
  /** The same backend through a second connection: another process's view. */
  otherStore: SessionStore;
  effectLog: EffectLog;
  otherEffectLog: EffectLog;
  timerStore: TimerStore;
  otherTimerStore: TimerStore;
  clock: TestClock;
  /** The Postgres records (traces, messages, sessions mirror on Redis). */
  records: Database;
  /** Makes eventually consistent reads current (Redis: drains the trace sink into Postgres). */
  settle(): Promise<void>;
  redis?: { client: RedisClient; prefix: string };
  close(): Promise<void>;
}

export interface Backend {
  name: string;
  enabled: boolean;
  create(options?: { sessionTtlSeconds?: number }): Promise<StorageHarness>;
}

const silent = pino({ level: 'silent' });

async function pglite(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const dir = await freshDataDir('switchboard-storage-');
  const database = await openDatabase({ dataDir: dir });
  return {
    database,
    drop: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<{ database: Database; other: Database; drop: () => Promise<void> }> {
  const fresh = await freshPostgresDatabase();
  const database = await openDatabase({ databaseUrl: fresh.url, dataDir: '' });
  const other = await openDatabase({ databaseUrl: fresh.url, dataDir: '' });
  return {
    database,
    other,
    drop: async () => {
      await database.close();
      await other.close();
      await fresh.drop();
    },
  };
}

/** Deletes every key under a test prefix. */
export async function dropRedisPrefix(client: RedisClient, prefix: string): Promise<void> {
  // Every master holds its own slots' keys; DEL one key at a time so a cluster never sees a cross-slot DEL.
  for (const node of await masterClients(client)) {
    const keys: string[] = [];
    for await (const batch of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
    await Promise.all(keys.map((key) => client.del(key)));
  }
}

export const backends: Backend[] = [
  {
    name: 'pglite',
    enabled: true,
    async create(options = {}) {
      const clock = testClock();
      const { database, drop } = await pglite();
      const ttl = options.sessionTtlSeconds ?? 3600;
      return {
        name: 'pglite',
        store: createPgSessionStore(database.db, { sessionTtlSeconds: ttl }),
        otherStore: createPgSessionStore(database.db, { sessionTtlSeconds: ttl }),
        effectLog: createPgEffectLog(database.db, clock.now),
        otherEffectLog: createPgEffectLog(database.db, clock.now),
        timerStore: createPgTimerStore(database.db),
        otherTimerStore: createPgTimerStore(database.db),
        clock,
        records: database,
        settle: async () => {},
        close: drop,
      };
    },
  },
  {
    name: 'postgres',
    enabled: Boolean(databaseUrl),
    async create(options = {}) {
      const clock = testClock();
      const { database, other, drop } = await postgres();
      const ttl = options.sessionTtlSeconds ?? 3600;
      return {
        name: 'postgres',
        store: createPgSessionStore(database.db, { sessionTtlSeconds: ttl }),
        otherStore: createPgSessionStore(other.db, { sessionTtlSeconds: ttl }),
        effectLog: createPgEffectLog(database.db, clock.now),
        otherEffectLog: createPgEffectLog(other.db, clock.now),
        timerStore: createPgTimerStore(database.db),
        otherTimerStore: createPgTimerStore(other.db),
        clock,
        records: database,
        settle: async () => {},
        close: drop,
      };
    },
  },
  {
    name: 'redis',
    enabled: Boolean(redisUrl),
    async create(options = {}) {
      if (!redisUrl) throw new Error('REDIS_URL is not set');
      const clock = testClock();
      const records = databaseUrl ? await postgres() : await pglite();
      const prefix = redisPrefix();
      const layout = redisLayout({ prefix });
      const client = await createRedisClient(redisUrl);
      const other = await createRedisClient(redisUrl);
      const ttl = options.sessionTtlSeconds ?? 3600;
      const readTraces = (id: string) => readPgTraces(records.database.db, id);
      const sink = createTraceSink({
        log: createRedisTraceLog(client, { layout, now: clock.now }),
        writer: createPgTraceWriter(records.database.db, { sessionTtlSeconds: ttl }),
        logger: silent,
        consumer: 'test-sink',
      });
      return {
        name: 'redis',
        store: createRedisSessionStore(client, { layout, sessionTtlSeconds: ttl, readTraces }),
        otherStore: createRedisSessionStore(other, { layout, sessionTtlSeconds: ttl, readTraces }),
        effectLog: createRedisEffectLog(client, { layout, now: clock.now }),
        otherEffectLog: createRedisEffectLog(other, { layout, now: clock.now }),
        timerStore: createRedisTimerStore(client, { layout }),
        otherTimerStore: createRedisTimerStore(other, { layout }),
        clock,
        records: records.database,
        settle: () => sink.flush(),
        redis: { client, prefix },
        async close() {
          await dropRedisPrefix(client, prefix);
          await client.close();
          await other.close();
          await records.drop();
        },
      };
    },
  },
];
