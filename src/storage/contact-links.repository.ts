// The rows that say who a conversation is with: contacts, their identities, and the conversation's link
// to its contact, read and written inside one transaction that holds the linking lock. One advisory lock
// serialises linking (rare: once per new identity), so two sessions that show the same new phone at once
// agree on one contact.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { ContactIdentity } from '../contacts/contact.types.ts';
import type { Db } from './database.ts';
import { activities, contactIdentities, contacts, conversations, leads } from './schema/index.ts';

/** A transaction of the database, as `withContactsLocked` hands it to its work. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type ContactRow = typeof contacts.$inferSelect;

const LINK_LOCK = 7_301_979;

/** Runs `work` in one transaction that holds the linking lock until it commits. */
export function withContactsLocked<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LINK_LOCK})`);
    return work(tx);
  });
}

export async function contactRow(tx: Tx | Db, id: string): Promise<ContactRow | null> {
  const [row] = await tx.select().from(contacts).where(eq(contacts.id, id));
  return row ?? null;
}

/** The contact that survives `id`'s merges (itself when never merged); null when there is none. */
export async function survivorOf(tx: Tx | Db, id: string): Promise<ContactRow | null> {
  let current = id;
  for (let hop = 0; hop < 32; hop++) {
    const row = await contactRow(tx, current);
    if (!row) return null;
    if (!row.mergedInto) return row;
    current = row.mergedInto;
  }
  return null;
}

/** The surviving contact the conversation is linked to (erased ones too); null when it has none. */
export async function contactOfConversationRow(tx: Tx | Db, sessionId: string): Promise<ContactRow | null> {
  const [conversation] = await tx
    .select({ contactId: conversations.contactId })
    .from(conversations)
    .where(eq(conversations.sessionId, sessionId));
  return conversation?.contactId ? survivorOf(tx, conversation.contactId) : null;
}

/** The session ids of these contacts' conversations. */
export async function conversationIdsOf(tx: Tx | Db, contactIds: string[]): Promise<string[]> {
  const rows = await tx
    .select({ id: conversations.sessionId })
    .from(conversations)
    .where(inArray(conversations.contactId, contactIds));
  return rows.map((r) => r.id);
}

/** Who owns each of these identities now (before following merges). */
export async function identityOwners(tx: Tx, identities: ContactIdentity[]) {
  if (identities.length === 0) return [];
  return tx
    .select({
      contactId: contactIdentities.contactId,
      kind: contactIdentities.kind,
      value: contactIdentities.value,
    })
    .from(contactIdentities)
    .where(
      or(
        ...identities.map((i) =>
          and(eq(contactIdentities.kind, i.kind), eq(contactIdentities.value, i.value)),
        ),
      ),
    );
}

export async function insertContact(
  tx: Tx,
  contact: { name: string | null; phone: string | null; email: string | null; at: Date },
): Promise<ContactRow> {
  const [row] = await tx
    .insert(contacts)
    .values({
      name: contact.name,
      phone: contact.phone,
      email: contact.email,
      createdAt: contact.at,
      updatedAt: contact.at,
    })
    .returning();
  if (!row) throw new Error('contact not written');
  return row;
}

/** Gives the contact the identities nobody owns yet; one another contact owns stays theirs. */
export async function addIdentities(
  tx: Tx,
  contactId: string,
  identities: ContactIdentity[],
  source: string,
  at: Date,
): Promise<void> {
  if (identities.length === 0) return;
  await tx
    .insert(contactIdentities)
    .values(identities.map((i) => ({ contactId, kind: i.kind, value: i.value, source, createdAt: at })))
    .onConflictDoNothing();
}

/** The contact after the change; null when there is no such contact. */
export async function updateContact(
  tx: Tx | Db,
  id: string,
  change: Partial<ContactRow>,
): Promise<ContactRow | null> {
  const [row] = await tx.update(contacts).set(change).where(eq(contacts.id, id)).returning();
  return row ?? null;
}

export async function addLeadScore(tx: Tx, contactId: string, points: number): Promise<void> {
  await tx
    .update(contacts)
    .set({ leadScore: sql`${contacts.leadScore} + ${points}` })
    .where(eq(contacts.id, contactId));
}

/** The conversation's row, pointing at `contactId` when there is one. */
export async function upsertConversation(
  tx: Tx,
  conversation: { sessionId: string; channel: string; contactId: string | null; at: Date },
): Promise<void> {
  const { sessionId, channel, contactId, at } = conversation;
  await tx
    .insert(conversations)
    .values({ sessionId, contactId, channel, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({
      target: conversations.sessionId,
      set: contactId ? { contactId, updatedAt: at } : { updatedAt: at },
    });
}

/** Gives the contact the conversation's leads and activities recorded before it was known; the leads' count. */
export async function adoptConversationRecords(
  tx: Tx,
  sessionId: string,
  contactId: string,
): Promise<number> {
  const adopted = await tx
    .update(leads)
    .set({ contactId })
    .where(and(eq(leads.conversationId, sessionId), isNull(leads.contactId)))
    .returning({ id: leads.id });
  await tx
    .update(activities)
    .set({ contactId })
    .where(and(eq(activities.conversationId, sessionId), isNull(activities.contactId)));
  return adopted.length;
}
