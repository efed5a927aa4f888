// The handoff's durable record: one `escalations` row per handoff (keyed by the effect's idempotency key,
// carrying the frozen packet), one `escalation_integrations` row per (handoff, target) saying whether that
// delivery happened (and its external id), and the `support_tickets` row of a ticket. These rows are what
// makes a retried or re-run effect skip work that is already done; the statements are in
// src/storage/handoff-records.repository.ts.
import { z } from 'zod';
import type { CallbacksRepository } from '../storage/callbacks.repository.ts';
import type {
  EscalationStatusChange,
  HandoffRecordsRepository,
} from '../storage/handoff-records.repository.ts';
import type { ESCALATION_STATUSES, TICKET_STATUSES } from '../storage/schema/index.ts';
import { callbackWindow } from './callback.window.ts';
import type { DeskTicketStatus } from './desk-event.port.ts';
import type { TargetName } from './handoff.target.ts';
import { type HandoffPacket, handoffPacketSchema, summaryText } from './packet.ts';
import type { DeliveryResult } from './vendor.http.ts';

export interface EscalationRecord {
  id: string;
  status: string;
  packet: HandoffPacket;
}

/** A stored delivery status; anything not finished (including an unknown value) is still pending. */
export const deliveryStatus = (raw: string): IntegrationRecord['status'] =>
  raw === 'delivered' || raw === 'failed' ? raw : 'pending';

export interface IntegrationRecord {
  status: 'pending' | 'delivered' | 'failed';
  externalId: string | null;
  externalUrl: string | null;
  attempts: number;
  lastError: string | null;
  /** The last attempt may have reached the vendor without us learning the outcome. */
  inDoubt: boolean;
}

/** A desk's ticket status in our support_tickets vocabulary. */
const TICKET_STATUS_OF: Record<DeskTicketStatus, (typeof TICKET_STATUSES)[number]> = {
  open: 'open',
  pending: 'awaiting_customer',
  solved: 'resolved',
  closed: 'closed',
};

export type EscalationStatus = 'assigned' | 'resolved' | 'handed_back' | 'failed';

/** Status changes only move forward, so effects that run out of order cannot undo a later change. */
const ALLOWED_FROM: Record<EscalationStatus, Array<(typeof ESCALATION_STATUSES)[number]>> = {
  assigned: ['queued', 'assigned'],
  resolved: ['queued', 'assigned'],
  handed_back: ['queued', 'assigned'],
  failed: ['queued'],
};

const metadataSchema = z.object({ inDoubt: z.boolean().optional() }).passthrough();

export interface HandoffRecordsDeps {
  repository: HandoffRecordsRepository;
  callbacks: Pick<CallbacksRepository, 'schedule'>;
  now: () => Date;
}

function escalatedAt(packet: HandoffPacket, now: () => Date): Date {
  const at = new Date(packet.createdAt);
  return Number.isNaN(at.getTime()) ? now() : at;
}

export function createHandoffRecords({ repository, callbacks, now }: HandoffRecordsDeps) {
  async function findEscalation(handoffKey: string): Promise<EscalationRecord | null> {
    const row = await repository.escalationByKey(handoffKey);
    if (!row) return null;
    return { id: row.id, status: row.status, packet: handoffPacketSchema.parse(row.packet) };
  }

  async function integration(key: string, target: TargetName): Promise<IntegrationRecord | null> {
    const row = await repository.integration(key, target);
    if (!row) return null;
    return {
      status: deliveryStatus(row.status),
      externalId: row.externalId,
      externalUrl: row.externalUrl,
      attempts: row.attempts,
      lastError: row.lastError,
      inDoubt: metadataSchema.safeParse(row.metadata).data?.inDoubt ?? false,
    };
  }

  return {
    findEscalation,
    integration,

    /** Inserts the escalation with its packet unless it exists; returns whichever row won. */
    async ensureEscalation(packet: HandoffPacket): Promise<EscalationRecord> {
      await repository.insertEscalation({
        conversationId: packet.sessionId,
        segment: packet.segment,
        channel: packet.channel,
        sourceType: packet.source?.type ?? 'web',
        sourcePhoneNumber: packet.source?.phone ?? null,
        summary: summaryText(packet),
        subject: packet.subject,
        category: packet.category,
        priority: packet.priority,
        triggers: packet.triggers,
        aiConfidence: packet.aiConfidence,
        customerSentiment: packet.sentiment.label,
        sentimentScore: packet.sentiment.score,
        journeyStage: packet.journeyStage,
        keywords: packet.keywords,
        idempotencyKey: packet.handoffKey,
        packet,
        // The queue orders by waiting time: it starts when the visitor asked, however late the effect runs.
        createdAt: escalatedAt(packet, now),
      });
      const row = await findEscalation(packet.handoffKey);
      if (!row) throw new Error(`escalation ${packet.handoffKey} vanished right after its insert`);
      return row;
    },

    /** Marks an attempt as started: until its outcome is recorded, it counts as "in doubt". */
    async beginAttempt(key: string, target: TargetName, escalation: { id: string; conversationId: string }) {
      await repository.beginAttempt(key, target, escalation);
    },

    async recordOutcome(key: string, target: TargetName, result: DeliveryResult) {
      if (result.outcome === 'delivered') {
        await repository.markDelivered(key, target, {
          externalId: result.externalId,
          externalUrl: result.externalUrl ?? null,
          metadata: { ...result.metadata, inDoubt: false },
        });
      } else {
        await repository.markUndelivered(key, target, {
          status: result.outcome === 'failed' ? 'failed' : 'pending',
          lastError: result.error.slice(0, 2000),
          inDoubt: result.outcome === 'retry' && result.inDoubt,
        });
      }
    },

    /** Local targets (console queue, ticket record, callback list) are delivered by being written. */
    async recordLocal(
      key: string,
      target: TargetName,
      escalation: { id: string; conversationId: string },
      externalId: string,
      metadata: Record<string, unknown> = {},
    ) {
      await repository.insertDelivered(key, target, escalation, externalId, metadata);
    },

    /** The worker gave up: whatever is not delivered for this handoff is failed for good. */
    async failUndelivered(key: string, error: string) {
      await repository.failPending(key, error.slice(0, 2000));
    },

    /** The callbacks row of a callback handoff (one per handoff), due when the visitor's window opens. */
    async scheduleCallback(packet: HandoffPacket, escalationId: string) {
      const window = callbackWindow(packet.visitor.callbackWindow, new Date(packet.createdAt));
      return callbacks.schedule({
        sessionId: packet.sessionId,
        escalationId,
        idempotencyKey: packet.handoffKey,
        phone: packet.visitor.phone ?? null,
        visitorName: packet.visitor.name ?? null,
        windowText: packet.visitor.callbackWindow ?? null,
        dueAt: window.dueAt,
        windowEndsAt: window.endsAt,
        priority: packet.priority,
        category: packet.category,
        summary: summaryText(packet),
        createdAt: now(),
        updatedAt: now(),
      });
    },

    /** The support_tickets row of a ticket handoff (exactly one per handoff, whatever the helpdesk does). */
    async ensureSupportTicket(packet: HandoffPacket): Promise<{ ticketNumber: string }> {
      if (!packet.ticketNumber) throw new Error(`ticket handoff ${packet.handoffKey} has no ticket number`);
      const row = await repository.ensureSupportTicket({
        ticketNumber: packet.ticketNumber,
        customerEmail: packet.visitor.email ?? null,
        sessionId: packet.sessionId,
        sourceType: packet.source?.type ?? 'web',
        sourceReferenceId: packet.source?.externalId ?? packet.sessionId,
        sourcePhoneNumber: packet.source?.phone ?? packet.visitor.phone ?? null,
        subject: packet.subject,
        description: packet.visitor.description ?? summaryText(packet),
        escalationReason: packet.reason,
        escalationCategory: packet.category,
        priority: packet.priority,
        botDetectedSentiment: packet.sentiment.label,
        customerJourneyStage: packet.journeyStage,
        metadata: {
          summary: summaryText(packet),
          lastMessages: packet.summary,
          keywords: packet.keywords,
          triggers: packet.triggers,
          statePath: packet.statePath,
          stepsTried: packet.stepsTried,
          botConfidence: packet.aiConfidence,
          sentimentScore: packet.sentiment.score,
        },
        idempotencyKey: packet.handoffKey,
      });
      if (!row)
        throw new Error(`support ticket ${packet.ticketNumber} was not recorded (number already taken?)`);
      return row;
    },

    /** Applies a status change if it moves forward; returns whether a row changed. */
    async updateEscalationStatus(
      key: string,
      status: EscalationStatus,
      details: { at: Date; agentId?: string; notes?: string; resolutionCategory?: string },
    ): Promise<boolean> {
      const change: EscalationStatusChange = { status };
      if (status === 'assigned') {
        change.assignedAt = details.at;
        if (details.agentId) change.assignedTo = details.agentId;
      }
      if (status === 'resolved') {
        change.resolvedAt = details.at;
        if (details.agentId) change.assignedToIfUnset = details.agentId;
        if (details.notes !== undefined) change.resolutionSummary = details.notes;
        if (details.resolutionCategory !== undefined) change.resolutionCategory = details.resolutionCategory;
      }
      return repository.changeEscalationStatus(key, change, ALLOWED_FROM[status]);
    },

    /** The handoff a desk's conversation / ticket belongs to: the session and the handoff key. */
    async byExternalId(
      target: TargetName,
      externalId: string,
    ): Promise<{ sessionId: string; handoffKey: string } | null> {
      const row = await repository.byExternalId(target, externalId);
      return row ? { sessionId: row.sessionId, handoffKey: row.key } : null;
    },

    /** Our ticket follows the desk's status (a redelivered change sets the same value again). */
    async setTicketStatus(key: string, status: DeskTicketStatus, at: Date): Promise<boolean> {
      const ours = TICKET_STATUS_OF[status];
      return repository.setTicketStatus(key, {
        status: ours,
        updatedAt: at,
        ...(ours === 'resolved' || ours === 'closed' ? { resolvedAt: at } : {}),
      });
    },

    /** The first operator reply sets first_response_at; later ones leave it alone. */
    setFirstResponse: (key: string, at: Date): Promise<boolean> => repository.setFirstResponse(key, at),
  };
}

export type HandoffRecords = ReturnType<typeof createHandoffRecords>;
