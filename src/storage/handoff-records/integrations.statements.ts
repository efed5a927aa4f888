// The `escalation_integrations` statements of the handoff records: one row per (handoff, target) saying
// whether that delivery happened, with its external id and whether the last attempt is in doubt.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.ts';
import { escalationIntegrations } from '../schema/index.ts';

export type IntegrationRow = typeof escalationIntegrations.$inferSelect;

export interface IntegrationOwner {
  id: string;
  conversationId: string;
}

const patchMetadata = (patch: Record<string, unknown>) =>
  sql`${escalationIntegrations.metadata} || ${JSON.stringify(patch)}::jsonb`;
const integrationOf = (key: string, target: string) =>
  and(eq(escalationIntegrations.idempotencyKey, key), eq(escalationIntegrations.target, target));

/** The first attempt or a local delivery: the row's columns other than its outcome. */
function newIntegration(key: string, target: string, escalation: IntegrationOwner, now: () => Date) {
  return {
    escalationId: escalation.id,
    conversationId: escalation.conversationId,
    target,
    attempts: 1,
    idempotencyKey: key,
    createdAt: now(),
    updatedAt: now(),
  };
}

export function integrationReads(db: Db) {
  return {
    async integration(key: string, target: string): Promise<IntegrationRow | null> {
      const [row] = await db.select().from(escalationIntegrations).where(integrationOf(key, target));
      return row ?? null;
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
  };
}

export function integrationWrites(db: Db, now: () => Date) {
  return {
    /** A pending attempt in doubt: the first inserts the row, later ones count up. */
    async beginAttempt(key: string, target: string, escalation: IntegrationOwner): Promise<void> {
      await db
        .insert(escalationIntegrations)
        .values({
          ...newIntegration(key, target, escalation, now),
          status: 'pending',
          metadata: { inDoubt: true },
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
          ...newIntegration(key, target, escalation, now),
          externalId,
          status: 'delivered',
          metadata,
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
  };
}
