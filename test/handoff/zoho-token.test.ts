// The shared Zoho access token against a fake Zoho accounts server. Risks covered: a thundering herd of
// refreshes (Zoho allows ~10 tokens per 10 minutes: 50 handoffs with an expired token must cause ONE
// refresh, in one process and across processes sharing Redis); a late "invalid token" evicting a newer
// token; hammering a throttled accounts server; wrong credentials retried forever instead of reported.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache } from '../../src/handoff/zoho/memory-token.cache.ts';
import { createRedisTokenCache } from '../../src/handoff/zoho/redis-token.cache.ts';
import type { TokenCache } from '../../src/handoff/zoho/token-cache.port.ts';
import { createZohoOAuthClient } from '../../src/handoff/zoho/zoho-oauth.client.ts';
import {
  createZohoTokenProvider,
  type ZohoTokenProviderOptions,
} from '../../src/handoff/zoho/zoho-token.provider.ts';
import { createRedisClient } from '../../src/storage/redis-client.ts';
import { startZohoAccountsFake, type ZohoAccountsFake } from '../fakes/zoho-accounts.fake.ts';
import { redisPrefix, redisUrl } from '../support/servers.ts';

const logger = pino({ level: 'silent' });
let zoho: ZohoAccountsFake;
const closers: Array<() => Promise<void>> = [];

// A fresh accounts server per test: its "10 tokens per 10 minutes" budget is per test, like Zoho's per client.
beforeEach(async () => {
  zoho = await startZohoAccountsFake();
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await zoho.close();
});

function provider(
  cache: TokenCache,
  extra: Partial<ZohoTokenProviderOptions> & { secret?: string; refreshToken?: string } = {},
) {
  const oauth = createZohoOAuthClient({
    accountsUrl: zoho.url,
    clientId: zoho.clientId,
    clientSecret: extra.secret ?? zoho.clientSecret,
    refreshToken: extra.refreshToken ?? zoho.refreshToken,
    timeoutMs: 500,
  });
  return createZohoTokenProvider({
    cache,
    refresh: () => oauth.refresh(),
    key: 'test',
    logger,
    pollMs: 5,
    waitMs: 5000,
    ...extra,
  });
}

async function redisCache(prefix: string) {
  const client = await createRedisClient(redisUrl ?? '');
  const cache = createRedisTokenCache({ client, prefix });
  closers.push(async () => {
    await cache.close();
    await client.close();
  });
  return cache;
}

describe('Zoho token provider, in one process', () => {
  it('50 concurrent callers with an expired token cause exactly one refresh and all get the new token', async () => {
    const cache = createMemoryTokenCache();
    await cache.put('test', { accessToken: 'expired', expiresAt: Date.now() - 1000 });
    zoho.refreshDelayMs = 40;
    const before = zoho.refreshes;
    const tokens = provider(cache);
    const answers = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(zoho.refreshes - before).toBe(1);
    const values = new Set(answers.map((a) => (a.ok ? a.token : 'failed')));
    expect(values.size).toBe(1);
    const [token] = [...values];
    expect(token && zoho.isValid(token)).toBe(true);
  });

  it('refreshes shortly before expiry, and only once for a burst of callers', async () => {
    const cache = createMemoryTokenCache();
    const first = provider(cache);
    const a = await first.getToken();
    await cache.put('test', { accessToken: a.ok ? a.token : '', expiresAt: Date.now() + 60_000 }); // inside the 5-minute margin
    const before = zoho.refreshes;
    const answers = await Promise.all(Array.from({ length: 20 }, () => first.getToken()));
    expect(zoho.refreshes - before).toBe(1);
    expect(answers.every((x) => x.ok && x.token !== (a.ok ? a.token : ''))).toBe(true);
  });

  it('an "invalid token" answer drops only the token it was about, so a newer token survives', async () => {
    const cache = createMemoryTokenCache();
    const tokens = provider(cache);
    const t1 = await tokens.getToken();
    await tokens.invalidate(t1.ok ? t1.token : '');
    const t2 = await tokens.getToken();
    expect(t2.ok && t1.ok && t2.token !== t1.token).toBe(true);
    // A slow caller reports the old token as invalid after the refresh: nothing happens to the new one.
    await tokens.invalidate(t1.ok ? t1.token : '');
    const before = zoho.refreshes;
    const t3 = await tokens.getToken();
    expect(t3).toEqual(t2);
    expect(zoho.refreshes).toBe(before);
  });

  it('after Zoho throttles a refresh, nobody asks again until the block ends', async () => {
    const cache = createMemoryTokenCache();
    const tokens = provider(cache, { throttleCooldownMs: 300 });
    zoho.throttleNext(1);
    const requestsBefore = zoho.refreshRequests;
    const throttled = await tokens.getToken();
    expect(throttled).toMatchObject({ ok: false, kind: 'throttled' });
    expect(throttled.ok === false && throttled.kind !== 'fatal' && throttled.retryAfterMs).toBeGreaterThan(0);
    const again = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    expect(again.every((x) => !x.ok && x.kind === 'throttled')).toBe(true);
    expect(zoho.refreshRequests - requestsBefore).toBe(1);
    await new Promise((r) => setTimeout(r, 320));
    expect((await tokens.getToken()).ok).toBe(true);
    expect(zoho.refreshRequests - requestsBefore).toBe(2);
  });

  it('wrong client credentials and a revoked refresh token are fatal, with a message saying what to fix', async () => {
    const wrongSecret = await provider(createMemoryTokenCache(), { secret: 'nope' }).getToken();
    expect(wrongSecret).toMatchObject({ ok: false, kind: 'fatal' });
    expect(!wrongSecret.ok && wrongSecret.error).toMatch(/invalid_client.*ZOHO_CLIENT_SECRET/);
    const revoked = await provider(createMemoryTokenCache(), { refreshToken: '1000.revoked' }).getToken();
    expect(revoked).toMatchObject({ ok: false, kind: 'fatal' });
    expect(!revoked.ok && revoked.error).toMatch(/invalid_code.*ZOHO_REFRESH_TOKEN/);
  });

  it('accounts server errors and timeouts are transient (retried later, not fatal)', async () => {
    zoho.faults.push({ kind: 'status', status: 502, body: 'Bad Gateway' }, { kind: 'slow', ms: 1500 });
    const tokens = provider(createMemoryTokenCache());
    expect(await tokens.getToken()).toMatchObject({ ok: false, kind: 'transient' });
    const timedOut = await tokens.getToken();
    expect(timedOut).toMatchObject({ ok: false, kind: 'transient' });
    expect(!timedOut.ok && timedOut.error).toMatch(/no answer within 500 ms/);
    expect((await tokens.getToken()).ok).toBe(true);
  });

  it('a transient refresh failure inside the margin keeps using the still-valid token', async () => {
    const cache = createMemoryTokenCache();
    await cache.put('test', { accessToken: 'still-good', expiresAt: Date.now() + 60_000 });
    zoho.faults.push({ kind: 'status', status: 500, body: 'oops' });
    expect(await provider(cache).getToken()).toEqual({ ok: true, token: 'still-good' });
  });
});

describe.runIf(Boolean(redisUrl))('Zoho token provider across processes (real Redis)', () => {
  it('two token caches sharing one Redis: 50 concurrent handoffs with an expired token cause one refresh', async () => {
    const prefix = redisPrefix();
    const cacheA = await redisCache(prefix);
    const cacheB = await redisCache(prefix);
    await cacheA.put('test', { accessToken: 'expired', expiresAt: Date.now() + 5 }); // gone in 5 ms
    await new Promise((r) => setTimeout(r, 10));
    zoho.refreshDelayMs = 60;
    const before = zoho.refreshes;
    const processA = provider(cacheA);
    const processB = provider(cacheB);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? processA : processB).getToken()),
    );
    expect(zoho.refreshes - before).toBe(1);
    const values = new Set(answers.map((a) => (a.ok ? a.token : `failed: ${a.error}`)));
    expect([...values]).toHaveLength(1);
    expect(zoho.isValid([...values][0] ?? '')).toBe(true);
    // Both caches see the same token afterwards.
    expect((await cacheB.get('test'))?.accessToken).toBe([...values][0]);
  });

  it('the refresh lock is released only by its owner and expires if the owner dies', async () => {
    const prefix = redisPrefix();
    const cache = await redisCache(prefix);
    expect(await cache.acquire('k', 'a', 100)).toBe(true);
    expect(await cache.acquire('k', 'b', 100)).toBe(false);
    await cache.release('k', 'b'); // not the owner: no effect
    expect(await cache.acquire('k', 'b', 100)).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(await cache.acquire('k', 'b', 100)).toBe(true);
    await cache.release('k', 'b');
    expect(await cache.acquire('k', 'c', 100)).toBe(true);
  });

  it('a throttle block is shared: the other process does not ask Zoho either', async () => {
    const prefix = redisPrefix();
    const a = provider(await redisCache(prefix), { throttleCooldownMs: 5000 });
    const b = provider(await redisCache(prefix), { throttleCooldownMs: 5000 });
    zoho.throttleNext(1);
    const before = zoho.refreshRequests;
    expect(await a.getToken()).toMatchObject({ ok: false, kind: 'throttled' });
    expect(await b.getToken()).toMatchObject({ ok: false, kind: 'throttled' });
    expect(zoho.refreshRequests - before).toBe(1);
  });

  it('a late invalidation with an old token does not evict the new one (Lua compare-and-delete)', async () => {
    const cache = await redisCache(redisPrefix());
    await cache.put('k', { accessToken: 'new', expiresAt: Date.now() + 60_000 });
    await cache.invalidate('k', 'old');
    expect((await cache.get('k'))?.accessToken).toBe('new');
    await cache.invalidate('k', 'new');
    expect(await cache.get('k')).toBeNull();
  });
});
