// Pure parsers for what collection states ask for. Used by guards, so they must stay side-effect free.
// Phone numbers are checked against the numbering plans in libphonenumber-js (pure data, no I/O).
import { ParseError, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js/max';

/**
 * What is wrong with a collected value, as a reply key under `problem.` (content/replies.yaml) and the facts
 * its text needs: the renderer words it in the session's language. Country codes are ISO 3166 ("GB").
 */
export interface InputProblem {
  key: string;
  country?: string;
  length?: 'too_short' | 'too_long' | 'wrong_length';
}

export type Parsed = { ok: true; value: string } | { ok: false; problem: InputProblem };
const problem = (key: string, facts: Omit<InputProblem, 'key'> = {}): Parsed => ({
  ok: false,
  problem: { key, ...facts },
});

/** A phone number in E.164 (+ country code, national number), or what is wrong with it. */
export function parsePhone(text: string): Parsed {
  const trimmed = text.trim();
  if (!/\d/.test(trimmed)) return problem('phone.no_digits');
  // "0044 …" is how many people write an international number: the same as "+44 …".
  const international = trimmed.replace(/^00\s*(?=[1-9])/, '+');
  if (!international.startsWith('+')) return problem('phone.no_country_code');
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(international);
  } catch (error) {
    const reason = error instanceof ParseError ? error.message : 'NOT_A_NUMBER';
    if (reason === 'INVALID_COUNTRY') return problem('phone.unknown_country');
    if (reason === 'TOO_SHORT') return problem('phone.too_short');
    if (reason === 'TOO_LONG') return problem('phone.too_long');
    return problem('phone.not_a_number');
  }
  const country = parsed.country ? { country: parsed.country } : {};
  const length = validatePhoneNumberLength(international);
  if (length === 'TOO_SHORT' || length === 'TOO_LONG' || length === 'INVALID_LENGTH') {
    const which = length === 'TOO_SHORT' ? 'too_short' : length === 'TOO_LONG' ? 'too_long' : 'wrong_length';
    return problem('phone.length', { length: which, ...country });
  }
  if (!parsed.isValid()) return problem('phone.invalid', country);
  return { ok: true, value: parsed.number };
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function parseEmail(text: string): Parsed {
  const value = text.trim().toLowerCase();
  if (value.length > 254 || !EMAIL.test(value)) return problem('email.invalid');
  return { ok: true, value };
}

export function parseCallbackWindow(text: string): Parsed {
  const value = text.trim();
  if (value.length < 3 || value.length > 200) return problem('window.missing');
  return { ok: true, value };
}

export function parseDescription(text: string): Parsed {
  const value = text.trim();
  if (value.length < 10) return problem('description.short');
  return { ok: true, value: value.slice(0, 4000) };
}

/** How a stored E.164 number is read back to a person: "+44 20 7946 0958", not "+442079460958". */
export function formatPhone(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).formatInternational();
  } catch {
    return e164;
  }
}
