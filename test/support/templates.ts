// Migrated databases, made once and cloned per test: booting an empty PGlite and running the migrations
// takes 3-13 s on this machine, copying a migrated data directory well under one. A template is keyed by
// the migrations (and the PGlite version), so a branch with other migrations gets its own, and it is never
// opened after it is made: tests open copies (PGlite) or clones (`CREATE DATABASE … TEMPLATE`, Postgres).
// The vitest global setup makes both before the workers start; a worker that finds none makes it itself.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/storage/database.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

let key: string | undefined;
/** Changes whenever a migration (or the PGlite build, whose data directory format may change) does. */
export function templateKey(): string {
  if (key) return key;
  const hash = createHash('sha256');
  const pglitePackage = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  hash.update(JSON.parse(readFileSync(pglitePackage, 'utf8')).version);
  for (const file of filesUnder(MIGRATIONS_FOLDER))
    hash.update(file.slice(MIGRATIONS_FOLDER.length)).update(readFileSync(file));
  key = hash.digest('hex').slice(0, 12);
  return key;
}

/** The migrated PGlite data directory to copy (`<dir>/pglite`, as the runtime lays it out). */
export async function pgliteTemplate(): Promise<string> {
  const dir = join(tmpdir(), `switchboard-pglite-template-${templateKey()}`);
  if (existsSync(join(dir, 'pglite'))) return dir;
  const building = mkdtempSync(`${dir}.building-`);
  const database = await openDatabase({ dataDir: building });
  await database.close();
  try {
    // Atomic: a copier sees the whole template or none. Another process may have won the race.
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** A new, empty temp directory holding a migrated PGlite database: DATA_DIR for a runtime or a server process. */
export async function freshDataDir(prefix = 'switchboard-test-'): Promise<string> {
  const template = await pgliteTemplate();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(template, 'pglite'), join(dir, 'pglite'), { recursive: true });
  return dir;
}

/** Serialises template creation across test processes (and other runs) on the same server. */
const TEMPLATE_LOCK = 7_301_978;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let postgresTemplateName: Promise<string> | undefined;

/** The name of a migrated database on the server at `serverUrl`, made on first use; clone it, never open it. */
export function postgresTemplate(serverUrl: string): Promise<string> {
  postgresTemplateName ??= makePostgresTemplate(serverUrl).catch((error: unknown) => {
    postgresTemplateName = undefined;
    throw error;
  });
  return postgresTemplateName;
}

async function makePostgresTemplate(serverUrl: string): Promise<string> {
  const name = `sb_tpl_${templateKey()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return name;
    const building = `sb_tpl_building_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database ${building}`);
    const url = new URL(serverUrl);
    url.pathname = `/${building}`;
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
    await database.close();
    // The pool's backends exit just after it closes; a rename needs them gone.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`alter database ${building} rename to ${name}`);
        break;
      } catch (error) {
        if (attempt >= 50) throw error;
        await sleep(100);
      }
    }
    // Nobody may connect to it (a connection would make every clone fail until it closes).
    await admin.query(`alter database ${name} with allow_connections false is_template true`);
    return name;
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
    await admin.end();
  }
}
