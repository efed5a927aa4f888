// Where the Zoho access token lives so that every process uses the same one. Zoho issues only about ten
// access tokens per refresh token per ten minutes, so a token must be shared, refreshed by one process at
// a time (the lock) and, when Zoho throttles, nobody may ask again until the block ends.
export interface CachedToken {
  accessToken: string;
  /** Epoch milliseconds after which Zoho no longer accepts the token. */
  expiresAt: number;
  apiDomain?: string;
}

export interface TokenCache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<CachedToken | null>;
  put(key: string, token: CachedToken): Promise<void>;
  /** Drops the token only while it is still this one, so a late "invalid token" never evicts a newer one. */
  invalidate(key: string, accessToken: string): Promise<void>;
  /** Single flight across processes: true when this owner now holds the lock (it expires after ttlMs). */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
  /** Until when refreshing is blocked (after Zoho said "too many requests"); null when it is not. */
  blockedUntil(key: string): Promise<number | null>;
  block(key: string, until: number): Promise<void>;
  close(): Promise<void>;
}
