// The service escalation API (POST /api/support/escalate) over HTTP against a running server. Risks
// covered: a caller without the shared secret writing tickets; a retried call (the other system's
// timeout) opening a second ticket; a malformed body answered with a 500 or a vague message; the ticket
// not reaching the operators (listed and notified).
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN_FAILURES_PER_MINUTE } from '../../src/server/app.ts';
import { supportTickets } from '../../src/storage/schema/index.ts';
import { newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const SECRET = 'service-secret-0123456789';
let t: TestRuntime;

beforeAll(async () => {
  t = await startTestRuntime({ env: { SERVICE_SECRET: SECRET } });
});
afterAll(async () => {
  await t?.close();
});

const escalate = (body: unknown, headers: Record<string, string> = { 'x-service-token': SECRET }) =>
  api(t.url, 'POST', '/api/support/escalate', body, headers);

const ticketCount = async () =>
  Number((await t.runtime.database.db.select({ n: count() }).from(supportTickets))[0]?.n ?? 0);

const DOCUMENT_BODY = {
  customer_id: 'cust_8841',
  source_type: 'whatsapp',
  source_reference_id: 'wamid.HBgLMTIzNDU2Nzg5MA',
  source_phone_number: '+44 7700 900123',
  subject: 'Order #4411 arrived damaged',
  escalation_reason: 'Customer asked for a human after two failed troubleshooting steps',
  escalation_category: 'refund',
  priority: 'urgent',
  status: 'open',
  bot_detected_sentiment: 'angry',
  customer_journey_stage: 'post_purchase',
  metadata: {
    conversation_summary: 'Parcel damaged, wants a refund today',
    conversation_history: [{ role: 'user', text: 'my parcel is broken' }],
    keywords_detected: ['refund', 'damaged'],
    bot_confidence: 0.82,
    channel_account: 'shop-uk',
  },
};

describe('service escalation API', () => {
  it('refuses a wrong or missing token with 401 and writes nothing', async () => {
    const before = await ticketCount();
    const wrong = await escalate(DOCUMENT_BODY, { 'x-service-token': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'Unauthorized' });
    expect((await escalate(DOCUMENT_BODY, {})).status).toBe(401);
    expect(await ticketCount()).toBe(before);
  });

  it('refuses a bad body with 400 naming the field, and writes nothing', async () => {
    const before = await ticketCount();
    const r = await escalate({ ...DOCUMENT_BODY, priority: 'asap' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/priority is one of/);
    const missing = await escalate({ source_type: 'whatsapp' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/subject/);
    const unknown = await escalate({ ...DOCUMENT_BODY, priorty: 'high' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/priorty/);
    expect(await ticketCount()).toBe(before);
  });

  it('opens a ticket operators see and are told about; a retry answers the same ticket', async () => {
    const events: unknown[] = [];
    const unsubscribe = await t.runtime.realtime.subscribe('operators', (e) => {
      if (e.kind === 'queue') events.push(e.payload);
    });
    const first = await escalate(DOCUMENT_BODY);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      success: true,
      assigned_to: null,
      estimated_response_time: '15 minutes',
    });
    expect(first.body.ticket_number).toMatch(/^TKT-\d{4}-\d{4}$/);
    expect(first.body.message).toContain(first.body.ticket_number);
    const again = await escalate(DOCUMENT_BODY);
    expect(again.status).toBe(200);
    expect(again.body.ticket_id).toBe(first.body.ticket_id);
    await unsubscribe();
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'ticket', ticketNumber: first.body.ticket_number }),
    );

    const agent = await newOperator(t.runtime, t.url, 'agent');
    const view = await api(
      t.url,
      'GET',
      `/api/v1/tickets/${first.body.ticket_number}`,
      undefined,
      agent.auth,
    );
    expect(view.body).toMatchObject({
      channel: 'whatsapp',
      customerId: 'cust_8841',
      sourcePhoneNumber: '+447700900123',
      priority: 'urgent',
      sentiment: 'angry',
      journeyStage: 'post_purchase',
      description: 'Parcel damaged, wants a refund today',
    });
  });

  it('is idempotent by Idempotency-Key too, and a non-urgent ticket is promised the configured time', async () => {
    const body = { source_type: 'web', subject: 'Invoice address wrong', priority: 'high' };
    const headers = { 'x-service-token': SECRET, 'idempotency-key': 'crm-run-77' };
    const [a, b] = await Promise.all([escalate(body, headers), escalate(body, headers)]);
    expect(a.body.ticket_id).toBe(b.body.ticket_id);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.estimated_response_time).toBe('1 hour');
    // Without any key, each call is its own ticket.
    const c = await escalate(body);
    const d = await escalate(body);
    expect(c.body.ticket_id).not.toBe(d.body.ticket_id);
  });

  it('promises "1 hour" for a medium ticket by default, as the source document says', async () => {
    const r = await escalate({ source_type: 'web', subject: 'Where is my invoice?', priority: 'medium' });
    expect(r.status).toBe(201);
    expect(r.body.estimated_response_time).toBe('1 hour');
  });

  // Risk covered: the shared secret guessed by brute force, each wrong guess costing only a hash. Last in
  // this file: it leaves this test's address refused for the rest of the minute.
  it('refuses a burst of wrong tokens with 429 after the limit, writing nothing', async () => {
    const before = await ticketCount();
    const statuses: number[] = [];
    for (let i = 0; i < SERVICE_TOKEN_FAILURES_PER_MINUTE + 3; i++)
      statuses.push((await escalate(DOCUMENT_BODY, { 'x-service-token': `guess-${i}` })).status);
    // The first test of this file spent two wrong tokens already: 401s up to the limit, then only 429s.
    const firstRefused = statuses.indexOf(429);
    expect(firstRefused).toBe(SERVICE_TOKEN_FAILURES_PER_MINUTE - 2);
    expect(statuses.slice(0, firstRefused).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(firstRefused).every((s) => s === 429)).toBe(true);
    const refused = await escalate(DOCUMENT_BODY, { 'x-service-token': 'one-more' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(await ticketCount()).toBe(before);
  });
});
