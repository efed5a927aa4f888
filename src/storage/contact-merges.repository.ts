// The contact_merges table and the rows a merge moves: a merge records exactly which identities,
// conversations, leads and activities it moved from one contact to another, so an undo moves those back.
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Tx } from './contact-links.repository.ts';
import { activities, contactIdentities, contactMerges, conversations, leads } from './schema/index.ts';

export type MergeRow = typeof contactMerges.$inferSelect;
export type MovedRecords = MergeRow['moved'];

/** Whether an admin undid a merge of these two: then they stay apart. */
export async function keptApart(tx: Tx, a: string, b: string): Promise<boolean> {
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

/** Moves everything that points at contact `fromId` to `toId`; what it moved. */
export async function moveContactRecords(
  tx: Tx,
  fromId: string,
  toId: string,
  at: Date,
): Promise<MovedRecords> {
  const movedIdentities = await tx
    .update(contactIdentities)
    .set({ contactId: toId })
    .where(eq(contactIdentities.contactId, fromId))
    .returning({ id: contactIdentities.id });
  const movedConversations = await tx
    .update(conversations)
    .set({ contactId: toId, updatedAt: at })
    .where(eq(conversations.contactId, fromId))
    .returning({ id: conversations.sessionId });
  const movedLeads = await tx
    .update(leads)
    .set({ contactId: toId })
    .where(eq(leads.contactId, fromId))
    .returning({ id: leads.id });
  const movedActivities = await tx
    .update(activities)
    .set({ contactId: toId })
    .where(eq(activities.contactId, fromId))
    .returning({ id: activities.id });
  return {
    identities: movedIdentities.map((r) => r.id),
    conversations: movedConversations.map((r) => r.id),
    leads: movedLeads.map((r) => r.id),
    activities: movedActivities.map((r) => r.id),
  };
}

/** Moves back to `fromId` what a merge moved from it to `toId`; what has moved on since stays where it is. */
export async function moveRecordsBack(
  tx: Tx,
  moved: MovedRecords,
  fromId: string,
  toId: string,
  at: Date,
): Promise<void> {
  if (moved.identities.length > 0)
    await tx
      .update(contactIdentities)
      .set({ contactId: fromId })
      .where(and(inArray(contactIdentities.id, moved.identities), eq(contactIdentities.contactId, toId)));
  if (moved.conversations.length > 0)
    await tx
      .update(conversations)
      .set({ contactId: fromId, updatedAt: at })
      .where(and(inArray(conversations.sessionId, moved.conversations), eq(conversations.contactId, toId)));
  if (moved.leads.length > 0)
    await tx
      .update(leads)
      .set({ contactId: fromId })
      .where(and(inArray(leads.id, moved.leads), eq(leads.contactId, toId)));
  if (moved.activities.length > 0)
    await tx
      .update(activities)
      .set({ contactId: fromId })
      .where(and(inArray(activities.id, moved.activities), eq(activities.contactId, toId)));
}

/** Writes the record of a merge; its id. */
export async function insertMerge(tx: Tx, merge: typeof contactMerges.$inferInsert): Promise<string> {
  const [row] = await tx.insert(contactMerges).values(merge).returning({ id: contactMerges.id });
  if (!row) throw new Error('merge row not written');
  return row.id;
}

export async function mergeRow(tx: Tx, id: string): Promise<MergeRow | null> {
  const [row] = await tx.select().from(contactMerges).where(eq(contactMerges.id, id));
  return row ?? null;
}

export async function markMergeUndone(tx: Tx, id: string, by: string, at: Date): Promise<void> {
  await tx.update(contactMerges).set({ undoneAt: at, undoneBy: by }).where(eq(contactMerges.id, id));
}
