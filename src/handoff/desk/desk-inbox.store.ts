// The durable inbox of desk events (table desk_inbox): a webhook writes what it received and answers; a
// worker claims rows with a lease (FOR UPDATE SKIP LOCKED, so several processes share the work) and marks
// them done, ignored or failed. Writing is idempotent by (desk, event id): a replayed delivery is a no-op.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../storage/database.ts';
import { rowsOf } from '../../storage/pg-effect.log.ts';
import { deskInbox } from '../../storage/schema/index.ts';
import type { DeskEvent } from '../desk-event.port.ts';
import { deskEventSchema } from './desk-event.schema.ts';

export interface InboxItem {
  id: number;
  attempts: number;
  event: DeskEvent;
}

const claimedRow = z.object({
  id: z.union([z.string(), z.number()]).transform(Number),
  attempts: z.number(),
  event: z.unknown(),
});

export function createDeskInbox(db: Db, now: () => Date) {
  return {
    /** Writes the events; answers how many were new (the rest had been received before). */
    async accept(events: DeskEvent[]): Promise<{ accepted: number; duplicates: number }> {
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      const at = now();
      const inserted = await db
        .insert(deskInbox)
        .values(
          events.map((e) => ({
            desk: e.desk,
            eventId: e.eventId,
            externalId: e.externalId,
            event: e,
            status: 'pending' as const,
            availableAt: at,
            receivedAt: at,
          })),
        )
        .onConflictDoNothing({ target: [deskInbox.desk, deskInbox.eventId] })
        .returning({ id: deskInbox.id });
      return { accepted: inserted.length, duplicates: events.length - inserted.length };
    },

    /** Claims due rows, oldest first; a row whose lease ran out (a crashed worker) is claimed again. */
    async claim(limit: number, leaseMs: number): Promise<InboxItem[]> {
      const at = now();
      const until = new Date(at.getTime() + leaseMs);
      const result = await db.execute(sql`
        update ${deskInbox} set locked_until = ${until.toISOString()}, attempts = attempts + 1
        where id in (
          select id from ${deskInbox}
          where status = 'pending' and available_at <= ${at.toISOString()}
            and (locked_until is null or locked_until < ${at.toISOString()})
          order by id limit ${limit}
          for update skip locked)
        returning id, attempts, event`);
      const items: InboxItem[] = [];
      for (const raw of rowsOf(result)) {
        const row = claimedRow.parse(raw);
        const event = deskEventSchema.safeParse(row.event);
        if (event.success) items.push({ id: row.id, attempts: row.attempts, event: event.data });
        else await this.finish(row.id, 'failed', `unreadable event: ${event.error.message.slice(0, 500)}`);
      }
      return items.sort((a, b) => a.id - b.id);
    },

    async finish(id: number, status: 'done' | 'ignored' | 'failed', note: string | null = null) {
      await db
        .update(deskInbox)
        .set({ status, note: note?.slice(0, 2000) ?? null, processedAt: now(), lockedUntil: null })
        .where(eq(deskInbox.id, id));
    },

    async retry(id: number, delayMs: number, note: string) {
      await db
        .update(deskInbox)
        .set({
          note: note.slice(0, 2000),
          availableAt: new Date(now().getTime() + delayMs),
          lockedUntil: null,
        })
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

export type DeskInbox = ReturnType<typeof createDeskInbox>;
