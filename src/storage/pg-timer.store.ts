// TimerStore on the Postgres `timers` table (the embedded default): due rows are claimed with
// FOR UPDATE SKIP LOCKED and a lease, so any number of processes can poll and each timer fires once.
import { and, eq, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.ts';
import { rowsOf } from './pg-effect.log.ts';
import { timers } from './schema/index.ts';
import { type DueTimer, TIMER_KINDS, type TimerStore } from './timer.store.ts';

const dueRow = z.object({
  session_id: z.string(),
  kind: z.enum(TIMER_KINDS),
  armed_at_version: z.number().int(),
  due_at: z.union([z.string(), z.date()]).transform((v) => new Date(v)),
});

export function createPgTimerStore(db: Db): TimerStore {
  return {
    kind: 'postgres',
    async arm(sessionId, kind, dueAt, version) {
      await db
        .insert(timers)
        .values({ sessionId, kind, dueAt, armedAtVersion: version, lockedUntil: null })
        .onConflictDoUpdate({
          target: [timers.sessionId, timers.kind],
          set: {
            dueAt: sql`excluded.due_at`,
            armedAtVersion: sql`excluded.armed_at_version`,
            lockedUntil: null,
          },
          setWhere: sql`${timers.armedAtVersion} <= excluded.armed_at_version`,
        });
    },
    async cancel(sessionId, kind, version) {
      await db
        .delete(timers)
        .where(
          and(eq(timers.sessionId, sessionId), eq(timers.kind, kind), lte(timers.armedAtVersion, version)),
        );
    },
    async claimDue(now, limit, leaseMs) {
      const at = now.toISOString();
      const until = new Date(now.getTime() + leaseMs).toISOString();
      const result = await db.execute(sql`
        update ${timers} set locked_until = ${until}
        where (session_id, kind) in (
          select session_id, kind from ${timers}
          where due_at <= ${at} and (locked_until is null or locked_until <= ${at})
          order by due_at limit ${limit}
          for update skip locked)
        returning session_id, kind, armed_at_version, due_at`);
      return rowsOf(result).map((row): DueTimer => {
        const r = dueRow.parse(row);
        return { sessionId: r.session_id, kind: r.kind, armedAtVersion: r.armed_at_version, dueAt: r.due_at };
      });
    },
    async complete(t) {
      await db
        .delete(timers)
        .where(
          and(
            eq(timers.sessionId, t.sessionId),
            eq(timers.kind, t.kind),
            eq(timers.armedAtVersion, t.armedAtVersion),
            eq(timers.dueAt, t.dueAt),
          ),
        );
    },
    async get(sessionId, kind) {
      const [row] = await db
        .select({ dueAt: timers.dueAt, armedAtVersion: timers.armedAtVersion })
        .from(timers)
        .where(and(eq(timers.sessionId, sessionId), eq(timers.kind, kind)))
        .limit(1);
      return row ?? null;
    },
  };
}
