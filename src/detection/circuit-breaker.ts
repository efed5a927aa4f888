// A small circuit breaker for the LLM: after `failureThreshold` failures in a row it opens and every
// call is skipped for `cooldownMs`; then one probe call is let through (half-open). A success closes it,
// a failed probe opens it again. This one lives in the process; circuit-breaker.redis.ts shares the same
// states between every process of a deployment.

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  /** Milliseconds clock (injected so tests need no sleeping). */
  now?: () => number;
  onStateChange?: (state: BreakerState, failures: number) => void;
}

export interface CircuitBreaker {
  /** Whether a call may go out now. In half-open state only the first caller gets `true`. */
  allow(): Promise<boolean>;
  success(): Promise<void>;
  failure(): Promise<void>;
  /** The last state this process saw (for logs and stats). */
  state(): BreakerState;
}

export type CreateCircuitBreaker = (options: CircuitBreakerOptions) => CircuitBreaker;

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  function set(next: BreakerState) {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next, failures);
  }

  return {
    async allow() {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (now() - openedAt < options.cooldownMs) return false;
        set('half_open');
      }
      if (probing) return false;
      probing = true;
      return true;
    },
    async success() {
      failures = 0;
      probing = false;
      set('closed');
    },
    async failure() {
      failures++;
      if (state === 'half_open' || failures >= options.failureThreshold) {
        probing = false;
        openedAt = now();
        set('open');
      }
    },
    state: () => state,
  };
}
