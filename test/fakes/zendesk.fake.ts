// A fake Zendesk Support API: POST /api/v2/tickets.json with API-token basic auth ("{email}/token:{token}"),
// the Idempotency-Key header (same key + same body → the first answer again with x-idempotency-lookup: hit;
// same key + different body → 400 IdempotentRequestError), 422 RecordInvalid, 429 with Retry-After, and
// GET /api/v2/tickets.json?external_id=… .
import { createHash, createHmac, randomUUID } from 'node:crypto';
import {
  basicAuth,
  type FakeServer,
  FaultPlan,
  type Reply,
  sendWebhook,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

export interface ZendeskComment {
  id: number;
  body: string;
  public: boolean;
  authorId: number;
  authorName: string;
  staff: boolean;
}

export interface ZendeskTicket {
  id: number;
  subject: string;
  priority: string;
  tags: string[];
  external_id: string | null;
  comment: { body: string; public?: boolean };
  requester?: { name: string; email: string };
  group_id?: number;
  custom_fields?: Array<{ id: number; value: string }>;
  type?: string;
  requester_id?: number;
  status: string;
  comments: ZendeskComment[];
}

export interface ZendeskFake extends FakeServer {
  email: string;
  apiToken: string;
  tickets: ZendeskTicket[];
  faults: FaultPlan;
  /** Answers replayed from the idempotency store. */
  readonly replays: number;
  /** The webhook's signing secret (Admin Center → Webhooks → signing secret). */
  webhookSecret: string;
  /** Where the event-subscription webhook goes; every comment (ours too) and status change is sent there. */
  webhookUrl: string | null;
  /** Webhook answers, in order. */
  deliveries: Array<{ type: string; status: number }>;
  /** An agent answers publicly on the ticket (sent to the webhook like any comment). */
  agentComment(
    ticketId: number,
    body: string,
    options?: { isPublic?: boolean },
  ): Promise<{ status: number; body: any; raw: string }>;
  /** An agent changes the status (NEW, OPEN, PENDING, HOLD, SOLVED, CLOSED). */
  setStatus(ticketId: number, status: string): Promise<{ status: number; body: any; raw: string }>;
  /** Sends this raw body signed (or not) as Zendesk would: the replay and forgery tests use it. */
  deliver(
    raw: string,
    options?: { secret?: string; timestamp?: string; unsigned?: boolean },
  ): Promise<{ status: number; body: any }>;
}

export const ZENDESK_AGENT = { id: 8447388090495, name: 'Sam from Support' };

export async function startZendeskFake(): Promise<ZendeskFake> {
  const email = 'agent@example.com';
  const apiToken = 'zd-token-123';
  const tickets: ZendeskTicket[] = [];
  const idempotency = new Map<string, { bodyHash: string; reply: Reply }>();
  const faults = new FaultPlan(() => ({
    kind: 'status',
    status: 503,
    body: { error: 'Service Unavailable' },
    headers: { 'retry-after': '1' },
  }));
  let replays = 0;
  let commentIds = 9_876_543_000;
  const webhookSecret = 'zd-webhook-signing-secret';
  const hooks = { url: null as string | null };
  const deliveries: Array<{ type: string; status: number }> = [];

  async function deliver(
    raw: string,
    options: { secret?: string; timestamp?: string; unsigned?: boolean } = {},
  ) {
    if (!hooks.url) throw new Error('zendesk fake: webhookUrl is not set');
    const timestamp = options.timestamp ?? new Date().toISOString();
    const signature = createHmac('sha256', options.secret ?? webhookSecret)
      .update(timestamp)
      .update(raw)
      .digest('base64');
    return sendWebhook(hooks.url, raw, {
      'content-type': 'application/json',
      ...(options.unsigned
        ? {}
        : { 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp }),
    });
  }

  /** The event-subscription envelope Zendesk sends (zendesk_event_version 2022-11-06). */
  async function emit(ticket: ZendeskTicket, type: string, event: Record<string, unknown>) {
    const raw = JSON.stringify({
      account_id: 22129848,
      detail: { id: String(ticket.id), subject: ticket.subject, status: ticket.status.toUpperCase() },
      event,
      id: randomUUID(),
      subject: `zen:ticket:${ticket.id}`,
      time: new Date().toISOString(),
      type,
      zendesk_event_version: '2022-11-06',
    });
    const answer = await deliver(raw);
    deliveries.push({ type, status: answer.status });
    return { ...answer, raw };
  }

  function addComment(ticket: ZendeskTicket, comment: Omit<ZendeskComment, 'id'>): ZendeskComment {
    const c = { id: ++commentIds, ...comment };
    ticket.comments.push(c);
    return c;
  }

  const emitComment = (ticket: ZendeskTicket, c: ZendeskComment) =>
    emit(ticket, 'zen:event-type:ticket.comment_added', {
      comment: {
        id: c.id,
        body: c.body,
        is_public: c.public,
        author: { id: c.authorId, is_staff: c.staff, name: c.authorName },
      },
    });

  const server = await startFakeServer(async (req) => {
    const auth = basicAuth(req.headers);
    if (!auth || auth.user !== `${email}/token` || auth.password !== apiToken) {
      return { status: 401, body: { error: "Couldn't authenticate you" } };
    }
    if (req.path === '/api/v2/tickets.json' && req.method === 'GET') {
      const externalId = req.query.get('external_id');
      const found = tickets.filter((t) => externalId === null || t.external_id === externalId);
      return {
        status: 200,
        body: { tickets: found.map(view), count: found.length, next_page: null, previous_page: null },
      };
    }
    const update = req.path.match(/^\/api\/v2\/tickets\/(\d+)\.json$/);
    if (update && req.method === 'PUT') {
      const ticket = tickets.find((t) => t.id === Number(update[1]));
      if (!ticket) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
      const c = (
        req.json as {
          ticket?: { comment?: { body?: unknown; public?: unknown; author_id?: unknown } };
        } | null
      )?.ticket?.comment;
      if (!c || typeof c.body !== 'string' || c.body === '')
        return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors' } };
      const asRequester = typeof c.author_id === 'number' && c.author_id === ticket.requester_id;
      const comment = addComment(ticket, {
        body: c.body,
        public: c.public !== false,
        authorId: asRequester ? (ticket.requester_id ?? 0) : 1_000_001,
        authorName: asRequester ? (ticket.requester?.name ?? 'Requester') : 'Switchboard API',
        staff: !asRequester,
      });
      // Zendesk fires its webhooks after answering; so does the fake (the echo the loop guard must drop).
      setTimeout(() => void emitComment(ticket, comment).catch(() => {}), 5);
      return {
        status: 200,
        body: {
          ticket: view(ticket),
          audit: {
            id: comment.id + 1,
            ticket_id: ticket.id,
            events: [{ id: comment.id, type: 'Comment', body: comment.body, public: comment.public }],
          },
        },
      };
    }
    if (req.path !== '/api/v2/tickets.json' || req.method !== 'POST')
      return { status: 404, body: { error: 'InvalidEndpoint' } };
    return withFault(faults.next(), () => {
      const key = req.headers['idempotency-key'];
      const bodyHash = createHash('sha256').update(req.raw).digest('hex');
      if (typeof key === 'string') {
        const seen = idempotency.get(key);
        if (seen && seen.bodyHash !== bodyHash) {
          return {
            status: 400,
            body: {
              error: 'IdempotentRequestError',
              description: 'Request parameters do not match the original request',
            },
          };
        }
        if (seen) {
          replays++;
          return { ...seen.reply, headers: { ...seen.reply.headers, 'x-idempotency-lookup': 'hit' } };
        }
      }
      const t = (req.json as { ticket?: Partial<ZendeskTicket> } | null)?.ticket;
      if (!t?.comment?.body) {
        return {
          status: 422,
          body: {
            error: 'RecordInvalid',
            description: 'Record validation errors',
            details: { base: [{ description: 'Description: cannot be blank' }] },
          },
        };
      }
      if (t.priority && !['low', 'normal', 'high', 'urgent'].includes(t.priority)) {
        return {
          status: 422,
          body: {
            error: 'RecordInvalid',
            description: 'Record validation errors',
            details: { priority: [{ description: 'Priority: is invalid' }] },
          },
        };
      }
      const ticket: ZendeskTicket = {
        id: tickets.length + 1,
        subject: t.subject ?? '',
        priority: t.priority ?? 'normal',
        tags: t.tags ?? [],
        external_id: t.external_id ?? null,
        comment: t.comment,
        ...(t.requester ? { requester: t.requester } : {}),
        ...(t.group_id !== undefined ? { group_id: t.group_id } : {}),
        ...(t.custom_fields ? { custom_fields: t.custom_fields } : {}),
        ...(t.type ? { type: t.type } : {}),
        ...(t.requester ? { requester_id: 7_000_000 + tickets.length + 1 } : {}),
        status: 'new',
        comments: [],
      };
      tickets.push(ticket);
      const reply: Reply = {
        status: 201,
        body: { ticket: view(ticket) },
        headers: { 'x-idempotency-lookup': 'miss' },
      };
      if (typeof key === 'string') idempotency.set(key, { bodyHash, reply });
      return reply;
    });
  });

  function view(t: ZendeskTicket) {
    return {
      url: `${server.url}/api/v2/tickets/${t.id}.json`,
      id: t.id,
      subject: t.subject,
      priority: t.priority,
      status: t.status,
      requester_id: t.requester_id,
      tags: t.tags,
      external_id: t.external_id,
      description: t.comment.body,
    };
  }

  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    email,
    apiToken,
    tickets,
    faults,
    get replays() {
      return replays;
    },
    webhookSecret,
    get webhookUrl() {
      return hooks.url;
    },
    set webhookUrl(url: string | null) {
      hooks.url = url;
    },
    deliveries,
    deliver,
    async agentComment(ticketId, body, options = {}) {
      const ticket = tickets.find((t) => t.id === ticketId);
      if (!ticket) throw new Error(`zendesk fake: no ticket ${ticketId}`);
      const c = addComment(ticket, {
        body,
        public: options.isPublic ?? true,
        authorId: ZENDESK_AGENT.id,
        authorName: ZENDESK_AGENT.name,
        staff: true,
      });
      return emitComment(ticket, c);
    },
    async setStatus(ticketId, status) {
      const ticket = tickets.find((t) => t.id === ticketId);
      if (!ticket) throw new Error(`zendesk fake: no ticket ${ticketId}`);
      const previous = ticket.status.toUpperCase();
      ticket.status = status.toLowerCase();
      return emit(ticket, 'zen:event-type:ticket.status_changed', {
        current: status.toUpperCase(),
        previous,
      });
    },
  };
}
