// Pieces every env module of an integration uses (channels, handoff targets, mail): a blank value that
// means "unset", an http(s) base URL, and the group rule — an integration is on when all its variables are
// set, off when none are, and a half-set group is a start-up error naming what is missing (a typo must not
// silently mean "off").
import { z } from 'zod';

export const blankIsUnset = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/** A vendor's base URL, without its trailing slash. */
export const httpUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), {
    message: 'must start with https:// (or http:// for a local test)',
  })
  .transform((v) => v.replace(/\/+$/, ''));

/** All variables of a group set → the group; none set → null; some set → a problem naming the rest. */
export function envGroup<E extends Record<string, unknown>, K extends keyof E & string>(
  env: E,
  keys: readonly K[],
  name: string,
  problems: string[],
): { [P in K]: NonNullable<E[P]> } | null {
  const missing = keys.filter((k) => env[k] === undefined);
  if (missing.length === keys.length) return null;
  if (missing.length > 0) {
    problems.push(
      `${missing.join(', ')}: required to turn on ${name} (set together with ${keys.filter((k) => !missing.includes(k)).join(', ')}, or unset them all)`,
    );
    return null;
  }
  return Object.fromEntries(keys.map((k) => [k, env[k]])) as { [P in K]: NonNullable<E[P]> };
}
