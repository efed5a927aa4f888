// What a handoff packet puts into its rows: the escalation, the callback of a callback handoff and the
// support ticket of a ticket handoff. Pure mappings; the statements are in src/storage.
import type { CallbacksRepository } from '../../storage/callbacks.repository.ts';
import type {
  NewEscalationRecord,
  NewSupportTicketRecord,
} from '../../storage/handoff-records.repository.ts';
import { callbackWindow } from '../callback.window.ts';
import { type HandoffPacket, summaryText } from '../packet.ts';

type NewCallback = Parameters<CallbacksRepository['schedule']>[0];

function escalatedAt(packet: HandoffPacket, now: () => Date): Date {
  const at = new Date(packet.createdAt);
  return Number.isNaN(at.getTime()) ? now() : at;
}

export function escalationRow(packet: HandoffPacket, now: () => Date): NewEscalationRecord {
  return {
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
  };
}

/** Due when the visitor's window opens. */
export function callbackRow(packet: HandoffPacket, escalationId: string, now: () => Date): NewCallback {
  const window = callbackWindow(packet.visitor.callbackWindow, new Date(packet.createdAt));
  return {
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
  };
}

export function supportTicketRow(packet: HandoffPacket, ticketNumber: string): NewSupportTicketRecord {
  return {
    ticketNumber,
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
  };
}
