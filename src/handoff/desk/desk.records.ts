// The records a desk event moves: which conversation a desk's id belongs to (escalation_integrations),
// where the case stands on the desk (desk_status / desk_agent), our ticket's status when the helpdesk
// solves or closes it, and what we posted to the desk (desk_outbound: posted once, echoes recognised).
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../storage/database.ts';
import { deskOutbound, escalationIntegrations, escalations } from '../../storage/schema/index.ts';
import type { DeskEvent, DeskTicketStatus } from '../desk-event.port.ts';
import type { TargetName } from '../handoff.target.ts';

export interface DeskCase {
  conversationId: string;
  /** The handoff (escalations.idempotency_key) this desk delivery belongs to. */
  handoffKey: string;
  escalationId: string | null;
  externalUrl: string | null;
  metadata: Record<string, unknown>;
}

/** What the console shows per delivery: where the case stands on the desk. */
export function deskStatusOf(event: DeskEvent): string {
  switch (event.kind) {
    case 'agent_joined':
      return 'assigned';
    case 'agent_replied':
      return 'answered';
    case 'conversation_closed':
      return 'closed';
    case 'conversation_missed':
      return 'missed';
    case 'ticket_status_changed':
      return event.status;
  }
}

/**
 * How an operator reads where a case stands on its desk: "answered in SalesIQ by Maria", "Zendesk #123
 * solved". Null until the desk said something.
 */
export function deskSummary(
  target: string,
  label: string,
  externalId: string | null,
  status: string | null,
  agent: string | null,
): string | null {
  if (!status) return null;
  const by = agent ? ` by ${agent}` : '';
  if (target === 'zendesk' || target === 'freshdesk')
    return `${label}${externalId ? ` #${externalId}` : ''} ${status}${status === 'answered' ? by : ''}`;
  switch (status) {
    case 'assigned':
      return `taken in ${label}${by}`;
    case 'answered':
      return `answered in ${label}${by}`;
    case 'closed':
      return `closed in ${label}${by}`;
    case 'missed':
      return `missed in ${label}: nobody took it`;
    default:
      return `${label}: ${status}`;
  }
}

/** Whitespace-insensitive fingerprint of a text: how an echo of our own post is recognised. */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}

export function createDeskRecords(db: Db, now: () => Date) {
  return {
    /** The conversation a desk's conversation / ticket / thread id belongs to (the latest handoff to it). */
    async caseOf(desk: TargetName, externalId: string): Promise<DeskCase | null> {
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
      if (!row) return null;
      const metadata =
        row.metadata && typeof row.metadata === 'object' ? (row.metadata as Record<string, unknown>) : {};
      return { ...row, metadata };
    },

    /** The delivery row follows the desk: its status and who acted, for the console. */
    async recordDeskStatus(desk: TargetName, c: DeskCase, event: DeskEvent, at: Date) {
      const agent = 'agent' in event ? event.agent?.name : undefined;
      await db
        .update(escalationIntegrations)
        .set({
          deskStatus: deskStatusOf(event),
          ...(agent ? { deskAgent: agent } : {}),
          deskStatusAt: at,
          updatedAt: now(),
        })
        .where(
          and(
            eq(escalationIntegrations.idempotencyKey, c.handoffKey),
            eq(escalationIntegrations.target, desk),
          ),
        );
    },

    /**
     * A helpdesk solved or closed the ticket: the escalation is resolved (our support_tickets row follows
     * through the engine's updateTicketStatus effect). Only from open states: a redelivery changes nothing.
     */
    async resolveEscalation(c: DeskCase, status: DeskTicketStatus, agent: string | undefined, at: Date) {
      await db
        .update(escalations)
        .set({
          status: 'resolved',
          resolvedAt: at,
          ...(agent ? { resolutionSummary: `${status} by ${agent}` } : {}),
        })
        .where(
          and(
            eq(escalations.idempotencyKey, c.handoffKey),
            inArray(escalations.status, ['queued', 'assigned']),
          ),
        );
    },

    /** Claims the right to post one visitor message to one desk; false when it was posted already. */
    async beginPost(input: {
      key: string;
      desk: TargetName;
      externalId: string;
      conversationId: string;
      text: string;
    }): Promise<boolean> {
      const inserted = await db
        .insert(deskOutbound)
        .values({
          idempotencyKey: input.key,
          desk: input.desk,
          externalId: input.externalId,
          conversationId: input.conversationId,
          fingerprint: fingerprint(input.text),
          createdAt: now(),
        })
        .onConflictDoNothing({ target: deskOutbound.idempotencyKey })
        .returning({ id: deskOutbound.id });
      if (inserted.length > 0) return true;
      // Inserted by an earlier run that then failed before the vendor answered: posted unless confirmed.
      const [row] = await db
        .select({ vendorMessageId: deskOutbound.vendorMessageId })
        .from(deskOutbound)
        .where(eq(deskOutbound.idempotencyKey, input.key));
      return row?.vendorMessageId === null || row?.vendorMessageId === undefined;
    },

    async confirmPost(key: string, vendorMessageId: string) {
      await db.update(deskOutbound).set({ vendorMessageId }).where(eq(deskOutbound.idempotencyKey, key));
    },

    /** A post we could not make for good: forget it, so its text is not mistaken for an echo later. */
    async abandonPost(key: string) {
      await db.delete(deskOutbound).where(eq(deskOutbound.idempotencyKey, key));
    },

    /** Is this desk message our own post coming back (by the vendor's id, or by its text on that case)? */
    async isEcho(
      desk: TargetName,
      externalId: string,
      text: string,
      vendorMessageId?: string,
    ): Promise<boolean> {
      const [row] = await db
        .select({ id: deskOutbound.id })
        .from(deskOutbound)
        .where(
          and(
            eq(deskOutbound.desk, desk),
            eq(deskOutbound.externalId, externalId),
            vendorMessageId
              ? or(
                  eq(deskOutbound.vendorMessageId, vendorMessageId),
                  eq(deskOutbound.fingerprint, fingerprint(text)),
                )
              : eq(deskOutbound.fingerprint, fingerprint(text)),
          ),
        )
        .limit(1);
      return row !== undefined;
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
        .where(inArray(escalations.status, ['queued', 'assigned']))
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

    /** The desks of a conversation's latest handoff that take the visitor's messages (ticket or thread). */
    async openDesks(
      conversationId: string,
    ): Promise<
      Array<{ desk: TargetName; externalId: string; handoffKey: string; metadata: Record<string, unknown> }>
    > {
      const rows = await db
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
            inArray(escalationIntegrations.target, ['zendesk', 'freshdesk', 'slack']),
          ),
        )
        .orderBy(desc(escalationIntegrations.createdAt));
      const latest = rows[0]?.handoffKey;
      return rows.flatMap((r) =>
        r.handoffKey === latest &&
        r.externalId &&
        r.deskStatus !== 'solved' &&
        r.deskStatus !== 'closed' &&
        (r.desk === 'zendesk' || r.desk === 'freshdesk' || r.desk === 'slack')
          ? [
              {
                desk: r.desk,
                externalId: r.externalId,
                handoffKey: r.handoffKey,
                metadata:
                  r.metadata && typeof r.metadata === 'object' ? (r.metadata as Record<string, unknown>) : {},
              },
            ]
          : [],
      );
    },
  };
}

export type DeskRecords = ReturnType<typeof createDeskRecords>;
