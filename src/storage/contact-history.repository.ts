// Everything we remember about one person, newest first in every list: their conversations (with the
// session's state), tickets, callbacks, leads, activities, satisfaction ratings and merges; and, for an
// export, the transcript of their conversations.
import { asc, type Column, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Contact } from '../contacts/contact.types.ts';
import { conversationIdsOf } from './contact-links.repository.ts';
import type { Db } from './database.ts';
import {
  activities,
  callbacks,
  contactMerges,
  conversations,
  leads,
  messages,
  satisfactionRatings,
  sessions,
  supportTickets,
} from './schema/index.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Whether `column` holds one of these session ids (never, for none). */
const inSessions = (column: Column, sessionIds: string[]) =>
  sessionIds.length > 0 ? inArray(column, sessionIds) : sql`false`;

async function conversationItems(db: Db, contactId: string) {
  const rows = await db
    .select({
      sessionId: conversations.sessionId,
      channel: conversations.channel,
      handoverRequested: conversations.handoverRequested,
      handoverTimestamp: conversations.handoverTimestamp,
      handoverReason: conversations.handoverReason,
      createdAt: conversations.createdAt,
      state: sessions.state,
      messageCount: sessions.messageCount,
      lastActivityAt: sessions.updatedAt,
    })
    .from(conversations)
    .leftJoin(sessions, eq(sessions.id, conversations.sessionId))
    .where(eq(conversations.contactId, contactId))
    .orderBy(desc(conversations.createdAt));
  return rows.map((c) => ({
    sessionId: c.sessionId,
    channel: c.channel,
    state: c.state,
    messageCount: c.messageCount,
    handoverRequested: c.handoverRequested,
    handoverTimestamp: iso(c.handoverTimestamp),
    handoverReason: c.handoverReason,
    createdAt: c.createdAt.toISOString(),
    lastActivityAt: iso(c.lastActivityAt),
  }));
}

/** The tickets of these conversations, and those opened with the contact's e-mail address. */
async function ticketItems(db: Db, sessionIds: string[], email: string | null) {
  const rows = await db
    .select()
    .from(supportTickets)
    .where(
      or(
        inSessions(supportTickets.sessionId, sessionIds),
        ...(email ? [eq(supportTickets.customerEmail, email)] : []),
      ),
    )
    .orderBy(desc(supportTickets.createdAt));
  return rows.map((t) => ({
    id: t.id,
    ticketNumber: t.ticketNumber,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    sessionId: t.sessionId,
    createdAt: t.createdAt.toISOString(),
    resolvedAt: iso(t.resolvedAt),
  }));
}

async function callbackItems(db: Db, sessionIds: string[]) {
  const rows = await db
    .select()
    .from(callbacks)
    .where(inSessions(callbacks.sessionId, sessionIds))
    .orderBy(desc(callbacks.createdAt));
  return rows.map((c) => ({
    id: c.id,
    sessionId: c.sessionId,
    phone: c.phone,
    windowText: c.windowText,
    dueAt: c.dueAt.toISOString(),
    status: c.status,
    priority: c.priority,
    createdAt: c.createdAt.toISOString(),
  }));
}

async function leadItems(db: Db, contactId: string) {
  const rows = await db
    .select()
    .from(leads)
    .where(eq(leads.contactId, contactId))
    .orderBy(desc(leads.createdAt));
  return rows.map((l) => ({
    id: l.id,
    conversationId: l.conversationId,
    status: l.status,
    handoverRequested: l.handoverRequested,
    handoverTrigger: l.handoverTrigger,
    handoverTimestamp: l.handoverTimestamp.toISOString(),
    handoverOption: l.handoverOption,
    priority: l.priority,
    source: l.source,
  }));
}

async function activityItems(db: Db, contactId: string) {
  const rows = await db
    .select()
    .from(activities)
    .where(eq(activities.contactId, contactId))
    .orderBy(desc(activities.createdAt), desc(activities.id));
  return rows.map((a) => ({
    id: a.id,
    type: a.type,
    title: a.title,
    description: a.description,
    metadata: a.metadata,
    conversationId: a.conversationId,
    createdAt: a.createdAt.toISOString(),
  }));
}

async function satisfactionItems(db: Db, sessionIds: string[]) {
  const rows = await db
    .select()
    .from(satisfactionRatings)
    .where(inSessions(satisfactionRatings.sessionId, sessionIds))
    .orderBy(desc(satisfactionRatings.createdAt));
  return rows.map((r) => ({
    sessionId: r.sessionId,
    rating: r.rating,
    comment: r.comment,
    agentId: r.agentId,
    channel: r.channel,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** The merges this contact took part in, either side. */
async function mergeItems(db: Db, contactId: string) {
  const rows = await db
    .select()
    .from(contactMerges)
    .where(or(eq(contactMerges.targetId, contactId), eq(contactMerges.sourceId, contactId)))
    .orderBy(desc(contactMerges.createdAt));
  return rows.map((m) => ({
    id: m.id,
    targetId: m.targetId,
    sourceId: m.sourceId,
    reason: m.reason,
    mergedBy: m.mergedBy,
    createdAt: m.createdAt.toISOString(),
    undoneAt: iso(m.undoneAt),
  }));
}

export async function contactHistory(db: Db, contact: Contact) {
  const ids = await conversationIdsOf(db, [contact.id]);
  const [convs, tickets, calls, leadList, activityList, satisfaction, merges] = await Promise.all([
    conversationItems(db, contact.id),
    ticketItems(db, ids, contact.email),
    callbackItems(db, ids),
    leadItems(db, contact.id),
    activityItems(db, contact.id),
    satisfactionItems(db, ids),
    mergeItems(db, contact.id),
  ]);
  return {
    contact,
    conversations: convs,
    tickets,
    callbacks: calls,
    leads: leadList,
    activities: activityList,
    satisfaction,
    merges,
  };
}

/** Every message of these conversations, conversation by conversation, in order. */
export async function transcriptOf(db: Db, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .select({
      sessionId: messages.sessionId,
      seq: messages.seq,
      role: messages.role,
      text: messages.text,
      at: messages.createdAt,
    })
    .from(messages)
    .where(inArray(messages.sessionId, sessionIds))
    .orderBy(asc(messages.sessionId), asc(messages.seq));
  return rows.map((m) => ({ ...m, at: m.at.toISOString() }));
}
