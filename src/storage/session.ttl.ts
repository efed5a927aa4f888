// How long an idle session is kept. A session that never got past the greeting (the widget was opened,
// nothing was written) is kept for `greetingTtlSeconds` only: it is what a stranger can create by the
// thousand, and there is nothing in it to come back to. The conversation machine never re-enters its
// initial state, so "still in the greeting" and "never got past it" are the same thing.
export const GREETING_STATE = 'greeting';

export interface SessionTtl {
  sessionTtlSeconds: number;
  /** Unset: greeting-only sessions keep the ordinary session lifetime. */
  greetingTtlSeconds?: number;
}

export function ttlSecondsFor(ttl: SessionTtl, state: string): number {
  return state === GREETING_STATE && ttl.greetingTtlSeconds !== undefined
    ? Math.min(ttl.greetingTtlSeconds, ttl.sessionTtlSeconds)
    : ttl.sessionTtlSeconds;
}

/** When a session last written at `at` in `state` expires. */
export function expiryOf(ttl: SessionTtl, state: string, at: string): Date {
  return new Date(Date.parse(at) + ttlSecondsFor(ttl, state) * 1000);
}
