// The external CRM port: a person becomes (or is found as) one contact, and each handover and resolution
// leaves a note on that contact's timeline. The input is our own small types, built from the handoff
// packet; an adapter (HubSpot first) maps them to its API. Failures are DeliveryResult values, so the
// handoff handlers treat a CRM like any other target (retry with backoff, permanent failures recorded).
import type { FindResult } from './handoff.target.ts';
import type { DeliveryResult } from './vendor.http.ts';

/** Who the visitor is, as far as the conversation knows: at least an e-mail or a phone. */
export interface CrmPerson {
  name?: string;
  email?: string;
  /** E.164 when the channel gave it (WhatsApp), else as the visitor typed it. */
  phone?: string;
  /** Where they wrote from (web, whatsapp, evolution, salesiq). */
  channel: string;
}

export type CrmNoteKind = 'handover' | 'resolution';

export interface CrmNote {
  /** Our idempotency key for this note (the effect's): written into the note, so a retry can find it. */
  key: string;
  kind: CrmNoteKind;
  /** When it happened (ISO): the note's place on the contact's timeline. */
  at: string;
  title: string;
  /** Plain-text lines; the adapter renders them. */
  lines: string[];
}

type Failure = Extract<DeliveryResult, { outcome: 'retry' | 'failed' }>;

export type CrmContactResult =
  | { ok: true; contactId: string; created: boolean }
  | { ok: false; result: Failure };

export type CrmLookup = { ok: true; contactId: string | null } | { ok: false; result: Failure };

export interface CrmPort {
  readonly name: 'hubspot';
  /** The contact this person already is (by e-mail, then phone), or null. */
  findContact(person: CrmPerson): Promise<CrmLookup>;
  /** Finds the person's contact and updates it, or creates it: never a second contact for one e-mail. */
  upsertContact(person: CrmPerson): Promise<CrmContactResult>;
  /** A note on the contact's timeline; `externalId` is the note's id. */
  addNote(contactId: string, note: CrmNote): Promise<DeliveryResult>;
  /** The note an unanswered `addNote` may have created (found by its key). */
  findNote(contactId: string, note: CrmNote): Promise<FindResult>;
}

/** The person's contact and the note on it; `delivered.externalId` is the note, metadata has the contact. */
export async function deliverCrmNote(
  crm: CrmPort,
  person: CrmPerson,
  note: CrmNote,
): Promise<DeliveryResult> {
  const contact = await crm.upsertContact(person);
  if (!contact.ok) return contact.result;
  const added = await crm.addNote(contact.contactId, note);
  if (added.outcome !== 'delivered') return added;
  return {
    ...added,
    metadata: { ...added.metadata, contactId: contact.contactId, contactCreated: contact.created },
  };
}

/** After an unanswered attempt: the note it may have left, on the contact it may have created. */
export async function findCrmNote(crm: CrmPort, person: CrmPerson, note: CrmNote): Promise<FindResult> {
  const contact = await crm.findContact(person);
  if (!contact.ok) return contact.result;
  if (contact.contactId === null) return { outcome: 'absent' };
  const found = await crm.findNote(contact.contactId, note);
  return found.outcome === 'delivered'
    ? { ...found, metadata: { ...found.metadata, contactId: contact.contactId } }
    : found;
}
