// PGlite whose queries are prepared statements, parsed and planned once per statement text and then only
// bound. PGlite's own `query` sends parse, describe, bind, describe, execute and sync as six calls into its
// WebAssembly Postgres and plans the statement anew every time; here a known text costs one call (bind,
// describe, execute, sync in one protocol message) and no planning. Measured on a turn's commit (six CTEs):
// ≈ 2 ms → ≈ 0.7 ms. Every Drizzle query on the embedded database goes through here (Drizzle's texts are
// constant per query shape: values are parameters). Queries inside `transaction` stay PGlite's own.
// Queries also let the event loop turn every YIELD_AFTER_MS (below): without it the embedded server's p99
// was seconds.
// It takes PGlite's two locks through `_runExclusiveTransaction`/`_runExclusiveQuery` (declared in PGlite's
// types, underscored): package.json pins PGlite's exact version, and test/storage/pglite-prepared.test.ts
// compares every answer with PGlite's own `query`.
import { setImmediate } from 'node:timers/promises';
import {
  type messages as backend,
  PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
} from '@electric-sql/pglite';

type BackendMessage = backend.BackendMessage;

/** Statements kept prepared at once; the least recently used beyond it is closed (Drizzle's `inArray` over
 * lists of varying length makes a text per length). */
const MAX_PREPARED = 256;

/** How long queries may run back to back before the event loop gets a turn (bounds its delay). */
const YIELD_AFTER_MS = 10;

interface Prepared {
  name: string;
  paramTypes: number[];
}

function message(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

type Parser = (value: string, typeId: number) => unknown;
const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);

/**
 * The result of one bound statement, as PGlite's `parse.parseResults` builds it but without its per-call
 * copy of the whole parser table (a tenth of the embedded default's CPU under load, profiled): each column's
 * parser is looked up once per statement.
 */
function resultOf<T>(messages: BackendMessage[], parsers: Record<number, Parser>, options?: QueryOptions) {
  let fields: { name: string; dataTypeID: number }[] = [];
  let columnParsers: (Parser | undefined)[] = [];
  const rows: unknown[] = [];
  let affectedRows = 0;
  const own = options?.parsers as Record<number, Parser> | undefined;
  const arrays = options?.rowMode === 'array';
  for (const m of messages) {
    if (m.name === 'rowDescription') {
      const { fields: described } = m as backend.RowDescriptionMessage;
      fields = described.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
      columnParsers = fields.map((f) => own?.[f.dataTypeID] ?? parsers[f.dataTypeID]);
    } else if (m.name === 'dataRow') {
      const values = (m as backend.DataRowMessage).fields.map((raw, i) => {
        if (raw === null) return null;
        const parse = columnParsers[i];
        return parse ? parse(raw, fields[i]?.dataTypeID ?? 0) : raw;
      });
      rows.push(arrays ? values : Object.fromEntries(values.map((v, i) => [fields[i]?.name, v])));
    } else if (m.name === 'commandComplete') {
      const words = (m as backend.CommandCompleteMessage).text.split(' ');
      const count = Number.parseInt(words[words.length - 1] ?? '', 10);
      if (COUNTED.has(words[0] ?? '') && !Number.isNaN(count)) affectedRows += count;
    }
  }
  return { rows, fields, affectedRows } as Results<T>;
}

export class PreparingPGlite extends PGlite {
  #prepared = new Map<string, Prepared>();
  #next = 0;
  /** When this client last let the event loop turn (performance.now()). */
  #yieldedAt = 0;

  override async query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    // A blob (COPY) or explicit parameter types take PGlite's own path.
    if (options?.blob || options?.paramTypes) return super.query<T>(text, params, options);
    await this._checkReady();
    // The same two locks as PGlite's `query`: a statement never lands inside another caller's transaction.
    return this._runExclusiveTransaction(() =>
      this._runExclusiveQuery(async () => {
        // PGlite answers without I/O, so queries waiting on its lock would run back to back as one long
        // run of microtasks (each release starts the next waiter at once) and keep the event loop from
        // reading sockets: 120-140 ms per turn of the loop under 64 connections, measured. A query that
        // holds the lock lets the loop turn first once the queries before it have run for YIELD_AFTER_MS.
        if (performance.now() - this.#yieldedAt >= YIELD_AFTER_MS) {
          await setImmediate();
          this.#yieldedAt = performance.now();
        }
        const statement = await this.#statementFor(text);
        const values = params.map((value, i) => {
          if (value === null || value === undefined) return null;
          const type = statement.paramTypes[i] ?? 0;
          const serialize = options?.serializers?.[type] ?? this.serializers[type];
          return serialize ? serialize(value) : String(value);
        });
        const { serialize } = protocol;
        const { messages } = await this.execProtocol(
          message([
            serialize.bind({ statement: statement.name, values }),
            serialize.describe({ type: 'P' }),
            serialize.execute({}),
            serialize.sync(),
          ]),
          { syncToFs: false, ...(options?.onNotice ? { onNotice: options.onNotice } : {}) },
        );
        await this.syncToFs();
        return resultOf<T>(messages, this.parsers, options);
      }),
    );
  }

  /** Parses and describes `text` once; later calls reuse it (most recently used last in the map). */
  async #statementFor(text: string): Promise<Prepared> {
    const known = this.#prepared.get(text);
    if (known) {
      this.#prepared.delete(text);
      this.#prepared.set(text, known);
      return known;
    }
    const { serialize } = protocol;
    const name = `switchboard_${this.#next++}`;
    const { messages } = await this.execProtocol(
      message([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.#prepared.set(text, statement);
    if (this.#prepared.size > MAX_PREPARED) {
      const [oldestText, oldest] = this.#prepared.entries().next().value as [string, Prepared];
      this.#prepared.delete(oldestText);
      await this.execProtocol(
        message([serialize.close({ type: 'S', name: oldest.name }), serialize.sync()]),
        {
          syncToFs: false,
        },
      );
    }
    return statement;
  }
}
