// Pure parsers for what collection states ask for. Used by guards, so they must stay side-effect free.
// Phone numbers are checked against the numbering plans in libphonenumber-js (pure data, no I/O).
import { ParseError, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js/max';

const EXAMPLE = 'for example +44 20 7946 0958';
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string | undefined): string | null {
  if (!code) return null;
  try {
    return regionNames.of(code) ?? null;
  } catch {
    return null;
  }
}

/** A phone number in E.164 (+ country code, national number), or what is wrong with it, in words. */
export function parsePhone(text: string): { ok: true; value: string } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (!/\d/.test(trimmed)) {
    return {
      ok: false,
      problem: `that does not look like a phone number: please type the digits, starting with + and the country code (${EXAMPLE})`,
    };
  }
  // "0044 …" is how many people write an international number: the same as "+44 …".
  const international = trimmed.replace(/^00\s*(?=[1-9])/, '+');
  if (!international.startsWith('+')) {
    return { ok: false, problem: `please include the country code, starting with + (${EXAMPLE})` };
  }
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(international);
  } catch (error) {
    const reason = error instanceof ParseError ? error.message : 'NOT_A_NUMBER';
    if (reason === 'INVALID_COUNTRY') {
      return { ok: false, problem: `the digits after the + are not a country code I know (${EXAMPLE})` };
    }
    if (reason === 'TOO_SHORT')
      return { ok: false, problem: 'that number is too short: please check the digits' };
    if (reason === 'TOO_LONG')
      return { ok: false, problem: 'that number is too long: please check the digits' };
    return { ok: false, problem: `that does not look like a phone number (${EXAMPLE})` };
  }
  const country = countryName(parsed.country);
  const length = validatePhoneNumberLength(international);
  if (length === 'TOO_SHORT' || length === 'TOO_LONG' || length === 'INVALID_LENGTH') {
    const which =
      length === 'TOO_SHORT' ? 'too short' : length === 'TOO_LONG' ? 'too long' : 'the wrong length';
    return {
      ok: false,
      problem: `that number is ${which}${country ? ` for ${country}` : ''}: please check the digits`,
    };
  }
  if (!parsed.isValid()) {
    return {
      ok: false,
      problem: `that is not a valid ${country ? `${country} ` : ''}number: please check the digits`,
    };
  }
  return { ok: true, value: parsed.number };
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function parseEmail(text: string): { ok: true; value: string } | { ok: false; problem: string } {
  const value = text.trim().toLowerCase();
  if (value.length > 254 || !EMAIL.test(value)) {
    return { ok: false, problem: 'that does not look like an e-mail address (like name@example.com)' };
  }
  return { ok: true, value };
}

export function parseCallbackWindow(
  text: string,
): { ok: true; value: string } | { ok: false; problem: string } {
  const value = text.trim();
  if (value.length < 3 || value.length > 200) {
    return { ok: false, problem: 'please tell me a time window, for example "tomorrow 9-11am"' };
  }
  return { ok: true, value };
}

export function parseDescription(text: string): { ok: true; value: string } | { ok: false; problem: string } {
  const value = text.trim();
  if (value.length < 10) {
    return {
      ok: false,
      problem: 'please describe the problem in a sentence or two (at least 10 characters)',
    };
  }
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
