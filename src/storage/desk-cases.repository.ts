// The desk side of the handoff rows: which delivery (`escalation_integrations`) a desk's conversation,
// ticket or thread id is, where the case stands on that desk (desk_status / desk_agent), the escalation a
// helpdesk resolved, and the open cases with where each was delivered. The statements only; what a desk
// event means for them is src/handoff/desk/desk.records.ts.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { escalationIntegrations, escalations } from './schema/index.ts';

const OPEN_STATUSES = ['queued', 'assigned'] as const;

export function createDeskCasesRepository(db: Db, now: () => Date) {
  return {
    /** The latest delivered row to `desk` with this external id. */
    async deliveryByExternalId(desk: string, externalId: string) {
      const [row] = await db
        .select({
          conversationId: escalationIntegrations.conversationId,
          handoffKey: escalationIntegrations.idempotencyKey,
          escalationId: escalationIntegrations.escalationId,
          externalUrl: escalationIntegrations.externalUrl,
          metadata: escalationIntegrations.metadata,
        })
        .from(escalationIntegrations)
        .where(
          and(
            eq(escalationIntegrations.target, desk),
            eq(escalationIntegrations.externalId, externalId),
            eq(escalationIntegrations.status, 'delivered'),
          ),
        )
        .orderBy(desc(escalationIntegrations.createdAt))
        .limit(1);
      return row ?? null;
    },

    async setDeskStatus(
      handoffKey: string,
      desk: string,
      status: { deskStatus: string; deskAgent?: string; deskStatusAt: Date },
    ): Promise<void> {
      await db
        .update(escalationIntegrations)
        .set({ ...status, updatedAt: now() })
        .where(
          and(eq(escalationIntegrations.idempotencyKey, handoffKey), eq(escalationIntegrations.target, desk)),
        );
    },

    /** Resolved, only from an open status (queued or assigned): a redelivery changes nothing. */
    async resolveOpenEscalation(
      handoffKey: string,
      resolution: { resolvedAt: Date; resolutionSummary?: string },
    ): Promise<void> {
      await db
        .update(escalations)
        .set({ status: 'resolved', ...resolution })
        .where(
          and(eq(escalations.idempotencyKey, handoffKey), inArray(escalations.status, [...OPEN_STATUSES])),
        );
    },

    /** Open escalations (queued or assigned), most urgent and oldest first, with where each was delivered. */
    async openCases(limit: number) {
      const rows = await db
        .select({
          conversationId: escalations.conversationId,
          handoffKey: escalations.idempotencyKey,
          subject: escalations.subject,
          priority: escalations.priority,
          channel: escalations.channel,
          status: escalations.status,
          assignedTo: escalations.assignedTo,
          createdAt: escalations.createdAt,
        })
        .from(escalations)
        .where(inArray(escalations.status, [...OPEN_STATUSES]))
        .orderBy(
          sql`case ${escalations.priority} when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 else 1 end desc`,
          escalations.createdAt,
        )
        .limit(limit);
      const keys = rows.map((r) => r.handoffKey);
      const deliveries = keys.length
        ? await db
            .select({
              handoffKey: escalationIntegrations.idempotencyKey,
              target: escalationIntegrations.target,
              externalId: escalationIntegrations.externalId,
              externalUrl: escalationIntegrations.externalUrl,
              deskStatus: escalationIntegrations.deskStatus,
            })
            .from(escalationIntegrations)
            .where(
              and(
                inArray(escalationIntegrations.idempotencyKey, keys),
                eq(escalationIntegrations.status, 'delivered'),
              ),
            )
        : [];
      return rows.map((r) => ({ ...r, deliveries: deliveries.filter((d) => d.handoffKey === r.handoffKey) }));
    },

    /** A conversation's delivered rows to these desks, newest first. */
    async deliveriesOfConversation(conversationId: string, desks: string[]) {
      return db
        .select({
          desk: escalationIntegrations.target,
          externalId: escalationIntegrations.externalId,
          handoffKey: escalationIntegrations.idempotencyKey,
          deskStatus: escalationIntegrations.deskStatus,
          metadata: escalationIntegrations.metadata,
          createdAt: escalationIntegrations.createdAt,
        })
        .from(escalationIntegrations)
        .where(
          and(
            eq(escalationIntegrations.conversationId, conversationId),
            eq(escalationIntegrations.status, 'delivered'),
            inArray(escalationIntegrations.target, desks),
          ),
        )
        .orderBy(desc(escalationIntegrations.createdAt));
    },
  };
}

export type DeskCasesRepository = ReturnType<typeof createDeskCasesRepository>;
