// Zendesk Support API transport: API-token basic auth ("{email}/token:{token}"), the Idempotency-Key
// header on ticket creation (Zendesk replays the first answer for the same key), 429 with Retry-After.
import { z } from 'zod';
import {
  callVendor,
  classifyHttpFailure,
  type DeliveryResult,
  excerpt,
  type Fetch,
  transportFailure,
} from '../vendor.http.ts';
import type { ZendeskTicketRequest } from './zendesk.mapping.ts';

export interface ZendeskClientOptions {
  url: string;
  email: string;
  apiToken: string;
  timeoutMs: number;
  fetch?: Fetch;
}

const ticketSchema = z.object({
  id: z.number(),
  url: z.string().optional(),
  requester_id: z.number().optional(),
});
type Failure = Extract<DeliveryResult, { outcome: 'retry' | 'failed' }>;

export function createZendeskClient(options: ZendeskClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`;
  const agentUrl = (id: number) => `${options.url}/agent/tickets/${id}`;

  function failure(response: Parameters<typeof classifyHttpFailure>[1]): Failure {
    const body = response.body as { error?: unknown; description?: unknown } | null;
    if (response.status === 400 && body && body.error === 'IdempotentRequestError') {
      // Same key, different body: our packet is frozen, so this means a bug, not a vendor hiccup.
      return {
        outcome: 'failed',
        error: `Zendesk refused a reused idempotency key with a different body: ${excerpt(body)}`,
      };
    }
    if (response.status === 401) {
      return {
        outcome: 'failed',
        error: 'Zendesk rejected the credentials (401): check ZENDESK_EMAIL and ZENDESK_API_TOKEN',
      };
    }
    return classifyHttpFailure('Zendesk', response, excerpt(response.body));
  }

  return {
    async createTicket(
      request: ZendeskTicketRequest,
      idempotencyKey: string,
    ): Promise<
      | { ok: true; id: number; url: string; replayed: boolean; requesterId?: number }
      | { ok: false; result: Failure }
    > {
      const call = await callVendor(fetchImpl, {
        method: 'POST',
        url: `${options.url}/api/v2/tickets.json`,
        headers: { authorization, 'idempotency-key': idempotencyKey },
        json: request,
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Zendesk', call) };
      const { status, body, headers } = call.response;
      if (status === 200 || status === 201) {
        const parsed = z.object({ ticket: ticketSchema }).safeParse(body);
        if (!parsed.success) {
          return {
            ok: false,
            result: {
              outcome: 'retry',
              error: `Zendesk answered an unreadable ticket: ${excerpt(body)}`,
              inDoubt: true,
            },
          };
        }
        return {
          ok: true,
          id: parsed.data.ticket.id,
          url: agentUrl(parsed.data.ticket.id),
          replayed: headers.get('x-idempotency-lookup') === 'hit',
          ...(parsed.data.ticket.requester_id !== undefined
            ? { requesterId: parsed.data.ticket.requester_id }
            : {}),
        };
      }
      return { ok: false, result: failure(call.response) };
    },

    /**
     * A public comment on the ticket (PUT /api/v2/tickets/{id}.json). With `authorId` (the requester) it
     * reads as the visitor's own words and Zendesk does not e-mail it back to them.
     */
    async addComment(
      ticketId: string,
      body: string,
      authorId?: number,
    ): Promise<{ ok: true; commentId: string | null } | { ok: false; result: Failure }> {
      const call = await callVendor(fetchImpl, {
        method: 'PUT',
        url: `${options.url}/api/v2/tickets/${encodeURIComponent(ticketId)}.json`,
        headers: { authorization },
        json: {
          ticket: {
            comment: { body, public: true, ...(authorId !== undefined ? { author_id: authorId } : {}) },
          },
        },
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Zendesk', call) };
      if (call.response.status !== 200) return { ok: false, result: failure(call.response) };
      const audit = z
        .object({
          audit: z.object({ events: z.array(z.object({ id: z.number(), type: z.string() }).passthrough()) }),
        })
        .safeParse(call.response.body);
      const comment = audit.success ? audit.data.audit.events.find((e) => e.type === 'Comment') : undefined;
      return { ok: true, commentId: comment ? String(comment.id) : null };
    },

    /** Tickets carrying our external id: finds one an unanswered attempt created after the idempotency window. */
    async findByExternalId(
      externalId: string,
    ): Promise<{ ok: true; id: number | null; url?: string } | { ok: false; result: Failure }> {
      const call = await callVendor(fetchImpl, {
        method: 'GET',
        url: `${options.url}/api/v2/tickets.json?${new URLSearchParams({ external_id: externalId })}`,
        headers: { authorization },
        timeoutMs: options.timeoutMs,
      });
      if (!call.ok) return { ok: false, result: transportFailure('Zendesk', call) };
      const { status, body } = call.response;
      if (status !== 200) return { ok: false, result: failure(call.response) };
      const parsed = z.object({ tickets: z.array(ticketSchema) }).safeParse(body);
      if (!parsed.success) {
        return {
          ok: false,
          result: {
            outcome: 'retry',
            error: `Zendesk answered an unreadable list: ${excerpt(body)}`,
            inDoubt: true,
          },
        };
      }
      const first = parsed.data.tickets[0];
      return first ? { ok: true, id: first.id, url: agentUrl(first.id) } : { ok: true, id: null };
    },
  };
}

export type ZendeskClient = ReturnType<typeof createZendeskClient>;
