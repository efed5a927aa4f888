// HubSpot transport: the official client (@hubspot/api-client) with a private-app token (Bearer) and a
// base-URL override, its own retries off (the effect worker retries durably, with backoff and Retry-After),
// a timeout on every call, and what went wrong classified like every other vendor's answer.
import { Client } from '@hubspot/api-client';
import { z } from 'zod';
import { classifyHttpFailure, type DeliveryResult, excerpt } from '../vendor.http.ts';

export interface HubSpotClientOptions {
  accessToken: string;
  /** https://api.hubapi.com; tests point it at a local fake. */
  apiUrl: string;
  timeoutMs: number;
}

type Failure = Extract<DeliveryResult, { outcome: 'retry' | 'failed' }>;

export type HubSpotCall<T> =
  | { ok: true; value: T }
  | { ok: false; result: Failure; status: number | null; body: unknown };

/** What the generated API classes throw for an HTTP answer outside their expected codes (ApiException). */
const apiExceptionSchema = z.object({
  code: z.number(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).default({}),
});

class CallTimeout extends Error {}

export function createHubSpotClient(options: HubSpotClientOptions) {
  const client = new Client({
    accessToken: options.accessToken,
    basePath: options.apiUrl,
    numberOfApiCallRetries: 0,
  });

  function failureOf(status: number, headers: Headers, body: unknown): Failure {
    if (status === 401)
      return {
        outcome: 'failed',
        error: `HubSpot rejected the access token (401): check HUBSPOT_ACCESS_TOKEN (a private app token): ${excerpt(body, 200)}`,
      };
    if (status === 403)
      return {
        outcome: 'failed',
        error: `HubSpot refused the call (403): the private app needs the crm.objects.contacts.read and crm.objects.contacts.write scopes: ${excerpt(body, 200)}`,
      };
    return classifyHttpFailure('HubSpot', { status, headers, body }, excerpt(body));
  }

  /** Runs one API call within the timeout; an answer that is not a success becomes a classified failure. */
  async function call<T>(what: string, run: (c: Client) => Promise<T>): Promise<HubSpotCall<T>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeout()), options.timeoutMs);
      timer.unref();
    });
    try {
      return { ok: true, value: await Promise.race([run(client), timeout]) };
    } catch (error) {
      if (error instanceof CallTimeout)
        return {
          ok: false,
          status: null,
          body: null,
          // The request went out: HubSpot may have acted on it.
          result: {
            outcome: 'retry',
            error: `HubSpot ${what}: no answer within ${options.timeoutMs} ms`,
            inDoubt: true,
          },
        };
      const http = apiExceptionSchema.safeParse(error);
      if (http.success) {
        const { code, body, headers } = http.data;
        return { ok: false, status: code, body, result: failureOf(code, new Headers(headers), body) };
      }
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        status: null,
        body: null,
        result: { outcome: 'retry', error: `HubSpot ${what}: ${message.slice(0, 300)}`, inDoubt: true },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  return { call };
}

export type HubSpotClient = ReturnType<typeof createHubSpotClient>;
