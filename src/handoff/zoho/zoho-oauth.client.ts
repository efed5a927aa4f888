// The Zoho accounts server: trades the refresh token for an access token. Zoho answers most errors with
// HTTP 200 and an `error` field ({"error":"invalid_code"}, {"error":"invalid_client"}), and throttling
// with {"error":"Access Denied","error_description":"You have made too many requests continuously…"}.
import { z } from 'zod';
import { callVendor, excerpt, type Fetch } from '../vendor.http.ts';

export interface ZohoOAuthOptions {
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  timeoutMs: number;
  fetch?: Fetch;
}

export type RefreshResult =
  | { ok: true; accessToken: string; expiresInMs: number; apiDomain?: string }
  | { ok: false; kind: 'throttled' | 'transient' | 'fatal'; error: string };

const successSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  /** Some Zoho services answer expires_in in milliseconds and add expires_in_sec. */
  expires_in_sec: z.number().positive().optional(),
  api_domain: z.string().optional(),
  token_type: z.string().optional(),
});
const errorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** Errors that no retry can fix: the credentials in the environment are wrong or were revoked. */
const FATAL: Record<string, string> = {
  invalid_code: 'the refresh token is invalid or was revoked: generate a new one and set ZOHO_REFRESH_TOKEN',
  invalid_client:
    'the client id/secret are wrong, or ZOHO_ACCOUNTS_URL is not the data centre of this client: check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_ACCOUNTS_URL',
  invalid_client_secret: 'the client secret is wrong: check ZOHO_CLIENT_SECRET',
  invalid_grant: 'the refresh token is not valid for this client: check ZOHO_REFRESH_TOKEN',
  unauthorized_client:
    'this client may not use refresh tokens: check the client type in the Zoho API console',
};

export function isThrottle(error: string, description: string | undefined): boolean {
  return /access denied/i.test(error) || /too many requests/i.test(description ?? '');
}

export function createZohoOAuthClient(options: ZohoOAuthOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    async refresh(): Promise<RefreshResult> {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url: `${options.accountsUrl}/oauth/v2/token`,
        form: {
          refresh_token: options.refreshToken,
          client_id: options.clientId,
          client_secret: options.clientSecret,
          grant_type: 'refresh_token',
        },
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, kind: 'transient', error: `Zoho accounts: ${call.error}` };
      const { status, body } = call.response;
      const success = successSchema.safeParse(body);
      if (status === 200 && success.success) {
        const d = success.data;
        const seconds =
          d.expires_in_sec ??
          (d.expires_in !== undefined && d.expires_in > 86_400 ? d.expires_in / 1000 : d.expires_in) ??
          3600;
        return {
          ok: true,
          accessToken: d.access_token,
          expiresInMs: Math.round(seconds * 1000),
          ...(d.api_domain ? { apiDomain: d.api_domain } : {}),
        };
      }
      const failure = errorSchema.safeParse(body);
      if (failure.success) {
        const { error, error_description: description } = failure.data;
        if (isThrottle(error, description)) {
          return {
            ok: false,
            kind: 'throttled',
            error: `Zoho accounts throttled the refresh: ${description ?? error}`,
          };
        }
        const fatal = FATAL[error];
        if (fatal) return { ok: false, kind: 'fatal', error: `Zoho accounts answered ${error}: ${fatal}` };
      }
      if (status === 429 || status >= 500) {
        return { ok: false, kind: 'transient', error: `Zoho accounts answered ${status}: ${excerpt(body)}` };
      }
      // An answer we do not understand: retry later rather than give up on a handoff.
      return { ok: false, kind: 'transient', error: `Zoho accounts answered ${status}: ${excerpt(body)}` };
    },
  };
}

export type ZohoOAuthClient = ReturnType<typeof createZohoOAuthClient>;
