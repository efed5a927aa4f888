// What customer memory records of a conversation's steps: a handover as a lead and on the conversation's
// row, and activities. Each insert is idempotent on its key, so a redelivered effect adds nothing.
import { eq } from 'drizzle-orm';
import type { Tx } from './contact-links.repository.ts';
import type { Db } from './database.ts';
import { activities, channelSessions, conversations, leads } from './schema/index.ts';

export type ChannelSessionOfConversation = typeof channelSessions.$inferSelect;
export type NewLead = typeof leads.$inferInsert;
export type NewActivity = typeof activities.$inferInsert;

/** The visitor channel the conversation is on and the channel's id of the person; null for the web. */
export async function channelSessionOf(
  db: Db,
  sessionId: string,
): Promise<ChannelSessionOfConversation | null> {
  const [row] = await db
    .select()
    .from(channelSessions)
    .where(eq(channelSessions.sessionId, sessionId))
    .limit(1);
  return row ?? null;
}

/** True when the lead is new, false when its key was recorded before. */
export async function insertLead(tx: Tx, lead: NewLead): Promise<boolean> {
  const inserted = await tx.insert(leads).values(lead).onConflictDoNothing().returning({ id: leads.id });
  return inserted.length > 0;
}

export async function insertActivity(tx: Tx, activity: NewActivity): Promise<void> {
  await tx.insert(activities).values(activity).onConflictDoNothing();
}

/** The conversation's row says a human was asked for, when and why. */
export async function markHandoverRequested(
  tx: Tx,
  handover: { sessionId: string; contactId: string | null; channel: string; reason: string | null; at: Date },
): Promise<void> {
  const { sessionId, contactId, channel, reason, at } = handover;
  await tx
    .insert(conversations)
    .values({
      sessionId,
      contactId,
      channel,
      handoverRequested: true,
      handoverTimestamp: at,
      handoverReason: reason,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoUpdate({
      target: conversations.sessionId,
      set: { handoverRequested: true, handoverTimestamp: at, handoverReason: reason, updatedAt: at },
    });
}
