// A constant statement run as a named prepared statement, parsed and planned once and then only bound:
// on the Postgres server per pooled connection (node-postgres keeps the name); on PGlite the database
// prepares every query text itself (pglite.prepared.ts), so the name is not needed there.
// Never call it inside a transaction of the same database (on PGlite it waits for the transaction lock).
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Db } from './database.ts';

/** A statement whose text never changes (its parameters are `$1`, `$2`, …). `name` is unique per text. */
export interface PreparedStatement {
  name: string;
  text: string;
}

export type PreparedRow = Record<string, unknown>;

/** The statement's rows: jsonb as values, timestamptz as Date, int as number (both drivers' parsers). */
export async function queryPrepared(
  db: Db,
  statement: PreparedStatement,
  values: unknown[],
): Promise<PreparedRow[]> {
  const client = (db as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) {
    const result = await client.query<PreparedRow>({ name: statement.name, text: statement.text, values });
    return result.rows;
  }
  if (client instanceof PGlite) return (await client.query<PreparedRow>(statement.text, values)).rows;
  throw new Error(`queryPrepared(${statement.name}): the database is neither node-postgres nor PGlite`);
}
