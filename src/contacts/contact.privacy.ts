// A person's rights over their data: an export of everything we keep about one contact (JSON), and an
// erasure that redacts their messages and personal fields, removes their identities and keeps the
// aggregate records (counts, priorities, ratings, timings) analytics read. Both leave an audit entry.
// Not reached: a live session's state in Redis (REDIS_URL) keeps the visitor's details until it expires
// (SESSION_TTL_SECONDS); the Postgres copy is redacted.
import { asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { ContactsRepository } from '../storage/contacts.repository.ts';
import type { Db } from '../storage/database.ts';
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
} from '../storage/schema/index.ts';
import { lockContacts, survivorOf } from './contact.linker.ts';

export const ERASED = '[erased]';

export type EraseResult =
  | { outcome: 'erased'; contactId: string; conversations: number; messages: number }
  | { outcome: 'not_found' };

export function createContactPrivacy(db: Db, repository: ContactsRepository, now: () => Date) {
  async function exportContact(id: string, by: string) {
    const history = await repository.history(id);
    if (!history) return null;
    const ids = history.conversations.map((c) => c.sessionId);
    const transcript =
      ids.length > 0
        ? await db
            .select({
              sessionId: messages.sessionId,
              seq: messages.seq,
              role: messages.role,
              text: messages.text,
              at: messages.createdAt,
            })
            .from(messages)
            .where(inArray(messages.sessionId, ids))
            .orderBy(asc(messages.sessionId), asc(messages.seq))
        : [];
    await repository.audit({
      actorId: by,
      action: 'contact.export',
      subjectType: 'contact',
      subjectId: history.contact.id,
      details: { conversations: ids.length, messages: transcript.length },
    });
    return {
      exportedAt: now().toISOString(),
      ...history,
      messages: transcript.map((m) => ({ ...m, at: m.at.toISOString() })),
      audit: await repository.auditOf(history.contact.id),
    };
  }

  async function erase(id: string, by: string): Promise<EraseResult> {
    const at = now();
    const result = await db.transaction(async (tx) => {
      await lockContacts(tx);
      const survivor = await survivorOf(tx, id);
      if (!survivor || survivor.erasedAt) return { outcome: 'not_found' as const };
      // The person is this contact and every contact merged into it.
      const people = [survivor.id];
      for (let i = 0; i < people.length; i++) {
        const merged = await tx
          .select({ id: contacts.id })
          .from(contacts)
          .where(eq(contacts.mergedInto, people[i] as string));
        people.push(...merged.map((m) => m.id));
      }
      const convs = await tx
        .select({ id: conversations.sessionId })
        .from(conversations)
        .where(inArray(conversations.contactId, people));
      const ids = convs.map((c) => c.id);
      let redacted = 0;
      if (ids.length > 0) {
        const changed = await tx
          .update(messages)
          .set({ text: ERASED, buttons: null })
          .where(inArray(messages.sessionId, ids))
          .returning({ id: messages.id });
        redacted = changed.length;
        await tx
          .update(traces)
          .set({
            entry: sql`jsonb_set(jsonb_set(${traces.entry}, '{replies}', '[]'::jsonb), '{inbound}', (${traces.entry}->'inbound') - 'text' - 'visitor') #- '{event,text}' #- '{event,notes}'`,
            response: sql`jsonb_set(jsonb_set(${traces.response}, '{replies}', '[]'::jsonb), '{messages}', '[]'::jsonb)`,
          })
          .where(inArray(traces.sessionId, ids));
        await tx
          .update(sessions)
          .set({ snapshot: sql`jsonb_set(${sessions.snapshot}, '{context,visitor}', '{}'::jsonb)` })
          .where(inArray(sessions.id, ids));
        await tx
          .update(intentAnalysisLog)
          .set({ messageText: ERASED })
          .where(inArray(intentAnalysisLog.sessionId, ids));
        const tickets = await tx
          .update(supportTickets)
          .set({
            customerEmail: null,
            sourcePhoneNumber: null,
            description: ERASED,
            metadata: {},
            updatedAt: at,
          })
          .where(
            or(
              inArray(supportTickets.sessionId, ids),
              ...(survivor.email ? [eq(supportTickets.customerEmail, survivor.email)] : []),
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
        await tx
          .update(callbacks)
          .set({
            phone: null,
            visitorName: null,
            windowText: null,
            summary: null,
            notes: null,
            updatedAt: at,
          })
          .where(inArray(callbacks.sessionId, ids));
        await tx
          .update(escalations)
          .set({
            summary: ERASED,
            sourcePhoneNumber: null,
            packet: sql`case when ${escalations.packet} is null then null else jsonb_set(jsonb_set(jsonb_set(${escalations.packet}, '{transcript}', '[]'::jsonb), '{summary}', '[]'::jsonb), '{visitor}', '{}'::jsonb) end`,
          })
          .where(inArray(escalations.conversationId, ids));
        await tx
          .update(satisfactionRatings)
          .set({ comment: null })
          .where(inArray(satisfactionRatings.sessionId, ids));
        await tx.delete(channelSessions).where(inArray(channelSessions.sessionId, ids));
        await tx.update(leads).set({ handoverTrigger: null }).where(inArray(leads.conversationId, ids));
        await tx
          .update(activities)
          .set({ description: null })
          .where(or(inArray(activities.conversationId, ids), inArray(activities.contactId, people)));
        await tx
          .update(conversations)
          .set({ handoverReason: null, updatedAt: at })
          .where(inArray(conversations.sessionId, ids));
      }
      await tx.delete(contactIdentities).where(inArray(contactIdentities.contactId, people));
      await tx
        .update(contactMerges)
        .set({ reason: ERASED })
        .where(or(inArray(contactMerges.targetId, people), inArray(contactMerges.sourceId, people)));
      await tx
        .update(contacts)
        .set({
          name: null,
          phone: null,
          email: null,
          tags: [],
          customFields: {},
          erasedAt: at,
          updatedAt: at,
        })
        .where(inArray(contacts.id, people));
      return {
        outcome: 'erased' as const,
        contactId: survivor.id,
        conversations: ids.length,
        messages: redacted,
      };
    });
    if (result.outcome === 'erased')
      await repository.audit({
        actorId: by,
        action: 'contact.erase',
        subjectType: 'contact',
        subjectId: result.contactId,
        details: { conversations: result.conversations, messages: result.messages },
      });
    return result;
  }

  return { exportContact, erase };
}

export type ContactPrivacy = ReturnType<typeof createContactPrivacy>;
