// The escalation queue as the console reads it: rows of the `escalations` table (written by the handoff
// effects), filtered, sorted by priority then waiting time, paged; and a visitor's place in that queue.
import { PRIORITIES, type Priority } from '../detection/detection.types.ts';
import { deskSummary } from '../handoff/desk/desk.records.ts';
import { deliveryStatus } from '../handoff/handoff.records.ts';
import { targetLabel } from '../handoff/handoff.target.ts';
import type {
  EscalationFilter,
  EscalationRecord,
  EscalationRecordStatus,
  EscalationsRepository,
} from '../storage/escalations.repository.ts';

export type EscalationStatus = EscalationRecordStatus;
export type SlaSeconds = Record<Priority, number>;

export type QueueFilter = EscalationFilter;

/** Where one handoff went: the built-in console, a vendor (SalesIQ chat, Zendesk ticket …) or a record. */
export interface DeliveryItem {
  escalationId: string | null;
  target: string;
  status: 'pending' | 'delivered' | 'failed';
  externalId: string | null;
  externalUrl: string | null;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  deskStatus: string | null;
  deskSummary: string | null;
}

export interface EscalationItem {
  id: string;
  conversationId: string;
  segment: number;
  channel: string;
  source: { type: string; phone: string | null };
  status: EscalationStatus;
  priority: Priority;
  category: string | null;
  subject: string | null;
  summary: string;
  triggers: string[];
  keywords: string[];
  sentiment: { label: string | null; score: number | null };
  journeyStage: string | null;
  aiConfidence: number | null;
  assignedTo: string | null;
  resolutionSummary: string | null;
  resolutionCategory: string | null;
  createdAt: string;
  assignedAt: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  /** When the first agent reply is due (created + the priority's SLA). */
  slaDueAt: string;
  /** The external live chat (salesiq) holding this escalation, or null when it is served here. */
  handledIn: string | null;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
const asPriority = (p: string): Priority => (PRIORITIES.includes(p as Priority) ? (p as Priority) : 'low');

/**
 * The external live chat (SalesIQ) that holds this escalation while it is an open live chat: its human is
 * there, so taking it in the console too would give the visitor two agents. A delivery still being retried
 * counts (it will land); one that failed for good does not (see `handledInSql`).
 */
export function liveChatElsewhere(latest: EscalationItem | null): string | null {
  if (latest?.channel !== 'instant_chat') return null;
  if (latest.status !== 'queued' && latest.status !== 'assigned') return null;
  return latest.handledIn;
}

export function createEscalationQueue(
  repository: EscalationsRepository,
  options: { sla: SlaSeconds; now: () => Date },
) {
  function toItem(row: EscalationRecord, handledIn: string | null): EscalationItem {
    const priority = asPriority(row.priority);
    return {
      id: row.id,
      conversationId: row.conversationId,
      segment: row.segment,
      channel: row.channel,
      source: { type: row.sourceType, phone: row.sourcePhoneNumber },
      status: row.status,
      priority,
      category: row.category,
      subject: row.subject,
      summary: row.summary,
      triggers: strings(row.triggers),
      keywords: strings(row.keywords),
      sentiment: { label: row.customerSentiment, score: row.sentimentScore },
      journeyStage: row.journeyStage,
      aiConfidence: row.aiConfidence,
      assignedTo: row.assignedTo,
      resolutionSummary: row.resolutionSummary,
      resolutionCategory: row.resolutionCategory,
      createdAt: row.createdAt.toISOString(),
      assignedAt: row.assignedAt?.toISOString() ?? null,
      firstResponseAt: row.firstResponseAt?.toISOString() ?? null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      slaDueAt: new Date(row.createdAt.getTime() + options.sla[priority] * 1000).toISOString(),
      handledIn,
    };
  }

  async function list(f: QueueFilter): Promise<{ items: EscalationItem[]; total: number }> {
    const { rows, total } = await repository.list(f);
    return { items: rows.map((r) => toItem(r.row, r.handledIn)), total };
  }

  /** Every escalation of one conversation, newest first. */
  async function ofConversation(conversationId: string): Promise<EscalationItem[]> {
    const rows = await repository.ofConversation(conversationId);
    return rows.map((r) => toItem(r.row, r.handledIn));
  }

  /**
   * Where a waiting visitor stands: 1 + the queued live chats this console serves before theirs (more
   * urgent, or as urgent and waiting longer). Tickets and callbacks are not ahead of anyone, nor are chats
   * SalesIQ holds; a visitor whose own chat SalesIQ holds has no place in this queue (null). The wait
   * estimate is the average time to assignment of the last 20 live chats of the past day times the
   * position; null while there is no such history.
   */
  async function position(
    conversationId: string,
  ): Promise<{ position: number; estimatedWaitSeconds: number | null } | null> {
    const mine = await repository.queuedLiveChat(conversationId);
    if (!mine) return null;
    const ahead = await repository.queuedLiveChatsAhead(mine);
    const since = new Date(options.now().getTime() - 24 * 3600 * 1000);
    const recent = await repository.recentLiveChatWaits(since, 20);
    const place = ahead + 1;
    const waits = recent.filter((w) => Number.isFinite(w) && w >= 0);
    const average = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
    return {
      position: place,
      estimatedWaitSeconds: average === null ? null : Math.max(30, Math.round(average * place)),
    };
  }

  /** Every delivery of the conversation's handoffs, oldest first. */
  async function deliveries(conversationId: string): Promise<DeliveryItem[]> {
    const rows = await repository.deliveries(conversationId);
    return rows.map((row) => ({
      escalationId: row.escalationId,
      target: row.target,
      status: deliveryStatus(row.status),
      externalId: row.externalId,
      externalUrl: row.externalUrl,
      attempts: row.attempts,
      lastError: row.lastError,
      updatedAt: row.updatedAt.toISOString(),
      deskStatus: row.deskStatus,
      deskSummary: deskSummary(
        row.target,
        targetLabel(row.target),
        row.externalId,
        row.deskStatus,
        row.deskAgent,
      ),
    }));
  }

  /** The external live chat holding the conversation's open live chat, if any (see `liveChatElsewhere`). */
  async function externalLiveChat(conversationId: string): Promise<string | null> {
    const [latest] = await ofConversation(conversationId);
    return liveChatElsewhere(latest ?? null);
  }

  return { list, ofConversation, deliveries, externalLiveChat, position };
}

export type EscalationQueue = ReturnType<typeof createEscalationQueue>;
