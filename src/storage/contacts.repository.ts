// Reading and editing contacts: search by phone, e-mail or name; one contact with its whole history
// (identities, conversations, tickets, callbacks, leads, activities, satisfaction); tier, tags and custom
// fields; the facts the customer priority rules read; and the audit trail of what admins did.
import { and, desc, eq, gte, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import { normalizeIdentity } from '../contacts/contact.identity.ts';
import { survivorOf } from '../contacts/contact.linker.ts';
import type {
  Contact,
  ContactIdentity,
  ContactReader,
  CustomerFacts,
  IdentityKind,
} from '../contacts/contact.types.ts';
import type { Db } from './database.ts';
import {
  activities,
  auditLog,
  callbacks,
  contactIdentities,
  contactMerges,
  contacts,
  conversations,
  escalations,
  leads,
  satisfactionRatings,
  sessions,
  supportTickets,
} from './schema/index.ts';

type ContactRow = typeof contacts.$inferSelect;

export interface ContactPatch {
  name?: string | null;
  tier?: string;
  lifetimeValue?: number;
  tags?: string[];
  /** Merged into the existing fields; a null value removes that field. */
  customFields?: Record<string, unknown>;
}

export interface AuditEntry {
  actorId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

function contactOf(row: ContactRow, identities: ContactIdentity[]): Contact {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    lifetimeValue: row.lifetimeValue,
    tags: row.tags,
    customFields: row.customFields,
    leadScore: row.leadScore,
    phone: row.phone,
    email: row.email,
    identities,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function createContactsRepository(db: Db, now: () => Date) {
  async function identitiesOf(ids: string[]): Promise<Map<string, ContactIdentity[]>> {
    const byContact = new Map<string, ContactIdentity[]>();
    if (ids.length === 0) return byContact;
    const rows = await db
      .select()
      .from(contactIdentities)
      .where(inArray(contactIdentities.contactId, ids))
      .orderBy(contactIdentities.createdAt, contactIdentities.kind);
    for (const r of rows) {
      const list = byContact.get(r.contactId) ?? [];
      list.push({ kind: r.kind as IdentityKind, value: r.value });
      byContact.set(r.contactId, list);
    }
    return byContact;
  }

  async function withIdentities(rows: ContactRow[]): Promise<Contact[]> {
    const identities = await identitiesOf(rows.map((r) => r.id));
    return rows.map((r) => contactOf(r, identities.get(r.id) ?? []));
  }

  /** The live contact with this id, following merges (null when unknown or erased). */
  async function get(id: string): Promise<Contact | null> {
    const row = await survivorOf(db, id);
    if (!row || row.erasedAt) return null;
    const [contact] = await withIdentities([row]);
    return contact ?? null;
  }

  async function contactIdOfConversation(sessionId: string): Promise<string | null> {
    const [row] = await db
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .where(eq(conversations.sessionId, sessionId));
    if (!row?.contactId) return null;
    const survivor = await survivorOf(db, row.contactId);
    return survivor && !survivor.erasedAt ? survivor.id : null;
  }

  async function contactOfConversation(sessionId: string): Promise<Contact | null> {
    const id = await contactIdOfConversation(sessionId);
    return id ? get(id) : null;
  }

  /** The contact owning one of these identities (the first that has one). */
  async function byIdentity(identities: ContactIdentity[]): Promise<string | null> {
    for (const identity of identities) {
      const [row] = await db
        .select({ contactId: contactIdentities.contactId })
        .from(contactIdentities)
        .where(and(eq(contactIdentities.kind, identity.kind), eq(contactIdentities.value, identity.value)));
      if (row) {
        const survivor = await survivorOf(db, row.contactId);
        if (survivor && !survivor.erasedAt) return survivor.id;
      }
    }
    return null;
  }

  /** Contacts matching a phone number, an e-mail address or part of a name; 50 at most. */
  async function search(q: string): Promise<Contact[]> {
    const text = q.trim();
    const phone = normalizeIdentity('phone', text);
    const email = normalizeIdentity('email', text);
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const byIdentity = db
      .select({ id: contactIdentities.contactId })
      .from(contactIdentities)
      .where(
        or(
          ...(phone.ok ? [eq(contactIdentities.value, phone.identity.value)] : []),
          ...(email.ok ? [eq(contactIdentities.value, email.identity.value)] : []),
          sql`${contactIdentities.value} ilike ${like}`,
        ),
      );
    const rows = await db
      .select()
      .from(contacts)
      .where(
        and(
          isNull(contacts.mergedInto),
          isNull(contacts.erasedAt),
          text.length === 0
            ? sql`true`
            : or(sql`${contacts.name} ilike ${like}`, inArray(contacts.id, byIdentity)),
        ),
      )
      .orderBy(desc(contacts.updatedAt))
      .limit(50);
    return withIdentities(rows);
  }

  /** The session ids of a contact's conversations. */
  async function conversationIds(contactId: string): Promise<string[]> {
    const rows = await db
      .select({ id: conversations.sessionId })
      .from(conversations)
      .where(eq(conversations.contactId, contactId));
    return rows.map((r) => r.id);
  }

  /** Everything we remember about one person, newest first in every list. */
  async function history(id: string) {
    const contact = await get(id);
    if (!contact) return null;
    const ids = await conversationIds(contact.id);
    const inConversations = <T>(column: T) => (ids.length > 0 ? inArray(column as never, ids) : sql`false`);
    const [convs, tickets, calls, leadRows, activityRows, ratings, merges] = await Promise.all([
      db
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
        .where(eq(conversations.contactId, contact.id))
        .orderBy(desc(conversations.createdAt)),
      db
        .select()
        .from(supportTickets)
        .where(
          or(
            inConversations(supportTickets.sessionId),
            ...(contact.email ? [eq(supportTickets.customerEmail, contact.email)] : []),
          ),
        )
        .orderBy(desc(supportTickets.createdAt)),
      db
        .select()
        .from(callbacks)
        .where(inConversations(callbacks.sessionId))
        .orderBy(desc(callbacks.createdAt)),
      db.select().from(leads).where(eq(leads.contactId, contact.id)).orderBy(desc(leads.createdAt)),
      db
        .select()
        .from(activities)
        .where(eq(activities.contactId, contact.id))
        .orderBy(desc(activities.createdAt), desc(activities.id)),
      db
        .select()
        .from(satisfactionRatings)
        .where(inConversations(satisfactionRatings.sessionId))
        .orderBy(desc(satisfactionRatings.createdAt)),
      db
        .select()
        .from(contactMerges)
        .where(or(eq(contactMerges.targetId, contact.id), eq(contactMerges.sourceId, contact.id)))
        .orderBy(desc(contactMerges.createdAt)),
    ]);
    return {
      contact,
      conversations: convs.map((c) => ({
        sessionId: c.sessionId,
        channel: c.channel,
        state: c.state,
        messageCount: c.messageCount,
        handoverRequested: c.handoverRequested,
        handoverTimestamp: iso(c.handoverTimestamp),
        handoverReason: c.handoverReason,
        createdAt: c.createdAt.toISOString(),
        lastActivityAt: iso(c.lastActivityAt),
      })),
      tickets: tickets.map((t) => ({
        id: t.id,
        ticketNumber: t.ticketNumber,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        sessionId: t.sessionId,
        createdAt: t.createdAt.toISOString(),
        resolvedAt: iso(t.resolvedAt),
      })),
      callbacks: calls.map((c) => ({
        id: c.id,
        sessionId: c.sessionId,
        phone: c.phone,
        windowText: c.windowText,
        dueAt: c.dueAt.toISOString(),
        status: c.status,
        priority: c.priority,
        createdAt: c.createdAt.toISOString(),
      })),
      leads: leadRows.map((l) => ({
        id: l.id,
        conversationId: l.conversationId,
        status: l.status,
        handoverRequested: l.handoverRequested,
        handoverTrigger: l.handoverTrigger,
        handoverTimestamp: l.handoverTimestamp.toISOString(),
        handoverOption: l.handoverOption,
        priority: l.priority,
        source: l.source,
      })),
      activities: activityRows.map((a) => ({
        id: a.id,
        type: a.type,
        title: a.title,
        description: a.description,
        metadata: a.metadata,
        conversationId: a.conversationId,
        createdAt: a.createdAt.toISOString(),
      })),
      satisfaction: ratings.map((r) => ({
        sessionId: r.sessionId,
        rating: r.rating,
        comment: r.comment,
        agentId: r.agentId,
        channel: r.channel,
        createdAt: r.createdAt.toISOString(),
      })),
      merges: merges.map((m) => ({
        id: m.id,
        targetId: m.targetId,
        sourceId: m.sourceId,
        reason: m.reason,
        mergedBy: m.mergedBy,
        createdAt: m.createdAt.toISOString(),
        undoneAt: iso(m.undoneAt),
      })),
    };
  }

  async function patch(id: string, change: ContactPatch): Promise<Contact | null> {
    const current = await survivorOf(db, id);
    if (!current || current.erasedAt) return null;
    const fields = { ...current.customFields };
    for (const [key, value] of Object.entries(change.customFields ?? {}))
      if (value === null) delete fields[key];
      else fields[key] = value;
    await db
      .update(contacts)
      .set({
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.tier !== undefined ? { tier: change.tier } : {}),
        ...(change.lifetimeValue !== undefined ? { lifetimeValue: change.lifetimeValue } : {}),
        ...(change.tags !== undefined ? { tags: [...new Set(change.tags)] } : {}),
        ...(change.customFields !== undefined ? { customFields: fields } : {}),
        updatedAt: now(),
      })
      .where(eq(contacts.id, current.id));
    return get(current.id);
  }

  /**
   * What the priority rules know about the person in a conversation: found through the conversation's link,
   * or else through the identities the visitor has shown (the link is written after the turn that showed
   * them). Null for a visitor nobody knows.
   */
  async function factsFor(
    sessionId: string,
    identities: ContactIdentity[],
    recentDays: number,
  ): Promise<CustomerFacts | null> {
    const contactId = (await contactIdOfConversation(sessionId)) ?? (await byIdentity(identities));
    if (!contactId) return null;
    const [row] = await db.select().from(contacts).where(eq(contacts.id, contactId));
    if (!row) return null;
    const ids = await conversationIds(contactId);
    const since = new Date(now().getTime() - recentDays * 86_400_000);
    const [open] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(supportTickets)
      .where(
        and(
          or(
            ids.length > 0 ? inArray(supportTickets.sessionId, ids) : sql`false`,
            ...(row.email ? [eq(supportTickets.customerEmail, row.email)] : []),
          ),
          notInArray(supportTickets.status, ['resolved', 'closed']),
        ),
      );
    const [recent] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(escalations)
      .where(
        and(
          ids.length > 0 ? inArray(escalations.conversationId, ids) : sql`false`,
          gte(escalations.createdAt, since),
        ),
      );
    return {
      contactId,
      tier: row.tier,
      lifetimeValue: row.lifetimeValue,
      openTickets: open?.n ?? 0,
      recentEscalations: recent?.n ?? 0,
    };
  }

  async function audit(entry: AuditEntry): Promise<void> {
    await db.insert(auditLog).values({ ...entry, details: entry.details ?? {}, at: now() });
  }

  async function auditOf(subjectId: string) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'contact'), eq(auditLog.subjectId, subjectId)))
      .orderBy(desc(auditLog.at));
    return rows.map((r) => ({
      actorId: r.actorId,
      action: r.action,
      details: r.details,
      at: r.at.toISOString(),
    }));
  }

  const reader: ContactReader = { get, contactOfConversation };
  return { ...reader, search, history, patch, factsFor, byIdentity, conversationIds, audit, auditOf };
}

export type ContactsRepository = ReturnType<typeof createContactsRepository>;
