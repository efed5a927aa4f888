// The test side of the recording server: its tables, and what they say about effect executions.
import pg from 'pg';

export async function createRecorderTables(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      create table effect_deliveries (
        id bigserial primary key, idempotency_key text not null, type text not null, session_id text not null,
        pid int not null, at timestamptz not null default clock_timestamp());
      create table effect_side_effects (
        idempotency_key text primary key, type text not null, session_id text not null, pid int not null,
        at timestamptz not null default clock_timestamp());`);
  } finally {
    await c.end();
  }
}

export async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}
