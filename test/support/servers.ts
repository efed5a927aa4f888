// Real Redis and Postgres for integration tests. URLs come from the environment (CI sets them); without
// them the suites that need a real server are not run locally, but under CI=true a missing or unreachable
// server fails the run instead of silently skipping it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { postgresTemplate } from './templates.ts';

export const isCI = process.env.CI === 'true';
export const databaseUrl = process.env.DATABASE_URL || undefined;
export const redisUrl = process.env.REDIS_URL || undefined;

if (isCI && (!databaseUrl || !redisUrl)) {
  throw new Error(
    'CI=true but DATABASE_URL and REDIS_URL are not both set: the real-server tests must run in CI',
  );
}

/**
 * Creates a fresh database on the server at DATABASE_URL, already migrated (a clone of the migrated
 * template, see templates.ts) unless `empty`, and returns its URL and a dropper.
 */
export async function freshPostgresDatabase(
  options: { empty?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? null : await postgresTemplate(databaseUrl);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A key prefix unique to one test, so suites sharing one Redis never see each other's keys. */
export function redisPrefix(): string {
  return `sbtest:${randomBytes(5).toString('hex')}:`;
}

export async function assertRedisReachable(): Promise<void> {
  if (!redisUrl) throw new Error('REDIS_URL is not set');
  const client = createClient({ url: redisUrl });
  await client.connect();
  await client.ping();
  await client.quit();
}
