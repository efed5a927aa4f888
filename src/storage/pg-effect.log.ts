// EffectLog on the Postgres outbox table: FOR UPDATE SKIP LOCKED lets any number of workers claim
// disjoint batches; a lease (locked_until) hands a crashed worker's effects to the next claimer.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.ts';
import type { ClaimedEffect, EffectLog } from './effect.log.ts';
import { outbox } from './schema/index.ts';

const claimedRow = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  idempotency_key: z.string(),
  session_id: z.string(),
  seq: z.number(),
  type: z.string(),
  params: z.record(z.string(), z.unknown()),
  attempts: z.number(),
});

/** Both drivers (pg and PGlite) answer `execute` with an object carrying `rows`. */
export function rowsOf(result: unknown): unknown[] {
  return z.object({ rows: z.array(z.unknown()) }).parse(result).rows;
}

export function createPgEffectLog(db: Db, now: () => Date = () => new Date()): EffectLog {
  return {
    kind: 'postgres-outbox',
    async claim(consumer, limit, leaseMs) {
      const at = now();
      const until = new Date(at.getTime() + leaseMs);
      const result = await db.execute(sql`
        update ${outbox} set locked_by = ${consumer}, locked_until = ${until.toISOString()}, attempts = attempts + 1
        where id in (
          select id from ${outbox}
          where status = 'pending' and available_at <= ${at.toISOString()}
            and (locked_until is null or locked_until < ${at.toISOString()})
          order by id limit ${limit}
          for update skip locked)
        returning id, idempotency_key, session_id, seq, type, params, attempts`);
      return rowsOf(result).map((row): ClaimedEffect => {
        const r = claimedRow.parse(row);
        return {
          id: r.id,
          idempotencyKey: r.idempotency_key,
          sessionId: r.session_id,
          seq: r.seq,
          type: r.type,
          params: r.params,
          attempts: r.attempts,
        };
      });
    },
    async complete(effect) {
      await db
        .update(outbox)
        .set({ status: 'done', completedAt: now(), lockedUntil: null })
        .where(eq(outbox.id, Number(effect.id)));
    },
    async retry(effect, error, delayMs) {
      await db
        .update(outbox)
        .set({
          lastError: error.slice(0, 2000),
          availableAt: new Date(now().getTime() + delayMs),
          lockedUntil: null,
          lockedBy: null,
        })
        .where(and(eq(outbox.id, Number(effect.id)), eq(outbox.status, 'pending')));
    },
    async fail(effect, error) {
      await db
        .update(outbox)
        .set({ status: 'failed', lastError: error.slice(0, 2000), lockedUntil: null })
        .where(eq(outbox.id, Number(effect.id)));
    },
    async pendingCount() {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(outbox)
        .where(eq(outbox.status, 'pending'));
      return row?.n ?? 0;
    },
  };
}
