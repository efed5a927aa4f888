// The HubSpot CRM port end to end: visitors over the real widget API, handovers and resolutions run from
// the committed outbox by the effect worker, HubSpot as a local fake speaking its CRM v3 wire format.
// Risks covered: a second contact for the same person (retries, a second handover, the search index
// lagging behind a create); a note lost or written twice when HubSpot throttles (429 + Retry-After), fails
// (5xx) or answers too late; a wrong token crashing the worker or holding up the live chat instead of
// being recorded as a clear, permanent failure.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { escalationIntegrations } from '../../src/storage/schema/index.ts';
import { type HubSpotFake, startHubSpotFake } from '../fakes/hubspot.fake.ts';
import { newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, type TestRuntime, type Visitor } from '../support/runtime.ts';
import { effectsIdle, eventually, FAST } from './support/handoff-world.ts';

let hubspot: HubSpotFake;
beforeAll(async () => {
  hubspot = await startHubSpotFake();
});
afterAll(async () => {
  await hubspot.close();
});
beforeEach(() => {
  hubspot.faults.up();
  hubspot.searchIndexDelayMs = 0;
});

function start(token: string): Promise<TestRuntime> {
  return startTestRuntime({
    env: {
      HUBSPOT_ACCESS_TOKEN: token,
      HUBSPOT_API_URL: hubspot.url,
      HANDOFF_HTTP_TIMEOUT_MS: '1000',
      HANDOFF_IN_DOUBT_DELAY_MS: '1500',
    },
    overrides: FAST,
  });
}

let counter = 0;
/** A visitor whose widget session starts with who they are (the widget's `visitor` field). */
async function visitorAs(t: TestRuntime, who: { name?: string; email?: string }): Promise<Visitor> {
  const started = await api(t.url, 'POST', '/api/v1/sessions', { visitor: who });
  expect(started.status).toBe(201);
  const { sessionId, token } = started.body;
  const auth = { authorization: `Bearer ${token}` };
  return {
    sessionId,
    token,
    send: (text, id = `crm-m${++counter}`) =>
      api(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { clientMessageId: id, text }, auth),
    press: (button, id = `crm-b${++counter}`) =>
      api(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { clientMessageId: id, button }, auth),
    view: () => api(t.url, 'GET', `/api/v1/sessions/${sessionId}`, undefined, auth),
  };
}

async function liveChat(visitor: Visitor): Promise<void> {
  expect((await visitor.send('I want to talk to a human')).body.state).toBe('escalation_options');
  expect((await visitor.press('instant_chat')).body.state).toBe('escalated.queued');
}

const idle = (t: TestRuntime) => effectsIdle(t);

const contactsWith = (email: string) =>
  hubspot.contacts.filter((c) => c.properties.email?.toLowerCase() === email.toLowerCase());

async function deliveries(t: TestRuntime, sessionId: string, target = 'hubspot') {
  return t.runtime.database.db
    .select()
    .from(escalationIntegrations)
    .where(
      and(eq(escalationIntegrations.conversationId, sessionId), eq(escalationIntegrations.target, target)),
    );
}

describe('HubSpot CRM: contacts and notes of handovers and resolutions', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await start(hubspot.accessToken);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a handover creates the contact and a note; a second handover of the same person fills it in, never duplicates it; a resolution adds a note', async () => {
    const email = `ada-${Date.now()}@example.com`;
    const first = await visitorAs(t, { name: 'Ada Lovelace', email });
    await liveChat(first);
    await idle(t);
    expect(contactsWith(email)).toHaveLength(1);
    const contact = contactsWith(email)[0];
    expect(contact?.properties).toMatchObject({ email, firstname: 'Ada', lastname: 'Lovelace' });
    const contactId = contact?.id ?? '';
    expect(hubspot.notesOf(contactId)).toHaveLength(1);
    const handover = hubspot.notesOf(contactId)[0]?.properties;
    expect(handover?.hs_note_body).toContain('Handover to live chat');
    expect(handover?.hs_note_body).toContain('I want to talk to a human');
    expect(handover?.hs_timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    const [row] = await deliveries(t, first.sessionId);
    expect(row).toMatchObject({ status: 'delivered', externalId: hubspot.notesOf(contactId)[0]?.id });

    // The same person again, in a new session, by callback: the phone is added to the same contact.
    const second = await visitorAs(t, { email: email.toUpperCase() });
    expect((await second.send('I want to talk to a human')).body.state).toBe('escalation_options');
    await second.press('callback');
    await second.send('+44 20 7946 0958');
    expect((await second.send('tomorrow 9-11am')).body.state).toBe('callback_scheduled');
    await idle(t);
    expect(contactsWith(email)).toHaveLength(1);
    // The callback step stores the phone in E.164.
    expect(contact?.properties).toMatchObject({ phone: '+442079460958', firstname: 'Ada' });
    expect(hubspot.notesOf(contactId)).toHaveLength(2);
    expect(hubspot.notesOf(contactId)[1]?.properties.hs_note_body).toContain('Handover to callback');

    // The operator resolves the first chat: its note lands on the same contact.
    const alice = await newOperator(t.runtime, t.url, 'agent', 'Alice');
    const take = await api(
      t.url,
      'POST',
      `/api/v1/conversations/${first.sessionId}/assign`,
      { agentId: alice.id },
      alice.auth,
    );
    expect(take.status).toBe(200);
    const resolve = await api(
      t.url,
      'POST',
      `/api/v1/conversations/${first.sessionId}/resolve`,
      { notes: 'Reset the password by hand.', resolutionCategory: 'account_fixed' },
      alice.auth,
    );
    expect(resolve.status).toBe(200);
    await idle(t);
    expect(hubspot.notesOf(contactId)).toHaveLength(3);
    const resolution = hubspot.notesOf(contactId)[2]?.properties.hs_note_body ?? '';
    expect(resolution).toContain('Resolved');
    expect(resolution).toContain('Reset the password by hand.');
    expect(resolution).toContain('account_fixed');
    expect(contactsWith(email)).toHaveLength(1);
  });

  it('a 429 with Retry-After and a 5xx are retried: one contact, one note', async () => {
    const email = `grace-${Date.now()}@example.com`;
    const before = hubspot.requests.length;
    hubspot.faults.push(
      {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
        body: {
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          correlationId: 'c-1',
          policyName: 'SECONDLY',
        },
      },
      { kind: 'status', status: 502, body: { status: 'error', message: 'Bad Gateway', category: 'UNKNOWN' } },
    );
    const startedAt = Date.now();
    const visitor = await visitorAs(t, { name: 'Grace Hopper', email });
    await liveChat(visitor);
    await eventually(
      () => contactsWith(email)[0] && hubspot.notesOf(contactsWith(email)[0]?.id ?? '').length,
      (n) => n === 1,
    );
    await idle(t);
    const calls = hubspot.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    // The first search got the 429, the second the 502; the third went through.
    expect(calls.filter((c) => c === 'POST /crm/v3/objects/contacts/search').length).toBeGreaterThanOrEqual(
      3,
    );
    // Retry-After: 1 was honoured (the worker's own backoff is 20-250 ms here).
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(contactsWith(email)).toHaveLength(1);
    expect(hubspot.notesOf(contactsWith(email)[0]?.id ?? '')).toHaveLength(1);
    const [row] = await deliveries(t, visitor.sessionId);
    expect(row?.status).toBe('delivered');
    expect(row?.attempts).toBeGreaterThanOrEqual(3);
  });

  it('a note created but answered too late is found on the retry, not written twice', async () => {
    const email = `katherine-${Date.now()}@example.com`;
    const visitor = await visitorAs(t, { email });
    // search, create contact, then the note create answers after the 1 s client timeout.
    hubspot.faults.push({ kind: 'slow', ms: 0 }, { kind: 'slow', ms: 0 }, { kind: 'slow', ms: 1500 });
    await liveChat(visitor);
    await idle(t);
    const [contact] = contactsWith(email);
    expect(contactsWith(email)).toHaveLength(1);
    expect(hubspot.notesOf(contact?.id ?? '')).toHaveLength(1);
    const [row] = await deliveries(t, visitor.sessionId);
    // Two attempts: the unanswered one, and the one that looked and found its note.
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 2,
      externalId: hubspot.notesOf(contact?.id ?? '')[0]?.id,
    });
    expect(row?.metadata).toMatchObject({ foundAfterDoubt: true });
  });

  it('a search index behind the create (409 "Contact already exists") still gives one contact', async () => {
    const email = `dorothy-${Date.now()}@example.com`;
    hubspot.searchIndexDelayMs = 60_000;
    const a = await visitorAs(t, { email });
    await liveChat(a);
    await idle(t);
    const b = await visitorAs(t, { email });
    await liveChat(b);
    await idle(t);
    expect(contactsWith(email)).toHaveLength(1);
    expect(hubspot.notesOf(contactsWith(email)[0]?.id ?? '')).toHaveLength(2);
  });

  it('a visitor with neither e-mail nor phone is not sent to the CRM', async () => {
    const visitor = await visitorAs(t, {});
    const before = hubspot.requests.length;
    await liveChat(visitor);
    await idle(t);
    expect(hubspot.requests.length).toBe(before);
    expect(await deliveries(t, visitor.sessionId)).toEqual([]);
  });
});

describe('HubSpot CRM with a wrong token', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await start('pat-eu1-revoked');
  });
  afterAll(async () => {
    await t.close();
  });

  it('a 401 is recorded as a permanent failure that says what to fix; the live chat is still delivered', async () => {
    const visitor = await visitorAs(t, { email: `lin-${Date.now()}@example.com` });
    const before = hubspot.requests.length;
    await liveChat(visitor);
    await idle(t);
    const [row] = await deliveries(t, visitor.sessionId);
    expect(row?.status).toBe('failed');
    expect(row?.attempts).toBe(1);
    expect(row?.lastError).toMatch(/401.*HUBSPOT_ACCESS_TOKEN/);
    // Not retried: one search, refused.
    expect(hubspot.requests.length - before).toBe(1);
    const [console] = await deliveries(t, visitor.sessionId, 'console');
    expect(console?.status).toBe('delivered');
    expect((await visitor.view()).body.state).toBe('escalated.queued');
  });
});
