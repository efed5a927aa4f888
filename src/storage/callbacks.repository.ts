// Callbacks as work: scheduled by the callback handoff (one per handoff, whatever the retries), listed
// due-first, worked to an outcome with guarded updates (two agents never both record one call).
import { and, asc, count, eq, gte, inArray, isNull, lte, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from './database.ts';
import { type CALLBACK_STATUSES, callbacks } from './schema/index.ts';

export type CallbackRow = typeof callbacks.$inferSelect;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export interface CallbackFilter {
  status: CallbackStatus[];
  from?: Date;
  to?: Date;
  assignee?: string | null;
  page: number;
  pageSize: number;
}

export function createCallbacksRepository(db: Db, now: () => Date) {
  function where(f: CallbackFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (f.status.length) conditions.push(inArray(callbacks.status, f.status));
    if (f.from) conditions.push(gte(callbacks.dueAt, f.from));
    if (f.to) conditions.push(lte(callbacks.dueAt, f.to));
    if (f.assignee === null) conditions.push(isNull(callbacks.assignedTo));
    else if (f.assignee) conditions.push(eq(callbacks.assignedTo, f.assignee));
    return conditions.length ? and(...conditions) : undefined;
  }
  return {
    /** Idempotent by the handoff key: a retried handoff effect schedules nothing new. */
    async schedule(values: typeof callbacks.$inferInsert): Promise<CallbackRow> {
      await db.insert(callbacks).values(values).onConflictDoNothing({ target: callbacks.idempotencyKey });
      const [row] = await db
        .select()
        .from(callbacks)
        .where(eq(callbacks.idempotencyKey, values.idempotencyKey));
      if (!row) throw new Error(`callback ${values.idempotencyKey} neither inserted nor found`);
      return row;
    },

    async list(f: CallbackFilter): Promise<{ rows: CallbackRow[]; total: number }> {
      const condition = where(f);
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(callbacks)
          .where(condition)
          .orderBy(asc(callbacks.dueAt), asc(callbacks.createdAt), asc(callbacks.id))
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize),
        db.select({ n: count() }).from(callbacks).where(condition),
      ]);
      return { rows, total: Number(totals[0]?.n ?? 0) };
    },

    async get(id: string): Promise<CallbackRow | null> {
      const [row] = await db.select().from(callbacks).where(eq(callbacks.id, id)).limit(1);
      return row ?? null;
    },

    /** Applies the change only while the callback is as the caller saw it (status and updatedAt). */
    async update(
      id: string,
      expected: { status: CallbackStatus; updatedAt: Date },
      set: PgUpdateSetSource<typeof callbacks>,
    ): Promise<CallbackRow | null> {
      const [row] = await db
        .update(callbacks)
        .set({ ...set, updatedAt: now() })
        .where(
          and(
            eq(callbacks.id, id),
            eq(callbacks.status, expected.status),
            eq(callbacks.updatedAt, expected.updatedAt),
          ),
        )
        .returning();
      return row ?? null;
    },

    /** Scheduled callbacks whose window has opened and that nobody was reminded of since it opened. */
    async dueForReminder(at: Date, limit = 50): Promise<CallbackRow[]> {
      return db
        .select()
        .from(callbacks)
        .where(and(eq(callbacks.status, 'scheduled'), lte(callbacks.dueAt, at), isNull(callbacks.remindedAt)))
        .orderBy(asc(callbacks.dueAt))
        .limit(limit);
    },

    /** Marks a reminder sent; false when another process sent it first (exactly one reminder per window). */
    async markReminded(id: string, at: Date): Promise<boolean> {
      const changed = await db
        .update(callbacks)
        .set({ remindedAt: at })
        .where(and(eq(callbacks.id, id), isNull(callbacks.remindedAt)))
        .returning({ id: callbacks.id });
      return changed.length > 0;
    },
  };
}

export type CallbacksRepository = ReturnType<typeof createCallbacksRepository>;
