// The writes of a person's erasure, table group by table group: their messages and personal fields are
// redacted, their identities removed; the aggregate records analytics read (counts, priorities, ratings,
// timings) stay. Run inside one transaction that holds the linking lock.
import { eq, inArray, or, sql } from 'drizzle-orm';
import type { Tx } from './contact-links.repository.ts';
import {
  activities,
  callbacks,
  channelSessions,
  contactIdentities,
  contactMerges,
  contacts,
  conversations,
  escalations,
  intentAnalysisLog,
  leads,
  messages,
  satisfactionRatings,
  sessions,
  supportTickets,
  ticketReplies,
  traces,
} from './schema/index.ts';

/** What an erased text reads. */
export const ERASED = '[erased]';

/** The contact and every contact merged into it, directly or through others. */
export async function contactAndMerged(tx: Tx, id: string): Promise<string[]> {
  const people = [id];
  for (let i = 0; i < people.length; i++) {
    const merged = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(eq(contacts.mergedInto, people[i] as string));
    people.push(...merged.map((m) => m.id));
  }
  return people;
}

/** Messages, traces, the sessions' visitor details and the intent log; the number of messages redacted. */
export async function redactTranscripts(tx: Tx, sessionIds: string[]): Promise<number> {
  const changed = await tx
    .update(messages)
    .set({ text: ERASED, buttons: null })
    .where(inArray(messages.sessionId, sessionIds))
    .returning({ id: messages.id });
  await tx
    .update(traces)
    .set({
      entry: sql`jsonb_set(jsonb_set(${traces.entry}, '{replies}', '[]'::jsonb), '{inbound}', (${traces.entry}->'inbound') - 'text' - 'visitor') #- '{event,text}' #- '{event,notes}'`,
      response: sql`jsonb_set(jsonb_set(${traces.response}, '{replies}', '[]'::jsonb), '{messages}', '[]'::jsonb)`,
    })
    .where(inArray(traces.sessionId, sessionIds));
  await tx
    .update(sessions)
    .set({ snapshot: sql`jsonb_set(${sessions.snapshot}, '{context,visitor}', '{}'::jsonb)` })
    .where(inArray(sessions.id, sessionIds));
  await tx
    .update(intentAnalysisLog)
    .set({ messageText: ERASED })
    .where(inArray(intentAnalysisLog.sessionId, sessionIds));
  return changed.length;
}

/** The tickets of these conversations (and of the person's e-mail address), and their replies. */
export async function redactTickets(
  tx: Tx,
  sessionIds: string[],
  email: string | null,
  at: Date,
): Promise<void> {
  const tickets = await tx
    .update(supportTickets)
    .set({ customerEmail: null, sourcePhoneNumber: null, description: ERASED, metadata: {}, updatedAt: at })
    .where(
      or(
        inArray(supportTickets.sessionId, sessionIds),
        ...(email ? [eq(supportTickets.customerEmail, email)] : []),
      ),
    )
    .returning({ id: supportTickets.id });
  if (tickets.length > 0)
    await tx
      .update(ticketReplies)
      .set({ body: ERASED })
      .where(
        inArray(
          ticketReplies.ticketId,
          tickets.map((t) => t.id),
        ),
      );
}

/** Callbacks, escalations (and the packets sent to a desk) and rating comments. */
export async function redactHandoffs(tx: Tx, sessionIds: string[], at: Date): Promise<void> {
  await tx
    .update(callbacks)
    .set({ phone: null, visitorName: null, windowText: null, summary: null, notes: null, updatedAt: at })
    .where(inArray(callbacks.sessionId, sessionIds));
  await tx
    .update(escalations)
    .set({
      summary: ERASED,
      sourcePhoneNumber: null,
      packet: sql`case when ${escalations.packet} is null then null else jsonb_set(jsonb_set(jsonb_set(${escalations.packet}, '{transcript}', '[]'::jsonb), '{summary}', '[]'::jsonb), '{visitor}', '{}'::jsonb) end`,
    })
    .where(inArray(escalations.conversationId, sessionIds));
  await tx
    .update(satisfactionRatings)
    .set({ comment: null })
    .where(inArray(satisfactionRatings.sessionId, sessionIds));
}

/** The channels' ids of the person and what the CRM records say in words (triggers, descriptions, reasons). */
export async function redactCustomerRecords(
  tx: Tx,
  sessionIds: string[],
  contactIds: string[],
  at: Date,
): Promise<void> {
  await tx.delete(channelSessions).where(inArray(channelSessions.sessionId, sessionIds));
  await tx.update(leads).set({ handoverTrigger: null }).where(inArray(leads.conversationId, sessionIds));
  await tx
    .update(activities)
    .set({ description: null })
    .where(or(inArray(activities.conversationId, sessionIds), inArray(activities.contactId, contactIds)));
  await tx
    .update(conversations)
    .set({ handoverReason: null, updatedAt: at })
    .where(inArray(conversations.sessionId, sessionIds));
}

/** The contacts' identities and personal fields, and the merge reasons that named them; marks them erased. */
export async function eraseContacts(tx: Tx, contactIds: string[], at: Date): Promise<void> {
  await tx.delete(contactIdentities).where(inArray(contactIdentities.contactId, contactIds));
  await tx
    .update(contactMerges)
    .set({ reason: ERASED })
    .where(or(inArray(contactMerges.targetId, contactIds), inArray(contactMerges.sourceId, contactIds)));
  await tx
    .update(contacts)
    .set({ name: null, phone: null, email: null, tags: [], customFields: {}, erasedAt: at, updatedAt: at })
    .where(inArray(contacts.id, contactIds));
}
