// Risks covered: the embedded database's prepared-statement path (src/storage/pglite.prepared.ts) answering
// differently from PGlite's own `query` (types, nulls, row modes, Drizzle's parser overrides, counts,
// errors), a statement landing inside another caller's open transaction (and being rolled back with it),
// an evicted statement closing the wrong one, and a chain of queries starving the event loop. Each compares against a plain PGlite on the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparingPGlite } from '../../src/storage/pglite.prepared.ts';

const SCHEMA = `create table t (id serial primary key, name text unique, at timestamptz, doc jsonb,
  tags text[], flag boolean, n bigint, amount numeric)`;

describe('PreparingPGlite', () => {
  let dir: string;
  let plain: PGlite;
  let prepared: PreparingPGlite;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pglite-prepared-'));
    plain = new PGlite();
    prepared = new PreparingPGlite(join(dir, 'db'));
    for (const db of [plain, prepared]) await db.exec(SCHEMA);
  });
  afterAll(async () => {
    await plain.close();
    await prepared.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every query as PGlite does: values, nulls, row modes, parser overrides, counts', async () => {
    const at = new Date('2026-12-03T10:00:00.000Z');
    const rows: unknown[][] = [
      ['a', at, { k: [1, 'x'] }, ['p', 'q'], true, 9007199254740993n, '12.50'],
      ['b', null, null, null, null, null, null],
      ['c', '2026-12-03T11:00:00Z', '{"s":"quoted \\" text"}', [], false, 7, 3],
    ];
    const insert = 'insert into t (name, at, doc, tags, flag, n, amount) values ($1, $2, $3, $4, $5, $6, $7)';
    for (const db of [plain, prepared]) for (const row of rows) await db.query(insert, row);

    const queries: [string, unknown[], Parameters<PGlite['query']>[2]?][] = [
      ['select * from t order by id', []],
      ['select * from t where name = $1', ['a']],
      ['select * from t where name = any($1)', [['a', 'c']]],
      ['select name, at from t order by id', [], { rowMode: 'array' }],
      // Drizzle's pglite driver reads timestamps raw through its own parsers.
      ['select name, at from t order by id', [], { parsers: { [types.TIMESTAMPTZ]: (v: string) => v } }],
      ['update t set flag = not coalesce(flag, false) where name <> $1', ['zzz']],
      ['delete from t where name = $1 returning id', ['nobody']],
      ['select count(*)::int as n, sum(amount) as s from t where at < $1', [new Date('2027-01-01')]],
    ];
    for (const [text, params, options] of queries) {
      const expected = await plain.query(text, params, options);
      const actual = await prepared.query(text, params, options);
      expect({ rows: actual.rows, fields: actual.fields, affectedRows: actual.affectedRows }, text).toEqual({
        rows: expected.rows,
        fields: expected.fields,
        affectedRows: expected.affectedRows,
      });
    }
  });

  it('raises the database error (with its code) and goes on serving', async () => {
    await prepared.query('insert into t (name) values ($1)', ['dup']);
    const error = await prepared.query('insert into t (name) values ($1)', ['dup']).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('23505');
    const { rows } = await prepared.query<{ n: number }>('select count(*)::int as n from t where name = $1', [
      'dup',
    ]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("never runs inside another caller's open transaction", async () => {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const rolledBack = prepared
      .transaction(async (tx) => {
        await tx.query("insert into t (name) values ('in-tx')");
        inside();
        await new Promise((r) => setTimeout(r, 50));
        await tx.rollback();
      })
      .catch(() => {});
    await entered;
    // Issued while the transaction is open: it must wait for it, not join it and be rolled back.
    await prepared.query('insert into t (name) values ($1)', ['outside']);
    await rolledBack;
    const { rows } = await prepared.query<{ name: string }>(
      "select name from t where name in ('in-tx', 'outside')",
    );
    expect(rows).toEqual([{ name: 'outside' }]);
  });

  // Risk: PGlite answers without I/O, so awaited queries one after another never give the event loop a
  // turn; under load the HTTP server stopped reading sockets for 200-500 ms at a time (p99 5 s).
  it('lets the event loop turn between queries', async () => {
    let done = 0;
    let doneWhenTimerRan = -1;
    setTimeout(() => {
      doneWhenTimerRan = done;
    }, 0);
    for (let i = 0; i < 50; i++) {
      await prepared.query('select $1::int as v', [i]);
      done++;
    }
    expect(doneWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(doneWhenTimerRan).toBeLessThan(50);
  });

  // Risk: callers queued on PGlite's lock run back to back (each release starts the next waiter in the
  // same microtask run), so 64 connections' queries kept the HTTP server's loop from turning for 120-140 ms
  // at a time (client p99 ≈ 2 s). Fails when the yield comes before the lock instead of inside it.
  it('lets the event loop turn while many callers wait on the lock', async () => {
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    const completedAtTick: number[] = [];
    const queries = Array.from({ length: 300 }, async () => {
      await prepared.query('select count(*)::int as n from generate_series(1, 3000)');
      completedAtTick.push(ticks);
    });
    setImmediate(tick);
    await Promise.all(queries);
    running = false;
    const perTick = new Map<number, number>();
    for (const t of completedAtTick) perTick.set(t, (perTick.get(t) ?? 0) + 1);
    // The loop turned several times while they ran, and no single turn held most of them.
    expect(perTick.size).toBeGreaterThan(3);
    expect(Math.max(...perTick.values())).toBeLessThan(150);
  });

  it('keeps working past the prepared-statement bound (the least recently used is closed)', async () => {
    const first = 'select $1::int + 0 as v';
    expect((await prepared.query(first, [1])).rows).toEqual([{ v: 1 }]);
    for (let i = 1; i <= 300; i++) {
      expect((await prepared.query(`select $1::int + ${i} as v`, [1])).rows).toEqual([{ v: 1 + i }]);
    }
    // `first` was evicted and closed long ago; statements still prepared must still be the right ones.
    expect((await prepared.query(first, [2])).rows).toEqual([{ v: 2 }]);
    expect((await prepared.query('select $1::int + 300 as v', [2])).rows).toEqual([{ v: 302 }]);
    const { rows } = await prepared.query<{ n: number }>(
      'select count(*)::int as n from pg_prepared_statements',
    );
    expect(rows[0]?.n).toBeLessThanOrEqual(256);
  });
});
