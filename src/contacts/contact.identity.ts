// One spelling per identity, so "+44 7700 900123", "0044 7700900123" and "+447700900123" are one person:
// phone numbers in E.164 (libphonenumber-js), e-mail addresses trimmed and lower-cased, channel ids as
// the channel gives them. A value that is not what its kind says is refused, in words.
import { parsePhone } from '../machines/visitor-info.parse.ts';
import type { ContactIdentity, IdentityKind } from './contact.types.ts';

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export type NormalizedIdentity = { ok: true; identity: ContactIdentity } | { ok: false; problem: string };

export function normalizeIdentity(kind: IdentityKind, raw: string): NormalizedIdentity {
  const value = raw.trim();
  switch (kind) {
    case 'phone': {
      const parsed = parsePhone(value);
      if (parsed.ok) return { ok: true, identity: { kind, value: parsed.value } };
      const { key, length, country } = parsed.problem;
      const why = [length ?? key.replace(/^phone\./, ''), country ? `for ${country}` : null].filter(Boolean);
      return {
        ok: false,
        problem: `"${value}" is not a phone number we can use (${why.join(' ').replace(/_/g, ' ')}): write it with + and the country code, like +4915112345678`,
      };
    }
    case 'whatsapp': {
      // WhatsApp vouches for its numbers: E.164 in shape is enough (numbering plans lag behind).
      const digits = value.replace(/[\s().-]/g, '').replace(/^\+/, '');
      return /^[1-9]\d{6,14}$/.test(digits)
        ? { ok: true, identity: { kind, value: `+${digits}` } }
        : { ok: false, problem: `"${value}" is not a WhatsApp number (E.164, like +4915112345678)` };
    }
    case 'email': {
      const email = value.toLowerCase();
      return email.length <= 254 && EMAIL.test(email)
        ? { ok: true, identity: { kind, value: email } }
        : { ok: false, problem: `"${value}" is not an e-mail address (like name@example.com)` };
    }
    default:
      return value.length > 0 && value.length <= 200
        ? { ok: true, identity: { kind, value } }
        : { ok: false, problem: `a ${kind} id is 1-200 characters` };
  }
}

/** The identities that are valid among these, normalized; invalid ones are dropped (they prove nothing). */
export function validIdentities(candidates: ReadonlyArray<ContactIdentity>): ContactIdentity[] {
  const seen = new Set<string>();
  const out: ContactIdentity[] = [];
  for (const candidate of candidates) {
    const normalized = normalizeIdentity(candidate.kind, candidate.value);
    if (!normalized.ok) continue;
    const key = `${normalized.identity.kind}:${normalized.identity.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(normalized.identity);
  }
  return out;
}

/** A WhatsApp number is also the person's phone: both identities prove the same person. */
export function withPhoneOfWhatsapp(identities: ContactIdentity[]): ContactIdentity[] {
  const valid = validIdentities(identities);
  const phones = valid
    .filter((i) => i.kind === 'whatsapp' && !valid.some((p) => p.kind === 'phone' && p.value === i.value))
    .map((i) => ({ kind: 'phone' as const, value: i.value }));
  return [...valid, ...phones];
}
