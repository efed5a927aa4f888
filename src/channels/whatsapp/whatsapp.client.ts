// Sends one Graph `messages` body and says what came of it: sent (with the `wamid`), worth retrying
// (429, 5xx, Graph's throttling codes, a timeout), or failed for good. 131047 means WhatsApp's 24-hour
// customer-service window is closed: nothing but a template reaches the visitor until they write again.
import { callVendor, excerpt, type Fetch, retryAfterMs } from '../../handoff/vendor.http.ts';
import type { VendorSend } from '../outbox.channel.ts';
import type { GraphMessage } from './whatsapp.mapping.ts';

export const WINDOW_CLOSED_CODE = 'whatsapp_window_closed';

/** Graph error codes that are throttling or a transient fault: the same request later may pass. */
const TRANSIENT_GRAPH_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131048, 131056, 133004]);

export type GraphSend = VendorSend;

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  error_data?: { details?: string };
}

function graphError(body: unknown): GraphError | null {
  if (!body || typeof body !== 'object' || !('error' in body)) return null;
  const error = (body as { error: unknown }).error;
  return error && typeof error === 'object' ? (error as GraphError) : null;
}

export function createWhatsAppClient(options: {
  apiUrl: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs: number;
  fetch?: Fetch;
}) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = `${options.apiUrl}/${encodeURIComponent(options.phoneNumberId)}/messages`;

  async function send(message: GraphMessage): Promise<GraphSend> {
    const call = await callVendor(fetchImpl, {
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${options.accessToken}` },
      json: message,
      timeoutMs: options.timeoutMs,
    });
    if (!call.ok) return { outcome: 'retry', reason: `WhatsApp: ${call.error}` };
    const { status, body, headers } = call.response;
    if (status >= 200 && status < 300) {
      const id = (body as { messages?: Array<{ id?: unknown }> } | null)?.messages?.[0]?.id;
      if (typeof id === 'string' && id.length > 0) return { outcome: 'sent', messageId: id };
      return {
        outcome: 'failed',
        reason: `WhatsApp answered ${status} without a message id: ${excerpt(body)}`,
        code: 'whatsapp_bad_answer',
      };
    }
    const error = graphError(body);
    const detail = error
      ? `${error.message ?? 'error'} (code ${error.code ?? '?'}${error.error_subcode ? `/${error.error_subcode}` : ''}${error.fbtrace_id ? `, fbtrace_id ${error.fbtrace_id}` : ''})`
      : excerpt(body);
    const after = retryAfterMs(headers);
    if (
      status === 429 ||
      status >= 500 ||
      (error?.code !== undefined && TRANSIENT_GRAPH_CODES.has(error.code))
    ) {
      return {
        outcome: 'retry',
        reason: `WhatsApp answered ${status}: ${detail}`,
        ...(after !== undefined ? { afterMs: after } : {}),
      };
    }
    if (error?.code === 131047) {
      return {
        outcome: 'failed',
        reason: `WhatsApp's 24-hour window is closed: ${detail}`,
        code: WINDOW_CLOSED_CODE,
      };
    }
    return {
      outcome: 'failed',
      reason: `WhatsApp refused the message (${status}): ${detail}`,
      code: error?.code !== undefined ? `whatsapp_${error.code}` : `whatsapp_http_${status}`,
    };
  }

  return { send };
}

export type WhatsAppClient = ReturnType<typeof createWhatsAppClient>;
