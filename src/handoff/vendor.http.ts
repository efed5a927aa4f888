// One way to call a vendor: a timeout on every request, the body read as JSON when it is JSON, and a
// classification of what went wrong that the delivery logic can act on. No retries here: retrying is the
// effect worker's job (durable, with backoff), so a crashed process never loses a pending retry.

export type Fetch = typeof globalThis.fetch;

export interface VendorResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON, or null when empty. */
  body: unknown;
}

export type VendorCall =
  | { ok: true; response: VendorResponse }
  | {
      ok: false;
      /** `timeout` and `network` after the request went out leave the outcome unknown (in doubt). */
      kind: 'timeout' | 'network';
      error: string;
    };

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs: number;
}

export async function callVendor(fetchImpl: Fetch, request: VendorRequest): Promise<VendorCall> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const res = await fetchImpl(request.url, { method: request.method, headers, body, signal });
    const text = await res.text();
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { ok: true, response: { status: res.status, headers: res.headers, body: parsed } };
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, kind: 'timeout', error: `no answer within ${request.timeoutMs} ms` };
    }
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
    return { ok: false, kind: 'network', error: `network error: ${cause || String(error)}` };
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: () => number = Date.now): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/** What one delivery attempt to one target came to. */
export type DeliveryResult =
  | {
      outcome: 'delivered';
      externalId: string;
      externalUrl?: string;
      metadata?: Record<string, unknown>;
    }
  | {
      outcome: 'retry';
      error: string;
      retryAfterMs?: number;
      /** The vendor may have acted on the request: the next attempt looks before it creates again. */
      inDoubt: boolean;
    }
  | { outcome: 'failed'; error: string };

/** The common classification of an HTTP answer that is not a success. */
export function classifyHttpFailure(
  vendor: string,
  response: VendorResponse,
  detail: string,
): Extract<DeliveryResult, { outcome: 'retry' | 'failed' }> {
  const { status } = response;
  if (status === 429) {
    const after = retryAfterMs(response.headers);
    return {
      outcome: 'retry',
      error: `${vendor} rate limit (429)${detail ? `: ${detail}` : ''}`,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      inDoubt: false,
    };
  }
  if (status >= 500 || status === 408) {
    // 503 means "not taken in" (overloaded, down for maintenance). A 500 may have failed half-way, and a
    // 502/504 comes from a proxy that may have forwarded the request: those count as "maybe done".
    const after = retryAfterMs(response.headers);
    return {
      outcome: 'retry',
      error: `${vendor} answered ${status}${detail ? `: ${detail}` : ''}`,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      inDoubt: status !== 503,
    };
  }
  return {
    outcome: 'failed',
    error: `${vendor} refused the request (${status})${detail ? `: ${detail}` : ''}`,
  };
}

export function transportFailure(
  vendor: string,
  call: Extract<VendorCall, { ok: false }>,
): Extract<DeliveryResult, { outcome: 'retry' }> {
  return { outcome: 'retry', error: `${vendor}: ${call.error}`, inDoubt: true };
}

/** A short printable excerpt of an unknown body, for error messages and logs. */
export function excerpt(body: unknown, max = 300): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
