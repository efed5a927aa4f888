// Reading and editing contacts: search by phone, e-mail or name; one contact with its whole history
// (identities, conversations, tickets, callbacks, leads, activities, satisfaction); tier, tags and custom
// fields; the facts the customer priority rules read; and the audit trail of what admins did.
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { normalizeIdentity } from '../contacts/contact.identity.ts';
import type {
  Contact,
  ContactIdentity,
  ContactReader,
  CustomerFacts,
  IdentityKind,
} from '../contacts/contact.types.ts';
import { type AuditEntry, contactAuditOf, recordAudit } from './contact-audit.repository.ts';
import { contactHistory } from './contact-history.repository.ts';
import {
  type ContactRow,
  contactOfConversationRow,
  conversationIdsOf,
  survivorOf,
  updateContact,
} from './contact-links.repository.ts';
import { customerFactsOf } from './customer-facts.repository.ts';
import type { Db } from './database.ts';
import { contactIdentities, contacts } from './schema/index.ts';

export type { AuditEntry } from './contact-audit.repository.ts';

export interface ContactPatch {
  name?: string | null;
  tier?: string;
  lifetimeValue?: number;
  tags?: string[];
  /** Merged into the existing fields; a null value removes that field. */
  customFields?: Record<string, unknown>;
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

async function identitiesOf(db: Db, ids: string[]): Promise<Map<string, ContactIdentity[]>> {
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

async function withIdentities(db: Db, rows: ContactRow[]): Promise<Contact[]> {
  const identities = await identitiesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => contactOf(r, identities.get(r.id) ?? []));
}

/** The live contact with this id, following merges (null when unknown or erased). */
async function contactById(db: Db, id: string): Promise<Contact | null> {
  const row = await survivorOf(db, id);
  if (!row || row.erasedAt) return null;
  const [contact] = await withIdentities(db, [row]);
  return contact ?? null;
}

async function contactIdOfConversation(db: Db, sessionId: string): Promise<string | null> {
  const survivor = await contactOfConversationRow(db, sessionId);
  return survivor && !survivor.erasedAt ? survivor.id : null;
}

/** The contact owning one of these identities (the first that has one). */
async function contactIdByIdentity(db: Db, identities: ContactIdentity[]): Promise<string | null> {
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
async function searchContacts(db: Db, q: string): Promise<Contact[]> {
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
  return withIdentities(db, rows);
}

/** The contact after the change; null when unknown or erased. */
async function patchContact(
  db: Db,
  now: () => Date,
  id: string,
  change: ContactPatch,
): Promise<Contact | null> {
  const current = await survivorOf(db, id);
  if (!current || current.erasedAt) return null;
  const fields = { ...current.customFields };
  for (const [key, value] of Object.entries(change.customFields ?? {}))
    if (value === null) delete fields[key];
    else fields[key] = value;
  await updateContact(db, current.id, {
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.tier !== undefined ? { tier: change.tier } : {}),
    ...(change.lifetimeValue !== undefined ? { lifetimeValue: change.lifetimeValue } : {}),
    ...(change.tags !== undefined ? { tags: [...new Set(change.tags)] } : {}),
    ...(change.customFields !== undefined ? { customFields: fields } : {}),
    updatedAt: now(),
  });
  return contactById(db, current.id);
}

export function createContactsRepository(db: Db, now: () => Date) {
  const get = (id: string) => contactById(db, id);
  const reader: ContactReader = {
    get,
    async contactOfConversation(sessionId) {
      const id = await contactIdOfConversation(db, sessionId);
      return id ? get(id) : null;
    },
  };
  return {
    ...reader,
    search: (q: string) => searchContacts(db, q),
    /** Everything we remember about one person, newest first in every list. */
    async history(id: string) {
      const contact = await get(id);
      return contact ? contactHistory(db, contact) : null;
    },
    patch: (id: string, change: ContactPatch) => patchContact(db, now, id, change),
    /**
     * What the priority rules know about the person in a conversation: found through the conversation's
     * link, or else through the identities the visitor has shown (the link is written after the turn that
     * showed them). Null for a visitor nobody knows.
     */
    async factsFor(
      sessionId: string,
      identities: ContactIdentity[],
      recentDays: number,
    ): Promise<CustomerFacts | null> {
      const contactId =
        (await contactIdOfConversation(db, sessionId)) ?? (await contactIdByIdentity(db, identities));
      return contactId ? customerFactsOf(db, contactId, recentDays, now) : null;
    },
    byIdentity: (identities: ContactIdentity[]) => contactIdByIdentity(db, identities),
    conversationIds: (contactId: string) => conversationIdsOf(db, [contactId]),
    audit: (entry: AuditEntry) => recordAudit(db, entry, now()),
    auditOf: (subjectId: string) => contactAuditOf(db, subjectId),
  };
}

export type ContactsRepository = ReturnType<typeof createContactsRepository>;
