// The `support_tickets` statements of the handoff records: the ticket of a ticket handoff, one per
// handoff by its idempotency key, whose status follows the desk's.
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../database.ts';
import { supportTickets, type TICKET_STATUSES } from '../schema/index.ts';

type TicketRowStatus = (typeof TICKET_STATUSES)[number];
export type NewSupportTicketRecord = Omit<
  typeof supportTickets.$inferInsert,
  'id' | 'status' | 'createdAt' | 'updatedAt'
> & { idempotencyKey: string };

export function supportTicketStatements(db: Db, now: () => Date) {
  return {
    /** Inserts the open ticket unless its idempotency key exists; returns the number of whichever row is there. */
    async ensureSupportTicket(values: NewSupportTicketRecord): Promise<{ ticketNumber: string } | null> {
      await db
        .insert(supportTickets)
        .values({ ...values, status: 'open', createdAt: now(), updatedAt: now() })
        .onConflictDoNothing({ target: supportTickets.idempotencyKey });
      const [row] = await db
        .select({ ticketNumber: supportTickets.ticketNumber })
        .from(supportTickets)
        .where(eq(supportTickets.idempotencyKey, values.idempotencyKey));
      return row ?? null;
    },

    async setTicketStatus(
      key: string,
      change: { status: TicketRowStatus; updatedAt: Date; resolvedAt?: Date },
    ): Promise<boolean> {
      // Closed is final: a desk status that arrives after an operator closed the ticket (the effect of the
      // earlier "resolved" running late) must not put it back to resolved.
      const changed = await db
        .update(supportTickets)
        .set(change)
        .where(and(eq(supportTickets.idempotencyKey, key), ne(supportTickets.status, 'closed')))
        .returning({ id: supportTickets.id });
      return changed.length > 0;
    },
  };
}
