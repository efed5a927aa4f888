// What every desk webhook's verification answers, and the comparisons they share. Each desk proves its
// requests differently (RSA, HMAC with a timestamp, a shared secret); all of them compare in constant time
// and say in the refusal what an operator should check.
import { timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Constant-time equality of two strings (different lengths are unequal without a timing hint on content). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A signed timestamp must be within `toleranceSeconds` of now: a captured request cannot be replayed later. */
export function freshTimestamp(
  seconds: number,
  nowSeconds: number,
  toleranceSeconds: number,
  header: string,
): SignatureCheck {
  if (!Number.isFinite(seconds)) return { ok: false, reason: `${header} is not a time` };
  const age = Math.abs(nowSeconds - seconds);
  return age > toleranceSeconds
    ? {
        ok: false,
        reason: `the ${header} is ${Math.round(age)} s away from now (limit ${toleranceSeconds} s): replayed or clock skew`,
      }
    : { ok: true };
}
