// Evolution API's send-text endpoint: `POST {url}/message/sendText/{instance}` with the `apikey` header and
// `{number, text}`; the answer carries the sent message's `key.id`.
import { callVendor, excerpt, type Fetch, retryAfterMs } from '../../handoff/vendor.http.ts';
import type { VendorSend } from '../outbox.channel.ts';
import type { EvolutionSendText } from './evolution.mapping.ts';

export type EvolutionSend = VendorSend;

export function createEvolutionClient(options: {
  apiUrl: string;
  apiKey: string;
  instance: string;
  timeoutMs: number;
  fetch?: Fetch;
}) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = `${options.apiUrl}/message/sendText/${encodeURIComponent(options.instance)}`;
  return {
    async send(body: EvolutionSendText): Promise<EvolutionSend> {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url,
        headers: { apikey: options.apiKey },
        json: body,
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { outcome: 'retry', reason: `Evolution API: ${call.error}` };
      const { status, headers } = call.response;
      const answer = call.response.body;
      if (status >= 200 && status < 300) {
        const id = (answer as { key?: { id?: unknown } } | null)?.key?.id;
        if (typeof id === 'string' && id) return { outcome: 'sent', messageId: id };
        return {
          outcome: 'failed',
          reason: `Evolution API answered ${status} without key.id: ${excerpt(answer)}`,
          code: 'evolution_bad_answer',
        };
      }
      if (status === 429 || status >= 500) {
        const after = retryAfterMs(headers);
        return {
          outcome: 'retry',
          reason: `Evolution API answered ${status}: ${excerpt(answer)}`,
          ...(after !== undefined ? { afterMs: after } : {}),
        };
      }
      return {
        outcome: 'failed',
        reason: `Evolution API refused the message (${status}): ${excerpt(answer)}`,
        code: `evolution_http_${status}`,
      };
    },
  };
}

export type EvolutionClient = ReturnType<typeof createEvolutionClient>;
