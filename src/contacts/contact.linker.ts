// Links a conversation to the person it is with, from the identities it showed (a phone, an e-mail, a
// channel id): the contact owning one of them, or a new contact. When the identities belong to two
// contacts, they are one person: the contacts are merged, and the merge records exactly what it moved so
// an admin can undo it — after which the two are never merged again automatically.
// Linking, imports, merges and undos each run in one transaction under the linking lock.
import {
  addLeadScore,
  adoptConversationRecords,
  contactOfConversationRow,
  type Tx,
  updateContact,
  upsertConversation,
  withContactsLocked,
} from '../storage/contact-links.repository.ts';
import type { Db } from '../storage/database.ts';
import { attachToContact } from './contact.attach.ts';
import { withPhoneOfWhatsapp } from './contact.identity.ts';
import { adminMerge, type MergeResult, type UndoResult, undoMerge } from './contact.merge.ts';
import type { ContactIdentity } from './contact.types.ts';

export type { MergeResult, UndoResult } from './contact.merge.ts';

/** Added to a contact's lead score per handover (the handover document's rule). */
export const LEAD_SCORE_PER_HANDOVER = 25;

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

/** The conversation's row, pointing at `contactId`; its leads and activities recorded before follow. */
async function recordConversation(tx: Tx, input: LinkInput, contactId: string | null, at: Date) {
  await upsertConversation(tx, { sessionId: input.sessionId, channel: input.channel, contactId, at });
  if (!contactId) return;
  const adopted = await adoptConversationRecords(tx, input.sessionId, contactId);
  if (adopted > 0) await addLeadScore(tx, contactId, adopted * LEAD_SCORE_PER_HANDOVER);
}

async function linkConversation(tx: Tx, input: LinkInput, at: Date): Promise<LinkResult> {
  const linked = await contactOfConversationRow(tx, input.sessionId);
  const found = await attachToContact(tx, {
    identities: withPhoneOfWhatsapp(input.identities),
    name: input.name ?? null,
    source: input.source,
    preferred: linked ? { row: linked, proof: `conversation ${input.sessionId}` } : null,
    at,
  });
  await recordConversation(tx, input, found?.target.id ?? null, at);
  return found
    ? { contactId: found.target.id, created: found.created, merged: found.merged }
    : { contactId: null, created: false, merged: [] };
}

/**
 * Contacts from an import: each row's identities find (or make, or merge into) one contact, which takes
 * the row's fields.
 */
async function importRows(tx: Tx, rows: ImportRow[], by: string, at: Date): Promise<ImportResult> {
  const result: ImportResult = { created: 0, updated: 0, merged: 0, contactIds: [] };
  for (const row of rows) {
    const found = await attachToContact(tx, {
      identities: withPhoneOfWhatsapp(row.identities),
      name: row.name ?? null,
      source: `import:${by}`,
      preferred: null,
      at,
    });
    if (!found) continue;
    await updateContact(tx, found.target.id, {
      ...(row.name ? { name: row.name } : {}),
      ...(row.tier ? { tier: row.tier } : {}),
      ...(row.lifetimeValue !== undefined ? { lifetimeValue: row.lifetimeValue } : {}),
      ...(row.tags ? { tags: [...new Set([...found.target.tags, ...row.tags])] } : {}),
      ...(row.customFields ? { customFields: { ...found.target.customFields, ...row.customFields } } : {}),
      updatedAt: at,
    });
    if (found.created) result.created++;
    else result.updated++;
    result.merged += found.merged.length;
    result.contactIds.push(found.target.id);
  }
  return result;
}

export function createContactLinker(db: Db, now: () => Date) {
  return {
    link(input: LinkInput): Promise<LinkResult> {
      const at = now();
      return withContactsLocked(db, (tx) => linkConversation(tx, input, at));
    },

    /** One transaction: a failing row leaves nothing half-imported. */
    importContacts(rows: ImportRow[], by: string): Promise<ImportResult> {
      const at = now();
      return withContactsLocked(db, (tx) => importRows(tx, rows, by, at));
    },

    /** An admin's merge of two contacts they know are one person. */
    async merge(targetId: string, sourceId: string, by: string): Promise<MergeResult> {
      if (targetId === sourceId)
        return { outcome: 'conflict', message: 'a contact cannot be merged into itself' };
      return withContactsLocked(db, (tx) => adminMerge(tx, targetId, sourceId, by, now()));
    },

    undo(mergeId: string, by: string): Promise<UndoResult> {
      const at = now();
      return withContactsLocked(db, (tx) => undoMerge(tx, mergeId, by, at));
    },
  };
}

export type ContactLinker = ReturnType<typeof createContactLinker>;
