// The `escalations` statements of the handoff records: one row per handoff, keyed by the effect's
// idempotency key.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../database.ts';
import { type ESCALATION_STATUSES, escalations } from '../schema/index.ts';

export type EscalationRowStatus = (typeof ESCALATION_STATUSES)[number];
/** `createdAt` is when the visitor asked (the turn's time), not when the outbox got round to the insert. */
export type NewEscalationRecord = Omit<typeof escalations.$inferInsert, 'id' | 'status' | 'createdAt'> & {
  createdAt: Date;
};

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

export function escalationStatements(db: Db) {
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
