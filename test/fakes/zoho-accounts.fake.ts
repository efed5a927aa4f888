// A fake Zoho accounts server (POST /oauth/v2/token, grant_type=refresh_token) speaking Zoho's wire format:
// success {access_token, expires_in, api_domain, token_type}; errors with HTTP 200 ({"error":"invalid_code"},
// {"error":"invalid_client"}); throttling as {"error":"Access Denied","error_description":"You have made too
// many requests continuously…"} — also on its own after more than 10 tokens in 10 minutes, as Zoho does.
import { randomBytes } from 'node:crypto';
import { type FakeServer, FaultPlan, startFakeServer, withFault } from '../handoff/support/fake-http.ts';

export interface ZohoAccountsFake extends FakeServer {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Successful token refreshes so far. */
  readonly refreshes: number;
  /** Every refresh request (answered or not). */
  readonly refreshRequests: number;
  faults: FaultPlan;
  /** Is this access token one we issued, not expired, not revoked? (The SalesIQ fake asks.) */
  isValid(token: string): boolean;
  /** Every token issued so far stops working (server-side expiry or revocation mid-run). */
  revokeAll(): void;
  /** Answer the next `n` refreshes with the throttling error. */
  throttleNext(n: number): void;
  /** Lifetime of new tokens, in seconds (Zoho: 3600). */
  expiresInSeconds: number;
  /** Makes each refresh take this long (widens the window in which concurrent callers pile up). */
  refreshDelayMs: number;
}

const THROTTLE = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

export async function startZohoAccountsFake(): Promise<ZohoAccountsFake> {
  const clientId = `1000.${randomBytes(8).toString('hex').toUpperCase()}`;
  const clientSecret = randomBytes(16).toString('hex');
  const refreshToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const issuedAt: number[] = [];
  const faults = new FaultPlan(() => ({ kind: 'status', status: 503, body: 'Service Unavailable' }));
  let throttle = 0;
  let refreshes = 0;
  let refreshRequests = 0;
  const state = { expiresInSeconds: 3600, refreshDelayMs: 0 };

  const server = await startFakeServer(async (req) => {
    if (req.method !== 'POST' || req.path !== '/oauth/v2/token')
      return { status: 404, body: { error: 'not found' } };
    refreshRequests++;
    // Zoho takes the parameters from the query string or the form body.
    const p = (name: string) => req.query.get(name) ?? req.form.get(name);
    return withFault(faults.next(), async () => {
      if (state.refreshDelayMs) await new Promise((r) => setTimeout(r, state.refreshDelayMs));
      if (throttle > 0) {
        throttle--;
        return { status: 400, body: THROTTLE };
      }
      if (p('grant_type') !== 'refresh_token')
        return { status: 200, body: { error: 'unsupported_grant_type' } };
      if (p('client_id') !== clientId || p('client_secret') !== clientSecret) {
        return { status: 200, body: { error: 'invalid_client' } };
      }
      if (p('refresh_token') !== refreshToken) return { status: 200, body: { error: 'invalid_code' } };
      const now = Date.now();
      const recent = issuedAt.filter((t) => t > now - 10 * 60_000);
      if (recent.length >= 10) return { status: 400, body: THROTTLE };
      const accessToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
      tokens.set(accessToken, { expiresAt: now + state.expiresInSeconds * 1000, revoked: false });
      issuedAt.push(now);
      refreshes++;
      return {
        status: 200,
        body: {
          access_token: accessToken,
          api_domain: 'https://www.zohoapis.com',
          token_type: 'Bearer',
          expires_in: state.expiresInSeconds,
        },
      };
    });
  });

  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    clientId,
    clientSecret,
    refreshToken,
    faults,
    get refreshes() {
      return refreshes;
    },
    get refreshRequests() {
      return refreshRequests;
    },
    get expiresInSeconds() {
      return state.expiresInSeconds;
    },
    set expiresInSeconds(v: number) {
      state.expiresInSeconds = v;
    },
    get refreshDelayMs() {
      return state.refreshDelayMs;
    },
    set refreshDelayMs(v: number) {
      state.refreshDelayMs = v;
    },
    isValid(token: string) {
      const t = tokens.get(token);
      return Boolean(t && !t.revoked && t.expiresAt > Date.now());
    },
    revokeAll() {
      for (const t of tokens.values()) t.revoked = true;
    },
    throttleNext(n: number) {
      throttle = n;
    },
  };
}
