// The one contact a set of identities (and, for a conversation, the contact it is already linked to)
// stands for: found, merged from several (unless an admin kept them apart), or created; the identities
// are attached to it. Runs inside a transaction that holds the linking lock.
import {
  addIdentities,
  type ContactRow,
  identityOwners,
  insertContact,
  survivorOf,
  type Tx,
  updateContact,
} from '../storage/contact-links.repository.ts';
import { keptApart } from '../storage/contact-merges.repository.ts';
import { mergeInto } from './contact.merge.ts';
import type { ContactIdentity, IdentityKind } from './contact.types.ts';

/** A contact that may be the person, and what says so (a conversation, an identity). */
interface Candidate {
  row: ContactRow;
  proof: string;
}

export interface AttachInput {
  identities: ContactIdentity[];
  name: string | null;
  /** Where the identities were learnt: their rows' source. */
  source: string;
  /** The contact the conversation is already linked to, preferred as the survivor of a merge. */
  preferred: Candidate | null;
  at: Date;
}

export interface Attached {
  target: ContactRow;
  created: boolean;
  /** Contacts merged into the target on the way. */
  merged: string[];
}

const identityValue = (identities: ContactIdentity[], kind: IdentityKind) =>
  identities.find((i) => i.kind === kind)?.value;

/** The live contacts these identities belong to, the preferred one first, each once. */
async function candidatesFor(tx: Tx, input: AttachInput): Promise<Candidate[]> {
  const owners = await identityOwners(tx, input.identities);
  const candidates: Candidate[] = [];
  if (input.preferred && !input.preferred.row.erasedAt) candidates.push(input.preferred);
  for (const owner of owners) {
    const row = await survivorOf(tx, owner.contactId);
    if (!row || row.erasedAt || candidates.some((c) => c.row.id === row.id)) continue;
    candidates.push({ row, proof: `${owner.kind} ${owner.value}` });
  }
  return candidates;
}

/** The contact with its missing name, phone and e-mail filled from what this link showed. */
async function fillPrimaryFields(tx: Tx, target: ContactRow, input: AttachInput): Promise<ContactRow> {
  const fill: Partial<ContactRow> = {};
  const phone = identityValue(input.identities, 'phone');
  const email = identityValue(input.identities, 'email');
  if (!target.name && input.name) fill.name = input.name;
  if (!target.phone && phone) fill.phone = phone;
  if (!target.email && email) fill.email = email;
  if (Object.keys(fill).length === 0) return target;
  return (await updateContact(tx, target.id, { ...fill, updatedAt: input.at })) ?? target;
}

/** Null when there is nobody to find and nothing to make a contact of (no identities). */
export async function attachToContact(tx: Tx, input: AttachInput): Promise<Attached | null> {
  const candidates = await candidatesFor(tx, input);
  const first = candidates[0];
  if (!first && input.identities.length === 0) return null;
  let target =
    first?.row ??
    (await insertContact(tx, {
      name: input.name,
      phone: identityValue(input.identities, 'phone') ?? null,
      email: identityValue(input.identities, 'email') ?? null,
      at: input.at,
    }));
  const merged: string[] = [];
  for (const other of candidates.slice(1)) {
    if (await keptApart(tx, target.id, other.row.id)) continue;
    await mergeInto(tx, target, other.row, `same ${other.proof}`, 'system', input.at);
    merged.push(other.row.id);
    target = (await survivorOf(tx, target.id)) ?? target;
  }
  await addIdentities(tx, target.id, input.identities, input.source, input.at);
  target = await fillPrimaryFields(tx, target, input);
  return { target, created: !first, merged };
}
