// One setting for how fast a person answers, per priority: the console's first-response countdown and
// the promise the visitor reads ("a person will answer within 15 minutes") both come from it, so the two
// never disagree. FIRST_RESPONSE_SLA overrides the defaults, which are the WhatsApp source document's
// promise: "15 minutes" for urgent, "1 hour" otherwise.
export type ResponseSeconds = { urgent: number; high: number; medium: number; low: number };

export const DEFAULT_RESPONSE_SECONDS: ResponseSeconds = {
  urgent: 15 * 60,
  high: 60 * 60,
  medium: 60 * 60,
  low: 60 * 60,
};

export const formatResponseSeconds = (s: ResponseSeconds) =>
  `urgent=${s.urgent},high=${s.high},medium=${s.medium},low=${s.low}`;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "within 15 minutes", "within 1 hour", "within 1 business day": the promise for that many seconds. */
export function responsePromise(seconds: number): string {
  if (seconds < 3600) return `within ${plural(Math.max(1, Math.round(seconds / 60)), 'minute')}`;
  if (seconds < 86400) return `within ${plural(Math.round(seconds / 3600), 'hour')}`;
  return `within ${plural(Math.round(seconds / 86400), 'business day')}`;
}
