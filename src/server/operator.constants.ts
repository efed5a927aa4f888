// Operator API vocabularies as plain arrays (no zod), shared by the request schemas and the console bundle.
export const RESOLUTION_CATEGORIES = [
  'solved',
  'workaround',
  'refund_issued',
  'replacement_sent',
  'account_fixed',
  'not_reproducible',
  'duplicate',
  'customer_unresponsive',
  'other',
] as const;
export type ResolutionCategory = (typeof RESOLUTION_CATEGORIES)[number];
