// A person's rights over their data: an export of everything we keep about one contact (JSON), and an
// erasure that redacts their messages and personal fields, removes their identities and keeps the
// aggregate records (counts, priorities, ratings, timings) analytics read. Both leave an audit entry.
// Not reached: a live session's state in Redis (REDIS_URL) keeps the visitor's details until it expires
// (SESSION_TTL_SECONDS); the Postgres copy is redacted.
import {
  contactAndMerged,
  eraseContacts,
  redactCustomerRecords,
  redactHandoffs,
  redactTickets,
  redactTranscripts,
} from '../storage/contact-erasure.repository.ts';
import { transcriptOf } from '../storage/contact-history.repository.ts';
import {
  conversationIdsOf,
  survivorOf,
  type Tx,
  withContactsLocked,
} from '../storage/contact-links.repository.ts';
import type { ContactsRepository } from '../storage/contacts.repository.ts';
import type { Db } from '../storage/database.ts';

export { ERASED } from '../storage/contact-erasure.repository.ts';

export type EraseResult =
  | { outcome: 'erased'; contactId: string; conversations: number; messages: number }
  | { outcome: 'not_found' };

/** Erases the person `id` stands for: the contact it survives in and every contact merged into that one. */
async function erasePerson(
  tx: Tx,
  id: string,
  at: Date,
): Promise<{ result: EraseResult; sessionIds: string[] }> {
  const survivor = await survivorOf(tx, id);
  if (!survivor || survivor.erasedAt) return { result: { outcome: 'not_found' }, sessionIds: [] };
  const people = await contactAndMerged(tx, survivor.id);
  const ids = await conversationIdsOf(tx, people);
  let redacted = 0;
  if (ids.length > 0) {
    redacted = await redactTranscripts(tx, ids);
    await redactTickets(tx, ids, survivor.email, at);
    await redactHandoffs(tx, ids, at);
    await redactCustomerRecords(tx, ids, people, at);
  }
  await eraseContacts(tx, people, at);
  return {
    result: { outcome: 'erased', contactId: survivor.id, conversations: ids.length, messages: redacted },
    sessionIds: ids,
  };
}

export function createContactPrivacy(
  db: Db,
  repository: ContactsRepository,
  now: () => Date,
  /** Erasure rewrote these sessions' snapshots behind the engine (its session cache must drop them). */
  onSessionsRewritten: (sessionIds: string[]) => void = () => {},
) {
  async function exportContact(id: string, by: string) {
    const history = await repository.history(id);
    if (!history) return null;
    const ids = history.conversations.map((c) => c.sessionId);
    const transcript = await transcriptOf(db, ids);
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
      messages: transcript,
      audit: await repository.auditOf(history.contact.id),
    };
  }

  async function erase(id: string, by: string): Promise<EraseResult> {
    const at = now();
    const { result, sessionIds } = await withContactsLocked(db, (tx) => erasePerson(tx, id, at));
    onSessionsRewritten(sessionIds);
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
