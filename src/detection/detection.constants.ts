// The closed vocabularies of detection as plain arrays, free of zod, so the browser bundles (console
// filters) import the same lists the server validates with instead of copies.
export const CATEGORIES = ['login', 'payment', 'delivery', 'refund', 'technical', 'other'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
