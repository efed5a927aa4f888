// The handoff's durable rows: `escalations` (one per handoff, keyed by the effect's idempotency key),
// `escalation_integrations` (one per handoff and target) and the `support_tickets` row of a ticket. The
// statements only; what goes into them (the packet's fields, which status may follow which) is the
// handoff records' business.
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import {
  type ESCALATION_STATUSES,
  escalationIntegrations,
  escalations,
  supportTickets,
  type TICKET_STATUSES,
} from './schema/index.ts';

type EscalationRowStatus = (typeof ESCALATION_STATUSES)[number];
type TicketRowStatus = (typeof TICKET_STATUSES)[number];
/** `createdAt` is when the visitor asked (the turn's time), not when the outbox got round to the insert. */
export type NewEscalationRecord = Omit<typeof escalations.$inferInsert, 'id' | 'status' | 'createdAt'> & {
  createdAt: Date;
};
export type NewSupportTicketRecord = Omit<
  typeof supportTickets.$inferInsert,
  'id' | 'status' | 'createdAt' | 'updatedAt'
> & { idempotencyKey: string };
export type IntegrationRow = typeof escalationIntegrations.$inferSelect;

export interface IntegrationOwner {
  id: string;
  conversationId: string;
}

/** The columns a status change sets; `assignedToIfUnset` keeps an agent already recorded. */
export interface EscalationStatusChange {
  status: EscalationRowStatus;
  assignedAt?: Date;
  assignedTo?: string;
  assignedToIfUnset?: string;
  resolvedAt?: Date;
  resolutionSummary?: string;
  resolutionCategory?: string;
}

export function createHandoffRecordsRepository(db: Db, now: () => Date) {
  const patchMetadata = (patch: Record<string, unknown>) =>
    sql`${escalationIntegrations.metadata} || ${JSON.stringify(patch)}::jsonb`;
  const integrationOf = (key: string, target: string) =>
    and(eq(escalationIntegrations.idempotencyKey, key), eq(escalationIntegrations.target, target));

  return {
    async escalationByKey(
      handoffKey: string,
    ): Promise<{ id: string; status: EscalationRowStatus; packet: unknown } | null> {
      const [row] = await db
        .select({ id: escalations.id, status: escalations.status, packet: escalations.packet })
        .from(escalations)
        .where(eq(escalations.idempotencyKey, handoffKey));
      return row ?? null;
    },

    /** Queued, unless a row with its idempotency key exists (then nothing changes). */
    async insertEscalation(values: NewEscalationRecord): Promise<void> {
      await db
        .insert(escalations)
        .values({ ...values, status: 'queued' })
        .onConflictDoNothing({ target: escalations.idempotencyKey });
    },

    async integration(key: string, target: string): Promise<IntegrationRow | null> {
      const [row] = await db.select().from(escalationIntegrations).where(integrationOf(key, target));
      return row ?? null;
    },

    /** A pending attempt in doubt: the first inserts the row, later ones count up. */
    async beginAttempt(key: string, target: string, escalation: IntegrationOwner): Promise<void> {
      await db
        .insert(escalationIntegrations)
        .values({
          escalationId: escalation.id,
          conversationId: escalation.conversationId,
          target,
          status: 'pending',
          attempts: 1,
          metadata: { inDoubt: true },
          idempotencyKey: key,
          createdAt: now(),
          updatedAt: now(),
        })
        .onConflictDoUpdate({
          target: [escalationIntegrations.idempotencyKey, escalationIntegrations.target],
          set: {
            attempts: sql`${escalationIntegrations.attempts} + 1`,
            metadata: patchMetadata({ inDoubt: true }),
            updatedAt: now(),
          },
        });
    },

    /** Delivered; `metadata` is merged into what the row holds. */
    async markDelivered(
      key: string,
      target: string,
      delivered: { externalId: string; externalUrl: string | null; metadata: Record<string, unknown> },
    ): Promise<void> {
      await db
        .update(escalationIntegrations)
        .set({
          status: 'delivered',
          externalId: delivered.externalId,
          externalUrl: delivered.externalUrl,
          lastError: null,
          metadata: patchMetadata(delivered.metadata),
          updatedAt: now(),
        })
        .where(integrationOf(key, target));
    },

    async markUndelivered(
      key: string,
      target: string,
      outcome: { status: 'failed' | 'pending'; lastError: string; inDoubt: boolean },
    ): Promise<void> {
      await db
        .update(escalationIntegrations)
        .set({
          status: outcome.status,
          lastError: outcome.lastError,
          metadata: patchMetadata({ inDoubt: outcome.inDoubt }),
          updatedAt: now(),
        })
        .where(integrationOf(key, target));
    },

    /** A delivered row for a local target, unless one exists. */
    async insertDelivered(
      key: string,
      target: string,
      escalation: IntegrationOwner,
      externalId: string,
      metadata: Record<string, unknown>,
    ): Promise<void> {
      await db
        .insert(escalationIntegrations)
        .values({
          escalationId: escalation.id,
          conversationId: escalation.conversationId,
          target,
          externalId,
          status: 'delivered',
          attempts: 1,
          metadata,
          idempotencyKey: key,
          createdAt: now(),
          updatedAt: now(),
        })
        .onConflictDoNothing();
    },

    async failPending(key: string, lastError: string): Promise<void> {
      await db
        .update(escalationIntegrations)
        .set({ status: 'failed', lastError, updatedAt: now() })
        .where(
          and(eq(escalationIntegrations.idempotencyKey, key), eq(escalationIntegrations.status, 'pending')),
        );
    },

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

    /** Applies the change while the escalation is in one of `from`; whether a row changed. */
    async changeEscalationStatus(
      key: string,
      change: EscalationStatusChange,
      from: EscalationRowStatus[],
    ): Promise<boolean> {
      const { assignedToIfUnset, ...set } = change;
      const changed = await db
        .update(escalations)
        .set({
          ...set,
          ...(assignedToIfUnset === undefined
            ? {}
            : { assignedTo: sql`coalesce(${escalations.assignedTo}, ${assignedToIfUnset})` }),
        })
        .where(and(eq(escalations.idempotencyKey, key), inArray(escalations.status, from)))
        .returning({ id: escalations.id });
      return changed.length > 0;
    },

    /** The newest delivery to `target` with this external id. */
    async byExternalId(
      target: string,
      externalId: string,
    ): Promise<{ sessionId: string; key: string } | null> {
      const [row] = await db
        .select({
          sessionId: escalationIntegrations.conversationId,
          key: escalationIntegrations.idempotencyKey,
        })
        .from(escalationIntegrations)
        .where(
          and(eq(escalationIntegrations.target, target), eq(escalationIntegrations.externalId, externalId)),
        )
        .orderBy(desc(escalationIntegrations.createdAt))
        .limit(1);
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

    /** Sets first_response_at while it is unset. */
    async setFirstResponse(key: string, at: Date): Promise<boolean> {
      const changed = await db
        .update(escalations)
        .set({ firstResponseAt: at })
        .where(and(eq(escalations.idempotencyKey, key), isNull(escalations.firstResponseAt)))
        .returning({ id: escalations.id });
      return changed.length > 0;
    },
  };
}

export type HandoffRecordsRepository = ReturnType<typeof createHandoffRecordsRepository>;
