// The contact model other modules read (the console, the external CRM port, priority rules): one person
// across channels, recognised by verified identities. The database rows are the contacts repository's.
import { z } from 'zod';

export const IDENTITY_KINDS = ['phone', 'email', 'web_visitor', 'whatsapp', 'salesiq'] as const;
export const identityKindSchema = z.enum(IDENTITY_KINDS);
export type IdentityKind = z.infer<typeof identityKindSchema>;

/** A way to recognise a person: phone and whatsapp in E.164, email lower-cased, channel ids as given. */
export interface ContactIdentity {
  kind: IdentityKind;
  value: string;
}

export interface Contact {
  id: string;
  name: string | null;
  /** e.g. vip, standard. */
  tier: string;
  lifetimeValue: number;
  tags: string[];
  customFields: Record<string, unknown>;
  leadScore: number;
  /** The primary phone (E.164) and e-mail, when known. */
  phone: string | null;
  email: string | null;
  identities: ContactIdentity[];
  createdAt: string;
  updatedAt: string;
}

/** What the customer priority rules know about the person writing (recorded in the trace for replay). */
export const customerFactsSchema = z.object({
  contactId: z.string(),
  tier: z.string(),
  lifetimeValue: z.number(),
  openTickets: z.number().int().min(0),
  /** Escalations of this person within the rules' `recentDays`. */
  recentEscalations: z.number().int().min(0),
});
export type CustomerFacts = z.infer<typeof customerFactsSchema>;

/** Reading contacts, for modules that only need to know who a conversation is with. */
export interface ContactReader {
  /** The (surviving, after merges) contact of a conversation, or null when it belongs to nobody known. */
  contactOfConversation(sessionId: string): Promise<Contact | null>;
  get(contactId: string): Promise<Contact | null>;
}
