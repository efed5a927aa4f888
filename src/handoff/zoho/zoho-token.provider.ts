// Hands out the shared Zoho access token. Refreshes it shortly before it expires, or when an API call
// said it is invalid; in every case one refresh for everyone: callers in this process share one promise,
// and processes share a lock in the TokenCache (the loser polls the cache until the winner stored the new
// token). After Zoho throttled a refresh, nobody asks again until the block ends.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TokenCache } from './token-cache.port.ts';
import type { RefreshResult } from './zoho-oauth.client.ts';

export type TokenAnswer =
  | { ok: true; token: string }
  | { ok: false; kind: 'throttled' | 'transient'; error: string; retryAfterMs?: number }
  | { ok: false; kind: 'fatal'; error: string };

export interface ZohoTokenProviderOptions {
  cache: TokenCache;
  refresh: () => Promise<RefreshResult>;
  /** Cache key: one per accounts server + client + refresh token. */
  key: string;
  logger: Logger;
  now?: () => number;
  /** Refresh this long before expiry (default 5 minutes). */
  refreshMarginMs?: number;
  /** The refresh lock expires after this long, so a crashed holder never blocks the others for good. */
  lockTtlMs?: number;
  /** How long a caller waits for another process's refresh before giving up for this attempt. */
  waitMs?: number;
  pollMs?: number;
  /** How long nobody refreshes after Zoho said "too many requests" (Zoho blocks for up to 10 minutes). */
  throttleCooldownMs?: number;
}

export interface ZohoTokenProvider {
  getToken(): Promise<TokenAnswer>;
  /** The API rejected this token: drop it (only if still current) so the next getToken refreshes. */
  invalidate(token: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createZohoTokenProvider(options: ZohoTokenProviderOptions): ZohoTokenProvider {
  const { cache, key, logger } = options;
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const lockTtl = options.lockTtlMs ?? 15_000;
  const waitMs = options.waitMs ?? 15_000;
  const pollMs = options.pollMs ?? 50;
  const cooldown = options.throttleCooldownMs ?? 60_000;
  const owner = randomUUID();
  let inflight: Promise<TokenAnswer> | null = null;

  async function refreshHoldingLock(stillValid: string | null): Promise<TokenAnswer> {
    // Another process may have refreshed between our read and our lock.
    const fresh = await cache.get(key);
    if (fresh && fresh.expiresAt - now() > margin) return { ok: true, token: fresh.accessToken };
    const result = await options.refresh();
    if (result.ok) {
      await cache.put(key, {
        accessToken: result.accessToken,
        expiresAt: now() + result.expiresInMs,
        ...(result.apiDomain ? { apiDomain: result.apiDomain } : {}),
      });
      logger.info({ expiresInMs: result.expiresInMs }, 'zoho access token refreshed');
      return { ok: true, token: result.accessToken };
    }
    if (result.kind === 'throttled') {
      await cache.block(key, now() + cooldown);
      logger.warn({ cooldownMs: cooldown }, result.error);
      return stillValid
        ? { ok: true, token: stillValid }
        : { ok: false, kind: 'throttled', error: result.error, retryAfterMs: cooldown };
    }
    if (result.kind === 'fatal') {
      logger.error(result.error);
      return { ok: false, kind: 'fatal', error: result.error };
    }
    logger.warn(result.error);
    return stillValid
      ? { ok: true, token: stillValid }
      : { ok: false, kind: 'transient', error: result.error };
  }

  async function obtain(): Promise<TokenAnswer> {
    const deadline = now() + waitMs;
    for (;;) {
      const cached = await cache.get(key);
      const t = now();
      if (cached && cached.expiresAt - t > margin) return { ok: true, token: cached.accessToken };
      // Inside the refresh margin the old token still works: use it when someone else is refreshing.
      const stillValid = cached && cached.expiresAt > t ? cached.accessToken : null;
      const blocked = await cache.blockedUntil(key);
      if (blocked !== null) {
        if (stillValid) return { ok: true, token: stillValid };
        return {
          ok: false,
          kind: 'throttled',
          error: 'Zoho throttled token refreshes; waiting for the block to end',
          retryAfterMs: blocked - t,
        };
      }
      if (await cache.acquire(key, owner, lockTtl)) {
        try {
          return await refreshHoldingLock(stillValid);
        } finally {
          await cache
            .release(key, owner)
            .catch((error: unknown) => logger.warn({ err: error }, 'token lock release failed'));
        }
      }
      if (stillValid) return { ok: true, token: stillValid };
      if (now() >= deadline) {
        return {
          ok: false,
          kind: 'transient',
          error: `no Zoho token: another process's refresh did not finish in ${waitMs} ms`,
        };
      }
      await sleep(pollMs);
    }
  }

  return {
    getToken() {
      if (!inflight) {
        inflight = obtain().finally(() => {
          inflight = null;
        });
      }
      return inflight;
    },
    async invalidate(token) {
      await cache.invalidate(key, token);
    },
  };
}
