// Freshdesk API v2 transport: basic auth with the API key as user name and "X" as password, 429 with
// Retry-After, validation errors as 400 {description, errors:[{field, message, code}]}.
import { z } from 'zod';
import {
  callVendor,
  classifyHttpFailure,
  type DeliveryResult,
  excerpt,
  type Fetch,
  transportFailure,
} from '../vendor.http.ts';
import type { FreshdeskTicketRequest } from './freshdesk.mapping.ts';

export interface FreshdeskClientOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
  fetch?: Fetch;
}

type Failure = Extract<DeliveryResult, { outcome: 'retry' | 'failed' }>;

export function createFreshdeskClient(options: FreshdeskClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = `Basic ${Buffer.from(`${options.apiKey}:X`).toString('base64')}`;
  const agentUrl = (id: number) => `${options.url}/a/tickets/${id}`;

  function failure(response: Parameters<typeof classifyHttpFailure>[1]): Failure {
    if (response.status === 401) {
      return { outcome: 'failed', error: 'Freshdesk rejected the API key (401): check FRESHDESK_API_KEY' };
    }
    return classifyHttpFailure('Freshdesk', response, excerpt(response.body));
  }

  return {
    async createTicket(
      request: FreshdeskTicketRequest,
    ): Promise<{ ok: true; id: number; url: string } | { ok: false; result: Failure }> {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url: `${options.url}/api/v2/tickets`,
        headers: { authorization },
        json: request,
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Freshdesk', call) };
      const { status, body } = call.response;
      if (status === 200 || status === 201) {
        const parsed = z.object({ id: z.number() }).safeParse(body);
        if (!parsed.success) {
          return {
            ok: false,
            result: {
              outcome: 'retry',
              error: `Freshdesk answered an unreadable ticket: ${excerpt(body)}`,
              inDoubt: true,
            },
          };
        }
        return { ok: true, id: parsed.data.id, url: agentUrl(parsed.data.id) };
      }
      return { ok: false, result: failure(call.response) };
    },

    /** A reply on the ticket (POST /api/v2/tickets/{id}/reply), HTML body. */
    async reply(
      ticketId: string,
      bodyHtml: string,
    ): Promise<{ ok: true; replyId: string | null } | { ok: false; result: Failure }> {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url: `${options.url}/api/v2/tickets/${encodeURIComponent(ticketId)}/reply`,
        headers: { authorization },
        json: { body: bodyHtml },
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Freshdesk', call) };
      const { status, body } = call.response;
      if (status !== 200 && status !== 201) return { ok: false, result: failure(call.response) };
      const parsed = z.object({ id: z.number() }).safeParse(body);
      return { ok: true, replyId: parsed.success ? String(parsed.data.id) : null };
    },

    /** Search by tag. Freshdesk's search index can lag a little behind creation (see README). */
    async findByTag(
      tag: string,
    ): Promise<{ ok: true; id: number | null; url?: string } | { ok: false; result: Failure }> {
      const call = await callVendor(fetchImpl, {
        method: 'GET',
        url: `${options.url}/api/v2/search/tickets?${new URLSearchParams({ query: `"tag:'${tag}'"` })}`,
        headers: { authorization },
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Freshdesk', call) };
      const { status, body } = call.response;
      if (status !== 200) return { ok: false, result: failure(call.response) };
      const parsed = z.object({ results: z.array(z.object({ id: z.number() })) }).safeParse(body);
      if (!parsed.success) {
        return {
          ok: false,
          result: {
            outcome: 'retry',
            error: `Freshdesk answered an unreadable search: ${excerpt(body)}`,
            inDoubt: true,
          },
        };
      }
      const first = parsed.data.results[0];
      return first ? { ok: true, id: first.id, url: agentUrl(first.id) } : { ok: true, id: null };
    },
  };
}

export type FreshdeskClient = ReturnType<typeof createFreshdeskClient>;
