// Opens Postgres through Drizzle: the real server through `pg` when DATABASE_URL is set, otherwise PGlite
// (embedded Postgres) in DATA_DIR. Same schema, same generated migrations, run on start.
import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { projectPath } from '../config/paths.ts';
import { lockDataDir } from './data-dir.lock.ts';
import { PreparingPGlite } from './pglite.prepared.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = projectPath('drizzle');

export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

/** Any number of processes may start at once: the advisory lock makes them migrate one at a time. */
const MIGRATION_LOCK = 7_301_977;

type PoolConnectCallback = Parameters<pg.Pool['connect']>[0] & {};

/**
 * A pool that takes back a checked-out client whose connection died. Drizzle's `transaction` never
 * releases a client when its `begin` fails (the release sits in a `finally` that `begin` is outside of):
 * under repeated connection drops every pool slot leaked and the process answered nothing but errors.
 * Here a broken client is released (and discarded) the moment it breaks, and `release` is idempotent so the
 * holder's own release later is harmless.
 */
class ReleasingPool extends pg.Pool {
  readonly #held = new Set<pg.PoolClient>();

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: PoolConnectCallback): void;
  override connect(callback?: PoolConnectCallback): Promise<pg.PoolClient> | undefined {
    // The callback form is pg's own (the pool's internals); the application and Drizzle use the promise.
    if (callback) {
      super.connect(callback);
      return undefined;
    }
    return super.connect().then((client) => {
      const release = client.release.bind(client);
      let released = false;
      this.#held.add(client);
      client.release = (error?: Error | boolean) => {
        if (released) return;
        released = true;
        this.#held.delete(client);
        release(error);
      };
      return client;
    });
  }

  releaseBroken(client: pg.ClientBase, error: Error): void {
    for (const held of this.#held) if (held === client) held.release(error);
  }
}

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** A pooled connection broke (Postgres restart, failover, network): the pool drops it and reconnects. */
  onPoolError?: (error: Error) => void;
  /**
   * Bound on connecting, on one statement (server side) and on waiting for its answer (client side), and
   * on a transaction left idle: a black-holed database answers a request with an error within this time
   * instead of holding it until the client gives up. Default 5000 ms.
   */
  timeoutMs?: number;
  /** Who opens the embedded database, named to anyone refused while it is held (`serve`, `migrate` …). */
  owner?: string;
}): Promise<Database> {
  if (options.databaseUrl) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
    const pool = new ReleasingPool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + 500,
      idle_in_transaction_session_timeout: timeoutMs * 2,
      keepAlive: true,
    });
    // Without a listener, a connection error is an uncaught 'error' event that kills the process. The pool
    // listens only while a client is idle; a client checked out by `db.transaction` (between two of its
    // statements) has nobody listening, so every client gets its own listener for its whole life. The
    // broken client then fails its next statement and the pool discards it when it is released.
    pool.on('error', (error) => options.onPoolError?.(error));
    pool.on('connect', (client) => {
      client.on('error', (error) => {
        options.onPoolError?.(error);
        pool.releaseBroken(client, error);
      });
      client.on('end', () => pool.releaseBroken(client, new Error('Connection terminated')));
    });
    const db = drizzleNodePg({ client: pool, schema });
    // Migrations get their own connection without the timeouts: waiting for another process's migration
    // (the advisory lock) or a long migration statement is expected at start-up.
    const client = new pg.Client({
      connectionString: options.databaseUrl,
      connectionTimeoutMillis: timeoutMs,
    });
    client.on('error', (error) => options.onPoolError?.(error));
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      await client.end().catch(() => {});
    }
    return { db, kind: 'postgres', close: () => pool.end() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  // PGlite is single-process: never a second opener of these files (see data-dir.lock.ts).
  const release = lockDataDir(options.dataDir, options.owner ?? 'a command');
  try {
    const client = new PreparingPGlite(`${options.dataDir}/pglite`);
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
      kind: 'pglite',
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

export async function ping(database: Database): Promise<void> {
  await database.db.execute(sql`select 1`);
}
