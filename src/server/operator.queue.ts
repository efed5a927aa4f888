// The escalation queue as the console reads it: rows of the `escalations` table (written by the handoff
// effects), filtered, sorted by priority then waiting time, paged; and a visitor's place in that queue.
import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableName,
  gte,
  inArray,
  isNotNull,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { PRIORITIES, type Priority } from '../detection/detection.types.ts';
import { deskSummary } from '../handoff/desk/desk.records.ts';
import { deliveryStatus } from '../handoff/handoff.records.ts';
import { targetLabel } from '../handoff/handoff.target.ts';
import type { Db } from '../storage/database.ts';
import { type ESCALATION_STATUSES, escalationIntegrations, escalations } from '../storage/schema/index.ts';

export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
export type SlaSeconds = Record<Priority, number>;

export interface QueueFilter {
  status: EscalationStatus[];
  priority: Priority[];
  category: string[];
  channel: string[];
  /** Where the visitor wrote from (web, whatsapp, evolution, salesiq). */
  source?: string[];
  assignedTo?: string;
  /** An agent's view (the read policy): the waiting items and their own, nothing a colleague holds. */
  visibleTo?: string;
  conversationId?: string;
  q?: string;
  page: number;
  pageSize: number;
}

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

/** Higher number, more urgent: the sort key for "priority first". */
const priorityRank = sql<number>`case ${escalations.priority} when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 else 1 end`;

/** The external live chat holding an escalation: a SalesIQ delivery that has not failed for good. */
// The outer row's id is spelled out with its table: in a select list drizzle renders `${escalations.id}`
// as a bare "id", which inside the subquery would mean the integration's own id.
const escalationId = sql`${sql.identifier(getTableName(escalations))}.${sql.identifier('id')}`;
const handledInSql = sql<string | null>`(select i.target from ${escalationIntegrations} i
  where i.escalation_id = ${escalationId} and i.target in ('salesiq') and i.status in ('pending', 'delivered')
  limit 1)`;

/** Live chats our operators serve: the ones a visitor waits for in this console's queue. */
const servedHere = sql`(${escalations.channel} = 'instant_chat' and ${handledInSql} is null)`;

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

export function createEscalationQueue(db: Db, options: { sla: SlaSeconds; now: () => Date }) {
  function toItem(row: typeof escalations.$inferSelect, handledIn: string | null): EscalationItem {
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

  function where(f: QueueFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (f.status.length) conditions.push(inArray(escalations.status, f.status));
    if (f.priority.length) conditions.push(inArray(escalations.priority, f.priority));
    if (f.category.length) conditions.push(inArray(escalations.category, f.category));
    if (f.channel.length) conditions.push(inArray(escalations.channel, f.channel));
    if (f.source?.length) conditions.push(inArray(escalations.sourceType, f.source));
    if (f.assignedTo) conditions.push(eq(escalations.assignedTo, f.assignedTo));
    if (f.visibleTo) {
      const visible = or(eq(escalations.status, 'queued'), eq(escalations.assignedTo, f.visibleTo));
      if (visible) conditions.push(visible);
    }
    if (f.conversationId) conditions.push(eq(escalations.conversationId, f.conversationId));
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(
        sql`(${escalations.summary} ilike ${like} or ${escalations.subject} ilike ${like} or ${escalations.conversationId} ilike ${like} or ${escalations.category} ilike ${like} or ${escalations.keywords}::text ilike ${like})`,
      );
    }
    return conditions.length ? and(...conditions) : undefined;
  }

  async function list(f: QueueFilter): Promise<{ items: EscalationItem[]; total: number }> {
    const condition = where(f);
    const [rows, totals] = await Promise.all([
      db
        .select({ row: escalations, handledIn: handledInSql })
        .from(escalations)
        .where(condition)
        .orderBy(desc(priorityRank), asc(escalations.createdAt), asc(escalations.id))
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize),
      db.select({ n: count() }).from(escalations).where(condition),
    ]);
    return { items: rows.map((r) => toItem(r.row, r.handledIn)), total: Number(totals[0]?.n ?? 0) };
  }

  /** Every escalation of one conversation, newest first. */
  async function ofConversation(conversationId: string): Promise<EscalationItem[]> {
    const rows = await db
      .select({ row: escalations, handledIn: handledInSql })
      .from(escalations)
      .where(eq(escalations.conversationId, conversationId))
      .orderBy(desc(escalations.createdAt));
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
    const [mine] = await db
      .select({ createdAt: escalations.createdAt, rank: priorityRank, id: escalations.id })
      .from(escalations)
      .where(
        and(eq(escalations.conversationId, conversationId), eq(escalations.status, 'queued'), servedHere),
      )
      .orderBy(desc(escalations.createdAt))
      .limit(1);
    if (!mine) return null;
    const [ahead] = await db
      .select({ n: count() })
      .from(escalations)
      .where(
        and(
          eq(escalations.status, 'queued'),
          servedHere,
          sql`(${priorityRank} > ${mine.rank} or (${priorityRank} = ${mine.rank} and (${escalations.createdAt}, ${escalations.id}) < (${mine.createdAt}, ${mine.id})))`,
        ),
      );
    const since = new Date(options.now().getTime() - 24 * 3600 * 1000);
    const recent = await db
      .select({
        waited: sql<number>`extract(epoch from (${escalations.assignedAt} - ${escalations.createdAt}))::float8`,
      })
      .from(escalations)
      .where(
        and(
          isNotNull(escalations.assignedAt),
          gte(escalations.createdAt, since),
          eq(escalations.channel, 'instant_chat'),
        ),
      )
      .orderBy(desc(escalations.assignedAt))
      .limit(20);
    const place = Number(ahead?.n ?? 0) + 1;
    const waits = recent.map((r) => Number(r.waited)).filter((w) => Number.isFinite(w) && w >= 0);
    const average = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
    return {
      position: place,
      estimatedWaitSeconds: average === null ? null : Math.max(30, Math.round(average * place)),
    };
  }

  /** Every delivery of the conversation's handoffs, oldest first. */
  async function deliveries(conversationId: string): Promise<DeliveryItem[]> {
    const rows = await db
      .select()
      .from(escalationIntegrations)
      .where(eq(escalationIntegrations.conversationId, conversationId))
      .orderBy(asc(escalationIntegrations.createdAt), asc(escalationIntegrations.target));
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
