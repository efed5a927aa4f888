// Zoho SalesIQ transport. SalesIQ answers errors with HTTP 200 and {"error":{"code":1001…1006,"message"}};
// other Zoho front doors answer a bad token with 401 INVALID_OAUTHTOKEN or 400 INVALID_TOKEN. All of those
// are understood here. On an invalid-token answer the token is dropped, refreshed once (shared with every
// other caller) and the call is made once more.
import { z } from 'zod';
import {
  callVendor,
  classifyHttpFailure,
  type DeliveryResult,
  excerpt,
  type Fetch,
  transportFailure,
  type VendorCall,
  type VendorResponse,
} from '../vendor.http.ts';
import type { TokenAnswer, ZohoTokenProvider } from '../zoho/zoho-token.provider.ts';
import type { SalesIqConversationRequest } from './salesiq.mapping.ts';

export interface SalesIqClientOptions {
  serverUrl: string;
  screenName: string;
  tokens: ZohoTokenProvider;
  timeoutMs: number;
  fetch?: Fetch;
}

/** Codes SalesIQ documents as authentication problems: the token may be stale, refresh once. */
const AUTH_CODES = new Set([1001, 1002, 1003]);
const CONFIG_CODES: Record<number, string> = {
  1004: 'wrong request method',
  1005: 'invalid portal or wrong screen name: check SALESIQ_SCREEN_NAME and SALESIQ_SERVER_URL (region)',
  1006: 'invalid URL: check SALESIQ_SERVER_URL and SALESIQ_SCREEN_NAME',
};
const INVALID_TOKEN_CODES = new Set([
  'INVALID_OAUTHTOKEN',
  'INVALID_TOKEN',
  'INVALID_OAUTH',
  'OAUTH_TOKEN_INVALID',
]);

const salesIqErrorSchema = z.object({
  error: z.object({ code: z.union([z.number(), z.string()]), message: z.string().optional() }),
});
const conversationSchema = z.object({
  data: z.object({
    id: z.union([z.string(), z.number()]).transform(String),
    reference_id: z.union([z.string(), z.number()]).transform(String).optional(),
    chat_id: z.string().optional(),
    question: z.string().optional(),
  }),
});
const conversationListSchema = z.object({
  data: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).transform(String),
      reference_id: z.union([z.string(), z.number()]).transform(String).optional(),
      question: z.string().optional(),
    }),
  ),
});

/** Finds an error code wherever a Zoho API puts it (code, errorCode, error.code, error as a string). */
function zohoErrorCode(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  for (const candidate of [
    b.code,
    b.errorCode,
    b.error,
    (b.error as Record<string, unknown> | undefined)?.code,
  ]) {
    if (typeof candidate === 'string' || typeof candidate === 'number') return String(candidate);
  }
  return null;
}

type Classified =
  | { kind: 'ok'; body: unknown }
  | { kind: 'invalid_token'; error: string }
  | { kind: 'fail'; result: Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> };

function classify(call: VendorCall): Classified {
  if (!call.ok) return { kind: 'fail', result: transportFailure('SalesIQ', call) };
  const response: VendorResponse = call.response;
  const { status, body } = response;
  const code = zohoErrorCode(body);
  if (status === 401 || (status === 400 && code !== null && INVALID_TOKEN_CODES.has(code.toUpperCase()))) {
    return { kind: 'invalid_token', error: `SalesIQ rejected the token (${status} ${code ?? ''})`.trim() };
  }
  const salesIqError = salesIqErrorSchema.safeParse(body);
  if (status >= 200 && status < 300 && salesIqError.success) {
    const { code: errorCode, message } = salesIqError.data.error;
    const numeric = Number(errorCode);
    const text = `SalesIQ error ${errorCode}${message ? ` (${message})` : ''}`;
    if (AUTH_CODES.has(numeric) || INVALID_TOKEN_CODES.has(String(errorCode).toUpperCase())) {
      return { kind: 'invalid_token', error: text };
    }
    const hint = CONFIG_CODES[numeric];
    return { kind: 'fail', result: { outcome: 'failed', error: hint ? `${text}: ${hint}` : text } };
  }
  if (status >= 200 && status < 300) return { kind: 'ok', body };
  return { kind: 'fail', result: classifyHttpFailure('SalesIQ', response, excerpt(body)) };
}

function tokenFailure(
  answer: Extract<TokenAnswer, { ok: false }>,
): Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> {
  if (answer.kind === 'fatal') return { outcome: 'failed', error: answer.error };
  return {
    outcome: 'retry',
    error: answer.error,
    inDoubt: false,
    ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
  };
}

export function createSalesIqClient(options: SalesIqClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const base = options.serverUrl;
  const screen = encodeURIComponent(options.screenName);

  /** One call with the shared token; on an invalid-token answer: invalidate, refresh once, call once more. */
  async function withToken(
    request: (token: string) => Promise<VendorCall>,
  ): Promise<
    | { ok: true; body: unknown }
    | { ok: false; result: Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> }
  > {
    let rejected: string | null = null;
    for (let round = 0; round < 2; round++) {
      const answer = await options.tokens.getToken();
      if (!answer.ok) return { ok: false, result: tokenFailure(answer) };
      const outcome = classify(await request(answer.token));
      if (outcome.kind === 'ok') return { ok: true, body: outcome.body };
      if (outcome.kind === 'fail') return { ok: false, result: outcome.result };
      rejected = outcome.error;
      await options.tokens.invalidate(answer.token);
    }
    // Rejected right after a refresh: Zoho-side trouble or a token without the SalesIQ scopes. Retry later.
    return {
      ok: false,
      result: { outcome: 'retry', error: `${rejected} even after a token refresh`, inDoubt: false },
    };
  }

  const auth = (token: string) => ({ authorization: `Zoho-oauthtoken ${token}` });

  return {
    async createConversation(
      request: SalesIqConversationRequest,
    ): Promise<
      | { ok: true; id: string; referenceId?: string; chatId?: string }
      | { ok: false; result: Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> }
    > {
      const answer = await withToken((token) =>
        callVendor(fetchImpl, {
          method: 'POST',
          url: `${base}/visitor/v2/${screen}/conversations`,
          headers: auth(token),
          json: request,
          timeoutMs: options.timeoutMs,
        }),
      );
      if (!answer.ok) return answer;
      const parsed = conversationSchema.safeParse(answer.body);
      if (!parsed.success) {
        // It answered 2xx, so a conversation probably exists: look for it before creating another.
        return {
          ok: false,
          result: {
            outcome: 'retry',
            error: `SalesIQ answered an unreadable body: ${excerpt(answer.body)}`,
            inDoubt: true,
          },
        };
      }
      const d = parsed.data.data;
      return {
        ok: true,
        id: d.id,
        ...(d.reference_id ? { referenceId: d.reference_id } : {}),
        ...(d.chat_id ? { chatId: d.chat_id } : {}),
      };
    },

    /**
     * After an answer that never came: lists the department's conversations started since `sinceMs` and
     * finds the one whose question carries our reference line.
     */
    async findConversation(
      filter: { appId: string; departmentId: string; sinceMs: number },
      reference: string,
    ): Promise<
      | { ok: true; id: string | null }
      | { ok: false; result: Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> }
    > {
      const query = new URLSearchParams({
        app_id: filter.appId,
        department_id: filter.departmentId,
        from_time: String(filter.sinceMs),
        limit: '99',
      });
      const answer = await withToken((token) =>
        callVendor(fetchImpl, {
          method: 'GET',
          url: `${base}/api/v2/${screen}/conversations?${query}`,
          headers: auth(token),
          timeoutMs: options.timeoutMs,
        }),
      );
      if (!answer.ok)
        return {
          ok: false,
          result: answer.result.outcome === 'retry' ? { ...answer.result, inDoubt: true } : answer.result,
        };
      const parsed = conversationListSchema.safeParse(answer.body);
      if (!parsed.success) {
        return {
          ok: false,
          result: {
            outcome: 'retry',
            error: `SalesIQ list answered an unreadable body: ${excerpt(answer.body)}`,
            inDoubt: true,
          },
        };
      }
      const found = parsed.data.data.find((c) => c.question?.includes(reference));
      return { ok: true, id: found?.id ?? null };
    },

    /** A visitor message into an existing conversation (what the visitor writes while a SalesIQ agent owns it). */
    async sendVisitorMessage(
      conversationId: string,
      text: string,
    ): Promise<
      { ok: true } | { ok: false; result: Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> }
    > {
      const answer = await withToken((token) =>
        callVendor(fetchImpl, {
          method: 'POST',
          url: `${base}/visitor/v2/${screen}/conversations/${encodeURIComponent(conversationId)}/messages`,
          headers: auth(token),
          json: { text },
          timeoutMs: options.timeoutMs,
        }),
      );
      return answer.ok ? { ok: true } : answer;
    },
  };
}

export type SalesIqClient = ReturnType<typeof createSalesIqClient>;
