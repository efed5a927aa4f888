// The escalation queue's reads over `escalations` and `escalation_integrations` (written by the handoff
// effects): the filtered, priority-sorted page, a conversation's escalations and deliveries, and the
// counts a waiting visitor's place in the queue is computed from.
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
import type { Priority } from '../detection/detection.types.ts';
import type { Db } from './database.ts';
import { type ESCALATION_STATUSES, escalationIntegrations, escalations } from './schema/index.ts';

export type EscalationRecord = typeof escalations.$inferSelect;
export type EscalationDeliveryRecord = typeof escalationIntegrations.$inferSelect;
export type EscalationRecordStatus = (typeof ESCALATION_STATUSES)[number];

export interface EscalationFilter {
  status: EscalationRecordStatus[];
  priority: Priority[];
  category: string[];
  channel: string[];
  source?: string[];
  assignedTo?: string;
  /** The waiting items and those this operator holds. */
  visibleTo?: string;
  conversationId?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** An escalation with the external live chat holding it (null when it is served here). */
export interface EscalationWithHolder {
  row: EscalationRecord;
  handledIn: string | null;
}

/** A queued live chat's place in the sort order: its priority rank, then age, then id. */
export interface QueuedLiveChat {
  createdAt: Date;
  rank: number;
  id: string;
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

function where(f: EscalationFilter): SQL | undefined {
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

export function createEscalationsRepository(db: Db) {
  return {
    async list(f: EscalationFilter): Promise<{ rows: EscalationWithHolder[]; total: number }> {
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
      return { rows, total: Number(totals[0]?.n ?? 0) };
    },

    /** Every escalation of one conversation, newest first. */
    ofConversation(conversationId: string): Promise<EscalationWithHolder[]> {
      return db
        .select({ row: escalations, handledIn: handledInSql })
        .from(escalations)
        .where(eq(escalations.conversationId, conversationId))
        .orderBy(desc(escalations.createdAt));
    },

    /** The conversation's newest queued live chat that this console serves, if any. */
    async queuedLiveChat(conversationId: string): Promise<QueuedLiveChat | null> {
      const [mine] = await db
        .select({ createdAt: escalations.createdAt, rank: priorityRank, id: escalations.id })
        .from(escalations)
        .where(
          and(eq(escalations.conversationId, conversationId), eq(escalations.status, 'queued'), servedHere),
        )
        .orderBy(desc(escalations.createdAt))
        .limit(1);
      return mine ?? null;
    },

    /** Queued live chats served here that sort before `mine` (more urgent, or as urgent and older). */
    async queuedLiveChatsAhead(mine: QueuedLiveChat): Promise<number> {
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
      return Number(ahead?.n ?? 0);
    },

    /** Seconds from creation to assignment of the last `limit` live chats created since `since`. */
    async recentLiveChatWaits(since: Date, limit: number): Promise<number[]> {
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
        .limit(limit);
      return recent.map((r) => Number(r.waited));
    },

    /** Queued live chats, oldest first, with the key of the effect that queued each. */
    waitingLiveChats(limit: number): Promise<Array<{ conversationId: string; key: string }>> {
      return db
        .select({ conversationId: escalations.conversationId, key: escalations.idempotencyKey })
        .from(escalations)
        .where(and(eq(escalations.status, 'queued'), eq(escalations.channel, 'instant_chat')))
        .orderBy(asc(escalations.createdAt))
        .limit(limit);
    },

    /** Every delivery of the conversation's handoffs, oldest first. */
    deliveries(conversationId: string): Promise<EscalationDeliveryRecord[]> {
      return db
        .select()
        .from(escalationIntegrations)
        .where(eq(escalationIntegrations.conversationId, conversationId))
        .orderBy(asc(escalationIntegrations.createdAt), asc(escalationIntegrations.target));
    },
  };
}

export type EscalationsRepository = ReturnType<typeof createEscalationsRepository>;
