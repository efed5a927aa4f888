// A fake Zendesk Support API: POST /api/v2/tickets.json with API-token basic auth ("{email}/token:{token}"),
// the Idempotency-Key header (same key + same body → the first answer again with x-idempotency-lookup: hit;
// same key + different body → 400 IdempotentRequestError), 422 RecordInvalid, 429 with Retry-After, and
// GET /api/v2/tickets.json?external_id=… .
import { createHash } from 'node:crypto';
import {
  basicAuth,
  type FakeServer,
  FaultPlan,
  type Reply,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

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
}

export interface ZendeskFake extends FakeServer {
  email: string;
  apiToken: string;
  tickets: ZendeskTicket[];
  faults: FaultPlan;
  /** Answers replayed from the idempotency store. */
  readonly replays: number;
}

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
      status: 'new',
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
  };
}
