// TokenCache for one process (the embedded default, no REDIS_URL): the same contract as the Redis one,
// with expiries checked against the injected clock.
import type { CachedToken, TokenCache } from './token-cache.port.ts';

export function createMemoryTokenCache(now: () => number = Date.now): TokenCache {
  const tokens = new Map<string, CachedToken>();
  const locks = new Map<string, { owner: string; until: number }>();
  const blocks = new Map<string, number>();
  return {
    kind: 'memory',
    async get(key) {
      const token = tokens.get(key);
      if (!token) return null;
      if (token.expiresAt <= now()) {
        tokens.delete(key);
        return null;
      }
      return { ...token };
    },
    async put(key, token) {
      tokens.set(key, { ...token });
    },
    async invalidate(key, accessToken) {
      if (tokens.get(key)?.accessToken === accessToken) tokens.delete(key);
    },
    async acquire(key, owner, ttlMs) {
      const held = locks.get(key);
      if (held && held.until > now()) return false;
      locks.set(key, { owner, until: now() + ttlMs });
      return true;
    },
    async release(key, owner) {
      if (locks.get(key)?.owner === owner) locks.delete(key);
    },
    async blockedUntil(key) {
      const until = blocks.get(key);
      return until !== undefined && until > now() ? until : null;
    },
    async block(key, until) {
      blocks.set(key, Math.max(until, blocks.get(key) ?? 0));
    },
    async close() {
      tokens.clear();
      locks.clear();
      blocks.clear();
    },
  };
}
