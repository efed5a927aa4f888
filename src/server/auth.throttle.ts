// Login throttling: login attempts are counted per (e-mail, IP) and per IP in a fixed window that starts at
// the first attempt; past the limit, logins are refused with 429 and Retry-After until the window ends.
// An attempt is counted (atomically) BEFORE its password is hashed, so a burst of concurrent wrong logins
// cannot slip past the limit while the first ones are still hashing; a successful login gives its attempt
// back. An admin can clear an address's or an account's window (a shared office address locked out).
// In memory on the embedded default; in Redis when several processes share the work (one count for all).
import { createHash } from 'node:crypto';
import { type RedisClient, redisScript, runScript } from '../storage/redis-client.ts';

/** Gives an attempt back without creating a count (or a window) that has already ended. */
const GIVE_BACK = redisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 and tonumber(redis.call('GET', KEYS[2])) > 0 then redis.call('DECR', KEYS[2]) end
redis.call('DEL', KEYS[1])
return 1
`);

export interface ThrottleLimits {
  /** Attempts per e-mail and IP in one window. */
  perAccount: number;
  /** Attempts per IP (any e-mail) in one window: slows credential stuffing across accounts. */
  perIp: number;
  windowSeconds: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Counts one attempt and says whether it may go on to the password check. */
  attempt(email: string, ip: string): Promise<ThrottleVerdict>;
  /** A successful login forgets the account's attempts and gives the IP its attempt back. */
  recordSuccess(email: string, ip: string): Promise<void>;
  /** Clears the window of an address (and of one account at it, when the e-mail is given). */
  clear(target: { ip: string; email?: string }): Promise<void>;
}

const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('base64url');

// Both keys carry the address's hash tag, so GIVE_BACK's two keys share one Redis Cluster slot.
function keys(email: string, ip: string) {
  const tag = `{${keyOf(ip)}}`;
  return { account: `a:${tag}:${keyOf(email.trim().toLowerCase(), ip)}`, ip: `i:${tag}` };
}

function verdict(retryAfterMs: number): ThrottleVerdict {
  return retryAfterMs > 0
    ? { allowed: false, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }
    : { allowed: true };
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
  /** Counts one attempt; returns the window after it. Synchronous, so concurrent attempts cannot race. */
  const bump = (key: string) => {
    let w = current(key);
    if (w) w.count++;
    else {
      w = { count: 1, endsAt: now() + limits.windowSeconds * 1000 };
      windows.set(key, w);
    }
    if (windows.size > 10_000) for (const k of windows.keys()) current(k);
    return w;
  };
  return {
    async attempt(email, ip) {
      const k = keys(email, ip);
      const account = bump(k.account);
      const byIp = bump(k.ip);
      let retryAfterMs = 0;
      if (account.count > limits.perAccount) retryAfterMs = account.endsAt - now();
      if (byIp.count > limits.perIp) retryAfterMs = Math.max(retryAfterMs, byIp.endsAt - now());
      return verdict(retryAfterMs);
    },
    async recordSuccess(email, ip) {
      const k = keys(email, ip);
      windows.delete(k.account);
      const byIp = current(k.ip);
      if (byIp && byIp.count > 0) byIp.count--;
    },
    async clear({ ip, email }) {
      const k = keys(email ?? '', ip);
      windows.delete(k.ip);
      if (email !== undefined) windows.delete(k.account);
    },
  };
}

export function createRedisLoginThrottle(
  client: RedisClient,
  limits: ThrottleLimits,
  prefix: string,
): LoginThrottle {
  const k = (key: string) => `${prefix}login:${key}`;
  return {
    async attempt(email, ip) {
      const ks = keys(email, ip);
      // One transaction: both counts go up and their windows start (NX: only at the first attempt).
      const replies = await client
        .multi()
        .incr(k(ks.account))
        .pExpire(k(ks.account), limits.windowSeconds * 1000, 'NX')
        .incr(k(ks.ip))
        .pExpire(k(ks.ip), limits.windowSeconds * 1000, 'NX')
        .pTTL(k(ks.account))
        .pTTL(k(ks.ip))
        .exec();
      const [account, , byIp, , accountTtl, ipTtl] = replies.map(Number);
      let retryAfterMs = 0;
      if ((account ?? 0) > limits.perAccount) retryAfterMs = Math.max(1, accountTtl ?? 1);
      if ((byIp ?? 0) > limits.perIp) retryAfterMs = Math.max(retryAfterMs, ipTtl ?? 1);
      return verdict(retryAfterMs);
    },
    async recordSuccess(email, ip) {
      const ks = keys(email, ip);
      await runScript(client, GIVE_BACK, [k(ks.account), k(ks.ip)], []);
    },
    async clear({ ip, email }) {
      const ks = keys(email ?? '', ip);
      await client.del(email !== undefined ? [k(ks.ip), k(ks.account)] : [k(ks.ip)]);
    },
  };
}
