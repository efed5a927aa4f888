// Support tickets as work: the list operators filter, one ticket with its thread (the replies are
// ticket-replies.repository's), guarded status changes (a change applies only if the status is still the
// one it was checked against: two agents never both win), and tickets the service API opens. The only
// module that touches support_tickets rows after the handoff created them.
import { and, asc, count, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Priority } from '../detection/detection.types.ts';
import type { TicketStatus } from '../handoff/ticket.lifecycle.ts';
import type { Db } from './database.ts';
import { supportTickets } from './schema/index.ts';
import { createTicketReplies } from './ticket-replies.repository.ts';

export type { NewReply, TicketReplyRow } from './ticket-replies.repository.ts';

export type TicketRow = typeof supportTickets.$inferSelect;

export interface TicketFilter {
  status: TicketStatus[];
  priority: Priority[];
  category: string[];
  channel: string[];
  /** An operator id, or null for unassigned tickets; undefined for any. */
  assignee?: string | null;
  q?: string;
  page: number;
  pageSize: number;
}

export interface TicketPatch {
  status?: TicketStatus;
  assignedToAgentId?: string | null;
  priority?: Priority;
  resolutionNotes?: string;
  resolutionCategory?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const priorityRank = sql<number>`case ${supportTickets.priority} when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 else 1 end`;

/** The tickets a filter shows; undefined for all of them. */
function filterCondition(f: TicketFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (f.status.length) conditions.push(inArray(supportTickets.status, f.status));
  if (f.priority.length) conditions.push(inArray(supportTickets.priority, f.priority));
  if (f.category.length) conditions.push(inArray(supportTickets.escalationCategory, f.category));
  if (f.channel.length) conditions.push(inArray(supportTickets.sourceType, f.channel));
  if (f.assignee === null) conditions.push(isNull(supportTickets.assignedToAgentId));
  else if (f.assignee) conditions.push(eq(supportTickets.assignedToAgentId, f.assignee));
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const search = or(
      sql`${supportTickets.ticketNumber} ilike ${like}`,
      sql`${supportTickets.subject} ilike ${like}`,
      sql`${supportTickets.description} ilike ${like}`,
      sql`${supportTickets.customerEmail} ilike ${like}`,
      sql`${supportTickets.sourcePhoneNumber} ilike ${like}`,
    );
    if (search) conditions.push(search);
  }
  return conditions.length ? and(...conditions) : undefined;
}

/** The columns a patch changes at `at`; resolving stamps resolved_at, reopening clears it. */
function changesOf(patch: TicketPatch, at: Date): PgUpdateSetSource<typeof supportTickets> {
  const set: PgUpdateSetSource<typeof supportTickets> = { updatedAt: at };
  if (patch.status) set.status = patch.status;
  if (patch.assignedToAgentId !== undefined) set.assignedToAgentId = patch.assignedToAgentId;
  if (patch.priority) set.priority = patch.priority;
  if (patch.resolutionNotes !== undefined) set.resolutionNotes = patch.resolutionNotes;
  if (patch.resolutionCategory !== undefined) set.resolutionCategory = patch.resolutionCategory;
  if (patch.status === 'resolved') set.resolvedAt = at;
  if (patch.status === 'in_progress' || patch.status === 'open') set.resolvedAt = null;
  return set;
}

export function createTicketsRepository(db: Db, now: () => Date) {
  return {
    ...createTicketReplies(db, now),

    async list(f: TicketFilter): Promise<{ rows: TicketRow[]; total: number }> {
      const condition = filterCondition(f);
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(supportTickets)
          .where(condition)
          .orderBy(desc(priorityRank), asc(supportTickets.createdAt), asc(supportTickets.id))
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize),
        db.select({ n: count() }).from(supportTickets).where(condition),
      ]);
      return { rows, total: Number(totals[0]?.n ?? 0) };
    },

    /** By id (uuid) or number (TKT-2026-0001). */
    async get(ref: string): Promise<TicketRow | null> {
      const condition = UUID.test(ref)
        ? eq(supportTickets.id, ref)
        : eq(supportTickets.ticketNumber, ref.toUpperCase());
      const [row] = await db.select().from(supportTickets).where(condition).limit(1);
      return row ?? null;
    },

    async ofSession(sessionId: string): Promise<TicketRow | null> {
      const [row] = await db
        .select()
        .from(supportTickets)
        .where(eq(supportTickets.sessionId, sessionId))
        .orderBy(desc(supportTickets.createdAt))
        .limit(1);
      return row ?? null;
    },

    /**
     * Applies the patch only while the ticket is still in `expected` status and held by `expectedAssignee`
     * (what the caller checked its rules against); null when someone else changed it first.
     */
    async update(
      id: string,
      expected: { status: TicketStatus; assignee: string | null },
      patch: TicketPatch,
    ): Promise<TicketRow | null> {
      const [row] = await db
        .update(supportTickets)
        .set(changesOf(patch, now()))
        .where(
          and(
            eq(supportTickets.id, id),
            eq(supportTickets.status, expected.status),
            expected.assignee === null
              ? isNull(supportTickets.assignedToAgentId)
              : eq(supportTickets.assignedToAgentId, expected.assignee),
          ),
        )
        .returning();
      return row ?? null;
    },

    /** The first public agent reply sets first_response_at; later ones leave it alone. */
    async markFirstResponse(id: string, at: Date): Promise<void> {
      await db
        .update(supportTickets)
        .set({ firstResponseAt: at })
        .where(and(eq(supportTickets.id, id), isNull(supportTickets.firstResponseAt)));
    },

    async byIdempotencyKey(key: string): Promise<TicketRow | null> {
      const [row] = await db.select().from(supportTickets).where(eq(supportTickets.idempotencyKey, key));
      return row ?? null;
    },

    /** A ticket opened by another system (the service API); the same key answers the same ticket. */
    async createIdempotent(values: typeof supportTickets.$inferInsert & { idempotencyKey: string }) {
      const inserted = await db
        .insert(supportTickets)
        .values(values)
        .onConflictDoNothing({ target: supportTickets.idempotencyKey })
        .returning();
      if (inserted[0]) return { created: true, row: inserted[0] };
      const [existing] = await db
        .select()
        .from(supportTickets)
        .where(eq(supportTickets.idempotencyKey, values.idempotencyKey));
      if (!existing) throw new Error(`ticket ${values.idempotencyKey} neither inserted nor found`);
      return { created: false, row: existing };
    },
  };
}

export type TicketsRepository = ReturnType<typeof createTicketsRepository>;
