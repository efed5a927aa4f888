// Our CRM types ⇄ HubSpot's CRM v3 objects: contact properties (email, phone, firstname, lastname), the
// note's properties (hs_timestamp, hs_note_body as HTML) and its association to the contact
// (HUBSPOT_DEFINED 202 = note → contact), and which search result is "this person".
import type { CrmNote, CrmPerson } from '../crm.port.ts';

/** HubSpot's association type id for note → contact (HUBSPOT_DEFINED). */
export const NOTE_TO_CONTACT = 202;
export const CONTACT_PROPERTIES = ['email', 'phone', 'firstname', 'lastname'] as const;

export type ContactProperties = Partial<Record<(typeof CONTACT_PROPERTIES)[number], string>>;

export function splitName(name: string | undefined): { firstname?: string; lastname?: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  const [first, ...rest] = parts;
  return { firstname: first, ...(rest.length > 0 ? { lastname: rest.join(' ') } : {}) };
}

export function contactProperties(person: CrmPerson): ContactProperties {
  return {
    ...(person.email ? { email: person.email.trim().toLowerCase() } : {}),
    ...(person.phone ? { phone: person.phone.trim() } : {}),
    ...splitName(person.name),
  };
}

/**
 * What an update of an existing contact sets: only what HubSpot does not have yet. The CRM is where people
 * curate their contacts; a visitor's typing in a chat does not overwrite a name or e-mail someone entered.
 */
export function missingProperties(
  existing: Record<string, string | null | undefined>,
  person: CrmPerson,
): ContactProperties {
  const wanted = contactProperties(person);
  const out: ContactProperties = {};
  for (const key of CONTACT_PROPERTIES) {
    const value = wanted[key];
    const current = existing[key];
    if (value && (current === undefined || current === null || current.trim() === '')) out[key] = value;
  }
  return out;
}

interface FoundContact {
  id: string;
  properties: Record<string, string | null | undefined>;
}

/** The contact that is this person: an e-mail match first, then a phone match; the oldest id on ties. */
export function pickContact<T extends FoundContact>(results: T[], person: CrmPerson): T | null {
  const wanted = contactProperties(person);
  const byId = [...results].sort((a, b) => Number(a.id) - Number(b.id));
  const email = wanted.email;
  const phone = wanted.phone;
  return (
    (email ? byId.find((c) => c.properties.email?.toLowerCase() === email) : undefined) ??
    (phone ? byId.find((c) => c.properties.phone === phone) : undefined) ??
    null
  );
}

/** HubSpot names the contact that already holds an e-mail in its 409: "Contact already exists. Existing ID: 123". */
export function existingIdOf(conflict: unknown): string | null {
  const message =
    conflict && typeof conflict === 'object' && 'message' in conflict ? String(conflict.message) : '';
  return /Existing ID:\s*(\d+)/.exec(message)?.[1] ?? null;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The reference line a note carries, so that a retry after an unanswered create can find it. */
export const noteMarker = (key: string) => `Switchboard ref ${key}`;

export function noteProperties(note: CrmNote): { hs_timestamp: string; hs_note_body: string } {
  const body = [
    `<p><strong>${escapeHtml(note.title)}</strong></p>`,
    ...note.lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    `<p><small>${escapeHtml(noteMarker(note.key))}</small></p>`,
  ].join('');
  // hs_note_body holds at most 65,536 characters.
  return { hs_timestamp: note.at, hs_note_body: body.slice(0, 65_536) };
}

export const carriesMarker = (body: string | null | undefined, key: string) =>
  (body ?? '').includes(escapeHtml(noteMarker(key)));
