// A constant statement run as a named prepared statement on the Postgres server (node-postgres parses and
// plans it once per pooled connection, then only binds), and as a parameterised query on PGlite (in
// process: no parse round trip to save). Drizzle's `execute` has no named form, so this goes
// to the driver under it.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Db } from './database.ts';

export async function executePrepared(db: Db, name: string, text: string, values: unknown[]): Promise<void> {
  const client = (db as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) {
    await client.query({ name, text, values });
    return;
  }
  if (client instanceof PGlite) {
    await client.query(text, values);
    return;
  }
  throw new Error(`executePrepared(${name}): the database is neither node-postgres nor PGlite`);
}
