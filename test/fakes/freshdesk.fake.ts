// A fake Freshdesk API v2: POST /api/v2/tickets with basic auth (API key as user, "X" as password),
// validation as 400 {"description":"Validation failed","errors":[{field,message,code}]}, 401
// invalid_credentials, 429 with Retry-After, and GET /api/v2/search/tickets?query="tag:'…'" — with an
// optional search-index lag, as Freshdesk's search is only eventually consistent.
import {
  basicAuth,
  type FakeServer,
  FaultPlan,
  sendWebhook,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

export const FRESHDESK_AGENT = 'Priya Agent';

export interface FreshdeskTicket {
  id: number;
  subject: string;
  description: string;
  priority: number;
  status: number;
  source: number;
  tags: string[];
  email?: string;
  phone?: string;
  name?: string;
  unique_external_id?: string;
  group_id?: number;
  custom_fields?: Record<string, unknown>;
  createdAt: number;
  replies: Array<{ id: number; body: string; by: string }>;
}

export interface FreshdeskFake extends FakeServer {
  apiKey: string;
  tickets: FreshdeskTicket[];
  faults: FaultPlan;
  searchFaults: FaultPlan;
  /** Tickets appear in search only this long after creation. */
  searchLagMs: number;
  /** The secret the automation rules send in X-Switchboard-Secret (README), and where they send it. */
  webhookSecret: string;
  webhookUrl: string | null;
  /** Rule "agent replied": an agent answers (Freshdesk also fires it for replies made through the API). */
  agentReply(ticketId: number, text: string): Promise<{ status: number; body: any; raw: string }>;
  /** Rule "status changed": 2 open, 3 pending, 4 resolved, 5 closed. */
  setStatus(ticketId: number, status: number): Promise<{ status: number; body: any; raw: string }>;
  /** Sends a rule's body with the given secret header (or none). */
  deliver(raw: string, secret?: string | null): Promise<{ status: number; body: any }>;
}

const STATUS_NAMES: Record<number, string> = { 2: 'Open', 3: 'Pending', 4: 'Resolved', 5: 'Closed' };

export async function startFreshdeskFake(): Promise<FreshdeskFake> {
  const apiKey = 'fd-key-abc';
  const tickets: FreshdeskTicket[] = [];
  const unavailable = () => ({
    kind: 'status' as const,
    status: 503,
    body: { code: 'service_unavailable', message: 'Service Unavailable' },
  });
  const faults = new FaultPlan(unavailable);
  const searchFaults = new FaultPlan(unavailable);
  const state = { searchLagMs: 0, webhookUrl: null as string | null };
  const webhookSecret = 'fd-webhook-secret-0123456789';
  let replyIds = 50_000;

  async function deliver(raw: string, secret: string | null = webhookSecret) {
    if (!state.webhookUrl) throw new Error('freshdesk fake: webhookUrl is not set');
    return sendWebhook(state.webhookUrl, raw, {
      'content-type': 'application/json',
      ...(secret !== null ? { 'x-switchboard-secret': secret } : {}),
    });
  }

  /** The README's rule body with the placeholders filled in as Freshdesk fills them. */
  async function rule(ticket: FreshdeskTicket, event: 'agent_replied' | 'status_changed', agent: string) {
    const latest = [...ticket.replies].reverse()[0];
    const raw = JSON.stringify({
      event,
      ticket_id: String(ticket.id),
      status: STATUS_NAMES[ticket.status] ?? String(ticket.status),
      latest_public_comment: event === 'agent_replied' ? (latest?.body ?? '') : '',
      agent_name: agent,
      updated_at: new Date().toISOString(),
    });
    return { ...(await deliver(raw)), raw };
  }
  const plain = (htmlText: string) =>
    htmlText
      .replace(/<br>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');

  const server = await startFakeServer(async (req) => {
    const auth = basicAuth(req.headers);
    if (!auth || auth.user !== apiKey) {
      return {
        status: 401,
        body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' },
      };
    }
    if (req.path === '/api/v2/search/tickets' && req.method === 'GET') {
      return withFault(searchFaults.next(), () => {
        const query = req.query.get('query') ?? '';
        const match = query.match(/^"tag:'([^']+)'"$/);
        if (!match)
          return {
            status: 400,
            body: {
              description: 'Validation failed',
              errors: [{ field: 'query', message: 'Invalid query', code: 'invalid_value' }],
            },
          };
        const visible = Date.now() - state.searchLagMs;
        const results = tickets
          .filter((t) => t.tags.includes(match[1] ?? '') && t.createdAt <= visible)
          .map(({ createdAt: _c, replies: _r, ...t }) => t);
        return { status: 200, body: { results, total: results.length } };
      });
    }
    const reply = req.path.match(/^\/api\/v2\/tickets\/(\d+)\/reply$/);
    if (reply && req.method === 'POST') {
      const ticket = tickets.find((t) => t.id === Number(reply[1]));
      if (!ticket) return { status: 404, body: { code: 'not_found' } };
      const body = (req.json as { body?: unknown } | null)?.body;
      if (typeof body !== 'string' || body === '')
        return {
          status: 400,
          body: {
            description: 'Validation failed',
            errors: [{ field: 'body', message: 'Mandatory attribute missing', code: 'missing_field' }],
          },
        };
      const entry = { id: ++replyIds, body: plain(body), by: 'API agent' };
      ticket.replies.push(entry);
      // Freshdesk's "reply sent" rule fires for API replies too: the echo the loop guard must drop.
      setTimeout(() => void rule(ticket, 'agent_replied', 'Switchboard API').catch(() => {}), 5);
      return {
        status: 201,
        body: { id: entry.id, body, ticket_id: ticket.id, created_at: new Date().toISOString() },
      };
    }
    if (req.path !== '/api/v2/tickets' || req.method !== 'POST')
      return { status: 404, body: { code: 'not_found' } };
    return withFault(faults.next(), () => {
      const b = (req.json ?? {}) as Partial<FreshdeskTicket>;
      const errors: Array<{ field: string; message: string; code: string }> = [];
      if (!b.subject)
        errors.push({ field: 'subject', message: 'Mandatory attribute missing', code: 'missing_field' });
      if (!b.description)
        errors.push({ field: 'description', message: 'Mandatory attribute missing', code: 'missing_field' });
      if (![1, 2, 3, 4].includes(b.priority ?? 0))
        errors.push({
          field: 'priority',
          message: 'It should be one of these values: 1,2,3,4',
          code: 'invalid_value',
        });
      if (![2, 3, 4, 5].includes(b.status ?? 0))
        errors.push({
          field: 'status',
          message: 'It should be one of these values: 2,3,4,5',
          code: 'invalid_value',
        });
      if (!b.email && !b.phone && !b.unique_external_id) {
        errors.push({
          field: 'requester_id',
          message:
            'Please fill at least 1 of requester_id, phone, email, twitter_id, facebook_id, unique_external_id fields',
          code: 'missing_field',
        });
      }
      if (b.phone && !b.email && !b.name)
        errors.push({ field: 'name', message: 'It should be a/an String', code: 'missing_field' });
      if (errors.length) return { status: 400, body: { description: 'Validation failed', errors } };
      const ticket: FreshdeskTicket = {
        id: tickets.length + 1,
        subject: b.subject ?? '',
        description: b.description ?? '',
        priority: b.priority ?? 1,
        status: b.status ?? 2,
        source: b.source ?? 2,
        tags: b.tags ?? [],
        ...(b.email ? { email: b.email } : {}),
        ...(b.phone ? { phone: b.phone } : {}),
        ...(b.name ? { name: b.name } : {}),
        ...(b.unique_external_id ? { unique_external_id: b.unique_external_id } : {}),
        ...(b.group_id !== undefined ? { group_id: b.group_id } : {}),
        ...(b.custom_fields ? { custom_fields: b.custom_fields } : {}),
        createdAt: Date.now(),
        replies: [],
      };
      tickets.push(ticket);
      const { createdAt: _c, replies: _r, ...body } = ticket;
      return { status: 201, body: { ...body, created_at: new Date().toISOString() } };
    });
  });

  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    apiKey,
    tickets,
    faults,
    searchFaults,
    get searchLagMs() {
      return state.searchLagMs;
    },
    set searchLagMs(v: number) {
      state.searchLagMs = v;
    },
    webhookSecret,
    get webhookUrl() {
      return state.webhookUrl;
    },
    set webhookUrl(url: string | null) {
      state.webhookUrl = url;
    },
    deliver,
    async agentReply(ticketId, text) {
      const ticket = tickets.find((t) => t.id === ticketId);
      if (!ticket) throw new Error(`freshdesk fake: no ticket ${ticketId}`);
      ticket.replies.push({ id: ++replyIds, body: text, by: FRESHDESK_AGENT });
      return rule(ticket, 'agent_replied', FRESHDESK_AGENT);
    },
    async setStatus(ticketId, status) {
      const ticket = tickets.find((t) => t.id === ticketId);
      if (!ticket) throw new Error(`freshdesk fake: no ticket ${ticketId}`);
      ticket.status = status;
      return rule(ticket, 'status_changed', FRESHDESK_AGENT);
    },
  };
}
