// TokenCache in Redis, shared by every Switchboard process: the token under one key with a TTL ending at
// its expiry, the refresh lock as SET NX PX (released only by its owner, by a Lua compare-and-delete), and
// the throttle block as a key that expires when the block ends.
import { z } from 'zod';
import type { RedisClient } from '../../storage/redis-client.ts';
import type { CachedToken, TokenCache } from './token-cache.port.ts';

const tokenSchema = z.object({
  accessToken: z.string(),
  expiresAt: z.number(),
  apiDomain: z.string().optional(),
});

const DELETE_IF_TOKEN = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).accessToken == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const DELETE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisTokenCacheOptions {
  /** The process's shared connection (the composition root owns and closes it). */
  client: RedisClient;
  /** Key prefix, so tests and several deployments can share one Redis. */
  prefix?: string;
  now?: () => number;
}

export function createRedisTokenCache(options: RedisTokenCacheOptions): TokenCache {
  const { client } = options;
  const prefix = options.prefix ?? 'switchboard:';
  const now = options.now ?? Date.now;
  const tokenKey = (key: string) => `${prefix}zoho:token:${key}`;
  const blockKey = (key: string) => `${prefix}zoho:blocked:${key}`;
  const lockKey = (key: string) => `${prefix}zoho:lock:${key}`;

  return {
    kind: 'redis',
    async get(key) {
      const raw = await client.get(tokenKey(key));
      if (!raw) return null;
      const parsed = tokenSchema.safeParse(JSON.parse(raw));
      if (!parsed.success || parsed.data.expiresAt <= now()) return null;
      return parsed.data;
    },
    async put(key, token: CachedToken) {
      const ttl = Math.max(1, token.expiresAt - now());
      await client.set(tokenKey(key), JSON.stringify(token), { expiration: { type: 'PX', value: ttl } });
    },
    async invalidate(key, accessToken) {
      await client.eval(DELETE_IF_TOKEN, { keys: [tokenKey(key)], arguments: [accessToken] });
    },
    async acquire(key, owner, ttlMs) {
      const reply = await client.set(lockKey(key), owner, {
        condition: 'NX',
        expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) },
      });
      return reply === 'OK';
    },
    async release(key, owner) {
      await client.eval(DELETE_IF_OWNER, { keys: [lockKey(key)], arguments: [owner] });
    },
    async blockedUntil(key) {
      const raw = await client.get(blockKey(key));
      const until = raw === null ? Number.NaN : Number(raw);
      return Number.isFinite(until) && until > now() ? until : null;
    },
    async block(key, until) {
      const ttl = Math.max(1, Math.round(until - now()));
      await client.set(blockKey(key), String(until), { expiration: { type: 'PX', value: ttl } });
    },
    async close() {
      // The connection is shared: nothing of the cache's own to release.
    },
  };
}
