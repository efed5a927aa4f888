// The durable inbox of desk events (`desk_inbox`): idempotent writes by (desk, event id), leased claims
// (FOR UPDATE SKIP LOCKED, so several processes share the work), and the row's outcome.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.ts';
import { rowsOf } from './pg-effect.log.ts';
import { deskInbox } from './schema/index.ts';

export interface NewDeskInboxRecord {
  desk: string;
  eventId: string;
  externalId: string;
  event: unknown;
}

export interface ClaimedDeskInboxRecord {
  id: number;
  attempts: number;
  /** As stored; the caller parses it. */
  event: unknown;
}

const claimedRow = z.object({
  id: z.union([z.string(), z.number()]).transform(Number),
  attempts: z.number(),
  event: z.unknown(),
});

export function createDeskInboxRepository(db: Db) {
  return {
    /** Inserts the rows as pending; how many were new (the rest had been received before). */
    async insertPending(rows: NewDeskInboxRecord[], at: Date): Promise<number> {
      const inserted = await db
        .insert(deskInbox)
        .values(rows.map((r) => ({ ...r, status: 'pending' as const, availableAt: at, receivedAt: at })))
        .onConflictDoNothing({ target: [deskInbox.desk, deskInbox.eventId] })
        .returning({ id: deskInbox.id });
      return inserted.length;
    },

    /** Leases up to `limit` due rows until `until`, oldest first; a row whose lease ran out is claimed again. */
    async claim(limit: number, at: Date, until: Date): Promise<ClaimedDeskInboxRecord[]> {
      const result = await db.execute(sql`
        update ${deskInbox} set locked_until = ${until.toISOString()}, attempts = attempts + 1
        where id in (
          select id from ${deskInbox}
          where status = 'pending' and available_at <= ${at.toISOString()}
            and (locked_until is null or locked_until < ${at.toISOString()})
          order by id limit ${limit}
          for update skip locked)
        returning id, attempts, event`);
      return rowsOf(result).map((raw) => claimedRow.parse(raw));
    },

    async finish(
      id: number,
      status: 'done' | 'ignored' | 'failed',
      note: string | null,
      at: Date,
    ): Promise<void> {
      await db
        .update(deskInbox)
        .set({ status, note, processedAt: at, lockedUntil: null })
        .where(eq(deskInbox.id, id));
    },

    /** A pending row made available again at `availableAt`. */
    async postpone(id: number, availableAt: Date, note: string): Promise<void> {
      await db
        .update(deskInbox)
        .set({ note, availableAt, lockedUntil: null })
        .where(and(eq(deskInbox.id, id), eq(deskInbox.status, 'pending')));
    },

    async pendingCount(): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(deskInbox)
        .where(eq(deskInbox.status, 'pending'));
      return row?.n ?? 0;
    },
  };
}

export type DeskInboxRepository = ReturnType<typeof createDeskInboxRepository>;
