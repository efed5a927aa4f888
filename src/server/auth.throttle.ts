// Login throttling: failed logins are counted per (e-mail, IP) and per IP in a fixed window that starts at
// the first failure; past the limit, logins are refused with 429 and Retry-After until the window ends.
// In memory on the embedded default; in Redis when several processes share the work (one count for all).
import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';

export interface ThrottleLimits {
  /** Failures per e-mail and IP in one window. */
  perAccount: number;
  /** Failures per IP (any e-mail) in one window: slows credential stuffing across accounts. */
  perIp: number;
  windowSeconds: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  check(email: string, ip: string): Promise<ThrottleVerdict>;
  recordFailure(email: string, ip: string): Promise<void>;
  /** A successful login forgets the account's failures (not the IP's). */
  recordSuccess(email: string, ip: string): Promise<void>;
}

const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('base64url');

function keys(email: string, ip: string) {
  return { account: `a:${keyOf(email.trim().toLowerCase(), ip)}`, ip: `i:${keyOf(ip)}` };
}

export function createMemoryLoginThrottle(
  limits: ThrottleLimits,
  now: () => number = Date.now,
): LoginThrottle {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const current = (key: string) => {
    const w = windows.get(key);
    if (w && w.endsAt <= now()) {
      windows.delete(key);
      return null;
    }
    return w ?? null;
  };
  const bump = (key: string) => {
    const w = current(key);
    if (w) w.count++;
    else windows.set(key, { count: 1, endsAt: now() + limits.windowSeconds * 1000 });
    if (windows.size > 10_000) for (const k of windows.keys()) current(k);
  };
  return {
    async check(email, ip) {
      const k = keys(email, ip);
      let retryAfterMs = 0;
      const account = current(k.account);
      if (account && account.count >= limits.perAccount) retryAfterMs = account.endsAt - now();
      const byIp = current(k.ip);
      if (byIp && byIp.count >= limits.perIp) retryAfterMs = Math.max(retryAfterMs, byIp.endsAt - now());
      return retryAfterMs > 0
        ? { allowed: false, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }
        : { allowed: true };
    },
    async recordFailure(email, ip) {
      const k = keys(email, ip);
      bump(k.account);
      bump(k.ip);
    },
    async recordSuccess(email, ip) {
      windows.delete(keys(email, ip).account);
    },
  };
}

export function createRedisLoginThrottle(
  client: RedisClientType,
  limits: ThrottleLimits,
  prefix: string,
): LoginThrottle {
  const k = (key: string) => `${prefix}login:${key}`;
  async function over(key: string, limit: number): Promise<number> {
    const [count, ttl] = await Promise.all([client.get(k(key)), client.pTTL(k(key))]);
    return Number(count ?? 0) >= limit && ttl > 0 ? ttl : 0;
  }
  async function bump(key: string) {
    // The window starts at the first failure: NX sets the expiry only when there is none yet.
    await client
      .multi()
      .incr(k(key))
      .pExpire(k(key), limits.windowSeconds * 1000, 'NX')
      .exec();
  }
  return {
    async check(email, ip) {
      const ks = keys(email, ip);
      const [a, i] = await Promise.all([over(ks.account, limits.perAccount), over(ks.ip, limits.perIp)]);
      const retryAfterMs = Math.max(a, i);
      return retryAfterMs > 0
        ? { allowed: false, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }
        : { allowed: true };
    },
    async recordFailure(email, ip) {
      const ks = keys(email, ip);
      await Promise.all([bump(ks.account), bump(ks.ip)]);
    },
    async recordSuccess(email, ip) {
      await client.del(k(keys(email, ip).account));
    },
  };
}
