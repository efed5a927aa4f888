// The generated migrations on empty databases. Risks covered: a migration that only works on a database
// that already has some schema (every other test opens a clone of a migrated template, see
// test/support/templates.ts, so nothing else migrates from nothing), and processes that start at once on
// an empty Postgres racing each other through the migrations (the advisory lock in openDatabase).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Database, MIGRATIONS_FOLDER, openDatabase } from '../../src/storage/database.ts';
import { databaseUrl, freshPostgresDatabase } from '../support/servers.ts';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
  entries: unknown[];
};

async function applied(database: Database): Promise<number> {
  const rows = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const first = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as { n: number };
  return first.n;
}

async function tables(database: Database): Promise<string[]> {
  const rows = await database.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
  );
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{
    table_name: string;
  }>;
  return list.map((r) => r.table_name);
}

describe('migrations from an empty database', () => {
  it('run on an empty PGlite directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-migrate-'));
    const database = await openDatabase({ dataDir: dir });
    try {
      expect(await applied(database)).toBe(journal.entries.length);
      expect(await tables(database)).toEqual(
        expect.arrayContaining(['sessions', 'escalations', 'operators']),
      );
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.runIf(Boolean(databaseUrl))('run once when three processes open an empty Postgres at once', async () => {
    const fresh = await freshPostgresDatabase({ empty: true });
    const opened = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ databaseUrl: fresh.url, dataDir: '', poolSize: 2 })),
    );
    try {
      for (const database of opened) expect(await applied(database)).toBe(journal.entries.length);
      expect(await tables(opened[0] as Database)).toEqual(
        expect.arrayContaining(['sessions', 'escalations', 'operators']),
      );
    } finally {
      for (const database of opened) await database.close();
      await fresh.drop();
    }
  });
});
