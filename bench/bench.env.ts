// Where a bench run keeps its data: a fresh Postgres database (DATABASE_URL) or a temporary PGlite
// directory, and a fresh Redis key prefix (REDIS_URL), all removed at the end. The runtime config for each
// part is built from these, never from the caller's environment (no LLM key, no vendor targets).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Config, parseEnv } from '../src/config/env.ts';
import { createRedisClient } from '../src/storage/redis-client.ts';

/** One connection to `url` for the length of `fn`. */
export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface BenchStorage {
  /** Names this run's databases (`sb_bench_<run>_N`) and key prefixes (`sbbench:<run>:N:`). */
  run: string;
  databaseUrl?: string;
  redisUrl?: string;
  /**
   * A runtime config on fresh storage: its own database and key prefix. `embedded` ignores DATABASE_URL and
   * REDIS_URL: the default a small site runs with (PGlite in a fresh directory, sessions in it too).
   */
  config(extra?: Record<string, string>, options?: { embedded?: boolean }): Promise<Config>;
  cleanup(): Promise<void>;
}

export async function benchStorage(
  env: Record<string, string | undefined> = process.env,
): Promise<BenchStorage> {
  const databaseUrl = env.DATABASE_URL || undefined;
  const redisUrl = env.REDIS_URL || undefined;
  const run = randomBytes(4).toString('hex');
  const databases: string[] = [];
  const dirs: string[] = [];
  const prefixes: string[] = [];

  const admin = <T>(fn: (client: pg.Client) => Promise<T>) => {
    if (!databaseUrl) throw new Error('no DATABASE_URL');
    return withPgClient(databaseUrl, fn);
  };

  return {
    run,
    databaseUrl,
    redisUrl,
    async config(extra = {}, options = {}) {
      const n = databases.length + dirs.length;
      const vars: Record<string, string> = {
        PORT: '0',
        LOG_LEVEL: 'silent',
        // The load generator is one address sending thousands of requests a second.
        RATE_LIMIT_PER_MINUTE: '100000000',
        SESSION_MESSAGES_PER_MINUTE: '1000000',
        SESSIONS_PER_ADDRESS_PER_HOUR: '0',
        ...extra,
      };
      if (databaseUrl && !options.embedded) {
        const name = `sb_bench_${run}_${n}`;
        await admin((c) => c.query(`create database ${name}`));
        databases.push(name);
        const url = new URL(databaseUrl);
        url.pathname = `/${name}`;
        vars.DATABASE_URL = url.toString();
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
        dirs.push(dir);
        vars.DATA_DIR = dir;
      }
      if (redisUrl && !options.embedded) {
        const prefix = `sbbench:${run}:${n}:`;
        prefixes.push(prefix);
        vars.REDIS_URL = redisUrl;
        vars.REDIS_KEY_PREFIX = prefix;
      }
      return parseEnv(vars);
    },
    async cleanup() {
      if (redisUrl && prefixes.length > 0) {
        const client = await createRedisClient(redisUrl);
        try {
          for (const prefix of prefixes) {
            for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
              if (keys.length > 0) await client.unlink(keys);
            }
          }
        } finally {
          await client.close();
        }
      }
      for (const name of databases)
        await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
