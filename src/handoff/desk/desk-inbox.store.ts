// The durable inbox of desk events (table desk_inbox): a webhook writes what it received and answers; a
// worker claims rows with a lease (FOR UPDATE SKIP LOCKED, so several processes share the work) and marks
// them done, ignored or failed. Writing is idempotent by (desk, event id): a replayed delivery is a no-op.
// The statements are in src/storage/desk-inbox.repository.ts.
import type { DeskInboxRepository } from '../../storage/desk-inbox.repository.ts';
import type { DeskEvent } from '../desk-event.port.ts';
import { deskEventSchema } from './desk-event.schema.ts';

export interface InboxItem {
  id: number;
  attempts: number;
  event: DeskEvent;
}

export function createDeskInbox(repository: DeskInboxRepository, now: () => Date) {
  return {
    /** Writes the events; answers how many were new (the rest had been received before). */
    async accept(events: DeskEvent[]): Promise<{ accepted: number; duplicates: number }> {
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      const accepted = await repository.insertPending(
        events.map((e) => ({ desk: e.desk, eventId: e.eventId, externalId: e.externalId, event: e })),
        now(),
      );
      return { accepted, duplicates: events.length - accepted };
    },

    /** Claims due rows, oldest first; a row whose lease ran out (a crashed worker) is claimed again. */
    async claim(limit: number, leaseMs: number): Promise<InboxItem[]> {
      const at = now();
      const rows = await repository.claim(limit, at, new Date(at.getTime() + leaseMs));
      const items: InboxItem[] = [];
      for (const row of rows) {
        const event = deskEventSchema.safeParse(row.event);
        if (event.success) items.push({ id: row.id, attempts: row.attempts, event: event.data });
        else await this.finish(row.id, 'failed', `unreadable event: ${event.error.message.slice(0, 500)}`);
      }
      return items.sort((a, b) => a.id - b.id);
    },

    async finish(id: number, status: 'done' | 'ignored' | 'failed', note: string | null = null) {
      await repository.finish(id, status, note?.slice(0, 2000) ?? null, now());
    },

    async retry(id: number, delayMs: number, note: string) {
      await repository.postpone(id, new Date(now().getTime() + delayMs), note.slice(0, 2000));
    },

    pendingCount: (): Promise<number> => repository.pendingCount(),
  };
}

export type DeskInbox = ReturnType<typeof createDeskInbox>;
