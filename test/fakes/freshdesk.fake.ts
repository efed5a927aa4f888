// A fake Freshdesk API v2: POST /api/v2/tickets with basic auth (API key as user, "X" as password),
// validation as 400 {"description":"Validation failed","errors":[{field,message,code}]}, 401
// invalid_credentials, 429 with Retry-After, and GET /api/v2/search/tickets?query="tag:'…'" — with an
// optional search-index lag, as Freshdesk's search is only eventually consistent.
import {
  basicAuth,
  type FakeServer,
  FaultPlan,
  startFakeServer,
  withFault,
} from '../handoff/support/fake-http.ts';

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
}

export interface FreshdeskFake extends FakeServer {
  apiKey: string;
  tickets: FreshdeskTicket[];
  faults: FaultPlan;
  searchFaults: FaultPlan;
  /** Tickets appear in search only this long after creation. */
  searchLagMs: number;
}

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
  const state = { searchLagMs: 0 };

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
          .map(({ createdAt: _c, ...t }) => t);
        return { status: 200, body: { results, total: results.length } };
      });
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
      };
      tickets.push(ticket);
      const { createdAt: _c, ...body } = ticket;
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
  };
}
