// Links a conversation to the person it is with, from the identities it showed (a phone, an e-mail, a
// channel id): the contact owning one of them, or a new contact. When the identities belong to two
// contacts, they are one person: the contacts are merged, and the merge records exactly what it moved so
// an admin can undo it — after which the two are never merged again automatically.
// One advisory lock serialises linking (rare: once per new identity), so two sessions that show the same
// new phone at once agree on one contact.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import {
  activities,
  contactIdentities,
  contactMerges,
  contacts,
  conversations,
  leads,
} from '../storage/schema/index.ts';
import { withPhoneOfWhatsapp } from './contact.identity.ts';
import type { ContactIdentity } from './contact.types.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Added to a contact's lead score per handover (the handover document's rule). */
export const LEAD_SCORE_PER_HANDOVER = 25;

const LINK_LOCK = 7_301_979;

export interface LinkInput {
  sessionId: string;
  channel: string;
  identities: ContactIdentity[];
  name?: string | null;
  /** Where the identities were learnt (a channel, `import`, an operator id). */
  source: string;
}

export interface LinkResult {
  contactId: string | null;
  created: boolean;
  /** Contacts merged into `contactId` by this link. */
  merged: string[];
}

export interface ImportRow {
  identities: ContactIdentity[];
  name?: string;
  tier?: string;
  lifetimeValue?: number;
  tags?: string[];
  customFields?: Record<string, string>;
}

export interface ImportResult {
  created: number;
  updated: number;
  merged: number;
  contactIds: string[];
}

export type UndoResult =
  | { outcome: 'undone'; targetId: string; sourceId: string }
  | { outcome: 'not_found' }
  | { outcome: 'already_undone' }
  | { outcome: 'conflict'; message: string };

export type MergeResult =
  | { outcome: 'merged'; mergeId: string }
  | { outcome: 'not_found'; id: string }
  | { outcome: 'conflict'; message: string };

type ContactRow = typeof contacts.$inferSelect;

export async function lockContacts(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LINK_LOCK})`);
}

/** The contact that survives `id`'s merges (itself when never merged); null when there is none. */
export async function survivorOf(tx: Tx | Db, id: string): Promise<ContactRow | null> {
  let current = id;
  for (let hop = 0; hop < 32; hop++) {
    const [row] = await tx.select().from(contacts).where(eq(contacts.id, current));
    if (!row) return null;
    if (!row.mergedInto) return row;
    current = row.mergedInto;
  }
  return null;
}

/** Whether an admin undid a merge of these two: then they stay apart. */
async function keptApart(tx: Tx, a: string, b: string): Promise<boolean> {
  const rows = await tx
    .select({ id: contactMerges.id })
    .from(contactMerges)
    .where(
      and(
        sql`${contactMerges.undoneAt} is not null`,
        or(
          and(eq(contactMerges.targetId, a), eq(contactMerges.sourceId, b)),
          and(eq(contactMerges.targetId, b), eq(contactMerges.sourceId, a)),
        ),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Merges `source` into `target` inside `tx` (the caller holds the lock); returns the merge's id. */
export async function mergeInto(
  tx: Tx,
  target: ContactRow,
  source: ContactRow,
  reason: string,
  by: string,
  at: Date,
): Promise<string> {
  const movedIdentities = await tx
    .update(contactIdentities)
    .set({ contactId: target.id })
    .where(eq(contactIdentities.contactId, source.id))
    .returning({ id: contactIdentities.id });
  const movedConversations = await tx
    .update(conversations)
    .set({ contactId: target.id, updatedAt: at })
    .where(eq(conversations.contactId, source.id))
    .returning({ id: conversations.sessionId });
  const movedLeads = await tx
    .update(leads)
    .set({ contactId: target.id })
    .where(eq(leads.contactId, source.id))
    .returning({ id: leads.id });
  const movedActivities = await tx
    .update(activities)
    .set({ contactId: target.id })
    .where(eq(activities.contactId, source.id))
    .returning({ id: activities.id });
  const filled: string[] = [];
  const patch: Partial<ContactRow> = {
    leadScore: target.leadScore + source.leadScore,
    // The higher value of the two records, never their sum: the same purchases may be in both.
    lifetimeValue: Math.max(target.lifetimeValue, source.lifetimeValue),
    tier: target.tier === 'standard' && source.tier !== 'standard' ? source.tier : target.tier,
    updatedAt: at,
  };
  for (const field of ['name', 'phone', 'email'] as const) {
    if (target[field] === null && source[field] !== null) {
      patch[field] = source[field];
      filled.push(field);
    }
  }
  await tx.update(contacts).set(patch).where(eq(contacts.id, target.id));
  await tx.update(contacts).set({ mergedInto: target.id, updatedAt: at }).where(eq(contacts.id, source.id));
  const [merge] = await tx
    .insert(contactMerges)
    .values({
      targetId: target.id,
      sourceId: source.id,
      reason,
      moved: {
        identities: movedIdentities.map((r) => r.id),
        conversations: movedConversations.map((r) => r.id),
        leads: movedLeads.map((r) => r.id),
        activities: movedActivities.map((r) => r.id),
      },
      before: {
        tier: target.tier,
        lifetimeValue: target.lifetimeValue,
        sourceLeadScore: source.leadScore,
        filled,
      },
      mergedBy: by,
      createdAt: at,
    })
    .returning({ id: contactMerges.id });
  if (!merge) throw new Error('merge row not written');
  return merge.id;
}

export function createContactLinker(db: Db, now: () => Date) {
  async function ownersOf(tx: Tx, identities: ContactIdentity[]) {
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

  /**
   * The one contact these identities (and `preferred`, a conversation's contact) stand for: found, merged
   * from several (unless an admin kept them apart), or created; the identities are attached to it.
   */
  async function attach(
    tx: Tx,
    identities: ContactIdentity[],
    name: string | null,
    source: string,
    preferred: { row: ContactRow; proof: string } | null,
    at: Date,
  ): Promise<{ target: ContactRow; created: boolean; merged: string[] } | null> {
    const owners = await ownersOf(tx, identities);
    const candidates: Array<{ row: ContactRow; proof: string }> = [];
    if (preferred && !preferred.row.erasedAt) candidates.push(preferred);
    for (const owner of owners) {
      const row = await survivorOf(tx, owner.contactId);
      if (!row || row.erasedAt || candidates.some((c) => c.row.id === row.id)) continue;
      candidates.push({ row, proof: `${owner.kind} ${owner.value}` });
    }
    let created = false;
    let target: ContactRow;
    const first = candidates[0];
    if (first) {
      target = first.row;
    } else {
      if (identities.length === 0) return null;
      const [row] = await tx
        .insert(contacts)
        .values({
          name,
          phone: identities.find((i) => i.kind === 'phone')?.value ?? null,
          email: identities.find((i) => i.kind === 'email')?.value ?? null,
          createdAt: at,
          updatedAt: at,
        })
        .returning();
      if (!row) throw new Error('contact not written');
      target = row;
      created = true;
    }
    const merged: string[] = [];
    for (const other of candidates.slice(1)) {
      if (await keptApart(tx, target.id, other.row.id)) continue;
      await mergeInto(tx, target, other.row, `same ${other.proof}`, 'system', at);
      merged.push(other.row.id);
      target = (await survivorOf(tx, target.id)) ?? target;
    }
    // Identities nobody owns become the target's; one another contact keeps (kept apart) stays theirs.
    if (identities.length > 0)
      await tx
        .insert(contactIdentities)
        .values(
          identities.map((i) => ({
            contactId: target.id,
            kind: i.kind,
            value: i.value,
            source,
            createdAt: at,
          })),
        )
        .onConflictDoNothing();
    const fill: Partial<ContactRow> = {};
    if (!target.name && name) fill.name = name;
    const phone = identities.find((i) => i.kind === 'phone')?.value;
    const email = identities.find((i) => i.kind === 'email')?.value;
    if (!target.phone && phone) fill.phone = phone;
    if (!target.email && email) fill.email = email;
    if (Object.keys(fill).length > 0) {
      const [row] = await tx
        .update(contacts)
        .set({ ...fill, updatedAt: at })
        .where(eq(contacts.id, target.id))
        .returning();
      if (row) target = row;
    }
    return { target, created, merged };
  }

  async function link(input: LinkInput): Promise<LinkResult> {
    const identities = withPhoneOfWhatsapp(input.identities);
    const at = now();
    return db.transaction(async (tx) => {
      await lockContacts(tx);
      const [conversation] = await tx
        .select()
        .from(conversations)
        .where(eq(conversations.sessionId, input.sessionId));
      const linked = conversation?.contactId ? await survivorOf(tx, conversation.contactId) : null;
      const found = await attach(
        tx,
        identities,
        input.name ?? null,
        input.source,
        linked ? { row: linked, proof: `conversation ${input.sessionId}` } : null,
        at,
      );
      await upsertConversation(tx, input, found?.target.id ?? null, at);
      return found
        ? { contactId: found.target.id, created: found.created, merged: found.merged }
        : { contactId: null, created: false, merged: [] };
    });
  }

  /**
   * Contacts from an import: each row's identities find (or make, or merge into) one contact, which takes
   * the row's fields. One transaction: a failing row leaves nothing half-imported.
   */
  async function importContacts(rows: ImportRow[], by: string): Promise<ImportResult> {
    const at = now();
    return db.transaction(async (tx) => {
      await lockContacts(tx);
      const result: ImportResult = { created: 0, updated: 0, merged: 0, contactIds: [] };
      for (const row of rows) {
        const found = await attach(
          tx,
          withPhoneOfWhatsapp(row.identities),
          row.name ?? null,
          `import:${by}`,
          null,
          at,
        );
        if (!found) continue;
        await tx
          .update(contacts)
          .set({
            ...(row.name ? { name: row.name } : {}),
            ...(row.tier ? { tier: row.tier } : {}),
            ...(row.lifetimeValue !== undefined ? { lifetimeValue: row.lifetimeValue } : {}),
            ...(row.tags ? { tags: [...new Set([...found.target.tags, ...row.tags])] } : {}),
            ...(row.customFields
              ? { customFields: { ...found.target.customFields, ...row.customFields } }
              : {}),
            updatedAt: at,
          })
          .where(eq(contacts.id, found.target.id));
        if (found.created) result.created++;
        else result.updated++;
        result.merged += found.merged.length;
        result.contactIds.push(found.target.id);
      }
      return result;
    });
  }

  /** The conversation's row, pointing at `contactId`; its leads and activities recorded before follow. */
  async function upsertConversation(tx: Tx, input: LinkInput, contactId: string | null, at: Date) {
    await tx
      .insert(conversations)
      .values({ sessionId: input.sessionId, contactId, channel: input.channel, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: conversations.sessionId,
        set: contactId ? { contactId, updatedAt: at } : { updatedAt: at },
      });
    if (!contactId) return;
    const adopted = await tx
      .update(leads)
      .set({ contactId })
      .where(and(eq(leads.conversationId, input.sessionId), isNull(leads.contactId)))
      .returning({ id: leads.id });
    await tx
      .update(activities)
      .set({ contactId })
      .where(and(eq(activities.conversationId, input.sessionId), isNull(activities.contactId)));
    if (adopted.length > 0)
      await tx
        .update(contacts)
        .set({ leadScore: sql`${contacts.leadScore} + ${adopted.length * LEAD_SCORE_PER_HANDOVER}` })
        .where(eq(contacts.id, contactId));
  }

  /** An admin's merge of two contacts they know are one person. */
  async function merge(targetId: string, sourceId: string, by: string): Promise<MergeResult> {
    if (targetId === sourceId)
      return { outcome: 'conflict', message: 'a contact cannot be merged into itself' };
    return db.transaction(async (tx) => {
      await lockContacts(tx);
      const [target] = await tx.select().from(contacts).where(eq(contacts.id, targetId));
      const [source] = await tx.select().from(contacts).where(eq(contacts.id, sourceId));
      if (!target || target.erasedAt) return { outcome: 'not_found', id: targetId };
      if (!source || source.erasedAt) return { outcome: 'not_found', id: sourceId };
      for (const [row, role] of [
        [target, 'target'],
        [source, 'source'],
      ] as const)
        if (row.mergedInto)
          return {
            outcome: 'conflict',
            message: `the ${role} contact was merged into ${row.mergedInto}: merge that one`,
          };
      const mergeId = await mergeInto(tx, target, source, `admin ${by}`, by, now());
      return { outcome: 'merged', mergeId };
    });
  }

  async function undo(mergeId: string, by: string): Promise<UndoResult> {
    const at = now();
    return db.transaction(async (tx) => {
      await lockContacts(tx);
      const [row] = await tx.select().from(contactMerges).where(eq(contactMerges.id, mergeId));
      if (!row) return { outcome: 'not_found' };
      if (row.undoneAt) return { outcome: 'already_undone' };
      const [target] = await tx.select().from(contacts).where(eq(contacts.id, row.targetId));
      const [source] = await tx.select().from(contacts).where(eq(contacts.id, row.sourceId));
      if (!target || !source || target.erasedAt || source.erasedAt)
        return { outcome: 'conflict', message: 'one of the two contacts was erased since the merge' };
      if (target.mergedInto)
        return {
          outcome: 'conflict',
          message: `contact ${target.id} was itself merged into ${target.mergedInto} since: undo that merge first`,
        };
      const { moved, before } = row;
      if (moved.identities.length > 0)
        await tx
          .update(contactIdentities)
          .set({ contactId: source.id })
          .where(
            and(inArray(contactIdentities.id, moved.identities), eq(contactIdentities.contactId, target.id)),
          );
      if (moved.conversations.length > 0)
        await tx
          .update(conversations)
          .set({ contactId: source.id, updatedAt: at })
          .where(
            and(
              inArray(conversations.sessionId, moved.conversations),
              eq(conversations.contactId, target.id),
            ),
          );
      if (moved.leads.length > 0)
        await tx
          .update(leads)
          .set({ contactId: source.id })
          .where(and(inArray(leads.id, moved.leads), eq(leads.contactId, target.id)));
      if (moved.activities.length > 0)
        await tx
          .update(activities)
          .set({ contactId: source.id })
          .where(and(inArray(activities.id, moved.activities), eq(activities.contactId, target.id)));
      const restore: Partial<ContactRow> = {
        tier: before.tier,
        lifetimeValue: before.lifetimeValue,
        leadScore: Math.max(0, target.leadScore - before.sourceLeadScore),
        updatedAt: at,
      };
      for (const field of before.filled)
        if (field === 'name' || field === 'phone' || field === 'email') restore[field] = null;
      await tx.update(contacts).set(restore).where(eq(contacts.id, target.id));
      await tx.update(contacts).set({ mergedInto: null, updatedAt: at }).where(eq(contacts.id, source.id));
      await tx.update(contactMerges).set({ undoneAt: at, undoneBy: by }).where(eq(contactMerges.id, row.id));
      return { outcome: 'undone', targetId: target.id, sourceId: source.id };
    });
  }

  return { link, merge, undo, importContacts };
}

export type ContactLinker = ReturnType<typeof createContactLinker>;
