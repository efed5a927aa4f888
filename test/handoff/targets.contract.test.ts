// One contract every handoff target passes against its fake vendor (SalesIQ, Zendesk, Freshdesk, Slack,
// HubSpot as the CRM),
// through the real HTTP client. Risks covered: a duplicate chat/ticket after a timeout whose request did
// reach the vendor; 429 Retry-After ignored; 5xx bursts or dropped connections treated as final; bad
// credentials retried forever; a payload that the vendor would reject (wrong priority scale, no requester).
// Then what is specific to each vendor: SalesIQ's HTTP-200 errors and invalid-token answers, Zendesk's
// idempotency replay, Freshdesk's numeric fields, Slack's {ok:false} bodies and the "Take case" button.
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { createCrmTarget } from '../../src/handoff/crm.target.ts';
import { createFreshdeskClient } from '../../src/handoff/freshdesk/freshdesk.client.ts';
import { createFreshdeskTarget } from '../../src/handoff/freshdesk/freshdesk.target.ts';
import type { HandoffTarget } from '../../src/handoff/handoff.target.ts';
import { createHubSpotClient } from '../../src/handoff/hubspot/hubspot.client.ts';
import { createHubSpotCrm } from '../../src/handoff/hubspot/hubspot.crm.ts';
import { buildPacket, type HandoffPacket } from '../../src/handoff/packet.ts';
import { createSalesIqClient } from '../../src/handoff/salesiq/salesiq.client.ts';
import { createSalesIqTarget } from '../../src/handoff/salesiq/salesiq.target.ts';
import { createSlackClient } from '../../src/handoff/slack/slack.client.ts';
import { createSlackTarget } from '../../src/handoff/slack/slack.target.ts';
import { createZendeskClient } from '../../src/handoff/zendesk/zendesk.client.ts';
import { createZendeskTarget } from '../../src/handoff/zendesk/zendesk.target.ts';
import { createMemoryTokenCache } from '../../src/handoff/zoho/memory-token.cache.ts';
import { createZohoOAuthClient } from '../../src/handoff/zoho/zoho-oauth.client.ts';
import { createZohoTokenProvider } from '../../src/handoff/zoho/zoho-token.provider.ts';
import { type FreshdeskFake, startFreshdeskFake } from '../fakes/freshdesk.fake.ts';
import { type HubSpotFake, startHubSpotFake } from '../fakes/hubspot.fake.ts';
import { type SalesIqFake, startSalesIqFake } from '../fakes/salesiq.fake.ts';
import { type SlackFake, startSlackFake } from '../fakes/slack.fake.ts';
import { startZendeskFake, type ZendeskFake } from '../fakes/zendesk.fake.ts';
import { startZohoAccountsFake, type ZohoAccountsFake } from '../fakes/zoho-accounts.fake.ts';
import type { FaultPlan } from './support/fake-http.ts';

const TIMEOUT_MS = 300;
const logger = pino({ level: 'silent' });
const knowledge = loadKnowledge();
let n = 0;

function packet(
  overrides: { priority?: 'low' | 'medium' | 'high' | 'urgent'; channel?: HandoffPacket['channel'] } = {},
): HandoffPacket {
  const at = new Date().toISOString();
  n++;
  return buildPacket({
    handoffKey: `session-${n}:4:0`,
    sessionId: `session-${n}`,
    channel: overrides.channel ?? 'ticket',
    ticketNumber: overrides.channel === 'instant_chat' ? null : `TKT-2025-${String(n).padStart(4, '0')}`,
    at,
    state: 'ticket_created',
    context: {
      segment: 1,
      totalMessageCount: 3,
      messageCount: 3,
      troubleshootingAttempts: 1,
      stepIndex: 0,
      escalationAttempts: 1,
      category: 'refund',
      visitor: { email: 'visitor@example.com', description: 'I was charged twice for order 1234 <b>!</b>' },
      sentiment: { label: 'negative', score: -0.4 },
      priority: overrides.priority ?? 'medium',
      journeyStage: 'payment',
      triggers: ['explicit_request'],
      escalationReason: 'visitor asked for a human',
      instantChatUnavailable: false,
      assignedAgentId: null,
      inputProblem: null,
      closedReason: null,
      history: [{ state: 'greeting', at }],
    },
    messages: [
      { seq: 1, role: 'visitor', text: 'I want my money back', at },
      { seq: 2, role: 'bot', text: 'Let us sort out your refund.', at },
    ],
    knowledge,
  });
}

interface Harness {
  name: string;
  target: HandoffTarget;
  /** A target with wrong credentials (the vendor refuses it). */
  refused: HandoffTarget;
  faults: FaultPlan;
  created(): number;
  canFind: boolean;
}

let zoho: ZohoAccountsFake;
let salesiq: SalesIqFake;
let zendesk: ZendeskFake;
let freshdesk: FreshdeskFake;
let slack: SlackFake;
let hubspot: HubSpotFake;
const harnesses: Harness[] = [];

function salesIqTarget(secret: string) {
  const oauth = createZohoOAuthClient({
    accountsUrl: zoho.url,
    clientId: zoho.clientId,
    clientSecret: secret,
    refreshToken: zoho.refreshToken,
    timeoutMs: TIMEOUT_MS,
  });
  const tokens = createZohoTokenProvider({
    cache: createMemoryTokenCache(),
    refresh: () => oauth.refresh(),
    key: 'contract',
    logger,
    pollMs: 5,
  });
  const client = createSalesIqClient({
    serverUrl: salesiq.url,
    screenName: 'zylker',
    tokens,
    timeoutMs: TIMEOUT_MS,
  });
  return { client, target: createSalesIqTarget({ client, appId: 'app-1', departmentFor: () => 'dept-1' }) };
}

beforeAll(async () => {
  zoho = await startZohoAccountsFake();
  salesiq = await startSalesIqFake({ screenName: 'zylker', isValidToken: (t) => zoho.isValid(t) });
  zendesk = await startZendeskFake();
  freshdesk = await startFreshdeskFake();
  slack = await startSlackFake();
  hubspot = await startHubSpotFake();
  const hubspotTarget = (token: string) =>
    createCrmTarget(
      createHubSpotCrm(
        createHubSpotClient({ accessToken: token, apiUrl: hubspot.url, timeoutMs: TIMEOUT_MS }),
      ),
    );
  const zendeskClient = (token: string) =>
    createZendeskClient({ url: zendesk.url, email: zendesk.email, apiToken: token, timeoutMs: TIMEOUT_MS });
  const freshdeskClient = (key: string) =>
    createFreshdeskClient({ url: freshdesk.url, apiKey: key, timeoutMs: TIMEOUT_MS });
  const slackClient = (token: string) =>
    createSlackClient({ apiUrl: `${slack.url}/api`, botToken: token, timeoutMs: TIMEOUT_MS });
  harnesses.push(
    {
      name: 'salesiq',
      target: salesIqTarget(zoho.clientSecret).target,
      refused: salesIqTarget('wrong-secret').target,
      faults: salesiq.faults,
      created: () => salesiq.conversations.length,
      canFind: true,
    },
    {
      name: 'zendesk',
      target: createZendeskTarget({
        client: zendeskClient(zendesk.apiToken),
        groupFor: () => 42,
        fields: { category: 9001, ticketNumber: 9002 },
      }),
      refused: createZendeskTarget({ client: zendeskClient('wrong'), groupFor: () => undefined }),
      faults: zendesk.faults,
      created: () => zendesk.tickets.length,
      canFind: true,
    },
    {
      name: 'freshdesk',
      target: createFreshdeskTarget({ client: freshdeskClient(freshdesk.apiKey), groupFor: () => 7 }),
      refused: createFreshdeskTarget({ client: freshdeskClient('wrong'), groupFor: () => undefined }),
      faults: freshdesk.faults,
      created: () => freshdesk.tickets.length,
      canFind: true,
    },
    {
      name: 'slack',
      target: createSlackTarget({ client: slackClient(slack.botToken), channelFor: () => slack.channel }),
      refused: createSlackTarget({ client: slackClient('xoxb-wrong'), channelFor: () => slack.channel }),
      faults: slack.faults,
      created: () => slack.messages.length,
      canFind: false,
    },
    {
      // The contact is looked up before anything is written: the faults hit the writes (the note).
      name: 'hubspot',
      target: hubspotTarget(hubspot.accessToken),
      refused: hubspotTarget('pat-wrong'),
      faults: hubspot.writeFaults,
      created: () => hubspot.notes.length,
      canFind: true,
    },
  );
});
afterAll(async () => {
  for (const server of [zoho, salesiq, zendesk, freshdesk, slack, hubspot]) await server?.close();
});

describe.each(['salesiq', 'zendesk', 'freshdesk', 'slack', 'hubspot'])('target contract: %s', (name) => {
  const h = () => {
    const found = harnesses.find((x) => x.name === name);
    if (!found) throw new Error(`no harness ${name}`);
    return found;
  };
  beforeEach(() => {
    h().faults.up();
  });

  it('delivers a packet once and returns the external id', async () => {
    const before = h().created();
    const result = await h().target.deliver(packet());
    expect(result).toMatchObject({ outcome: 'delivered', externalId: expect.any(String) });
    expect(h().created() - before).toBe(1);
  });

  it('429 with Retry-After is a retry after that long, nothing created, not in doubt', async () => {
    h().faults.push({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { ok: false, error: 'ratelimited' },
    });
    const before = h().created();
    expect(await h().target.deliver(packet())).toMatchObject({
      outcome: 'retry',
      retryAfterMs: 7000,
      inDoubt: false,
    });
    expect(h().created()).toBe(before);
  });

  it('a burst of 5xx answers is retried, and the delivery succeeds once the vendor is back', async () => {
    h().faults.push(
      { kind: 'status', status: 502, body: 'Bad Gateway' },
      { kind: 'status', status: 503, body: 'Service Unavailable' },
      { kind: 'status', status: 500, body: { error: 'internal' } },
    );
    const p = packet();
    const before = h().created();
    for (let i = 0; i < 3; i++) expect((await h().target.deliver(p)).outcome).toBe('retry');
    expect(await h().target.deliver(p)).toMatchObject({ outcome: 'delivered' });
    expect(h().created() - before).toBe(1);
  });

  it('a timeout after the vendor acted is "in doubt", and looking first finds what it created', async () => {
    h().faults.push({ kind: 'slow', ms: TIMEOUT_MS * 3 });
    const p = packet();
    const before = h().created();
    const first = await h().target.deliver(p);
    expect(first).toMatchObject({ outcome: 'retry', inDoubt: true });
    expect(first.outcome === 'retry' && first.error).toMatch(/no answer within 300 ms/);
    expect(h().created() - before).toBe(1);
    if (h().canFind) {
      const found = await h().target.find?.(p);
      expect(found).toMatchObject({ outcome: 'delivered', externalId: expect.any(String) });
      expect(h().created() - before).toBe(1);
    }
  });

  it('a dropped connection is a retry in doubt', async () => {
    h().faults.push({ kind: 'reset' });
    expect(await h().target.deliver(packet())).toMatchObject({ outcome: 'retry', inDoubt: true });
  });

  it('wrong credentials fail for good, with a message naming what to check', async () => {
    const result = await h().refused.deliver(packet());
    expect(result.outcome).toBe('failed');
    expect(result.outcome === 'failed' && result.error).toMatch(
      /ZOHO_CLIENT_SECRET|ZENDESK_API_TOKEN|FRESHDESK_API_KEY|SLACK_BOT_TOKEN|HUBSPOT_ACCESS_TOKEN/,
    );
  });

  it('when nothing was created, looking finds nothing', async () => {
    if (!h().canFind) return;
    expect(await h().target.find?.(packet())).toEqual({ outcome: 'absent' });
  });
});

describe('SalesIQ specifics', () => {
  it('maps the packet onto the visitor conversation wire format', async () => {
    const p = packet({ channel: 'instant_chat' });
    const { target } = salesIqTarget(zoho.clientSecret);
    const result = await target.deliver(p);
    const conversation = salesiq.conversations.find(
      (c) => result.outcome === 'delivered' && c.id === result.externalId,
    );
    expect(conversation).toMatchObject({
      app_id: 'app-1',
      department_id: 'dept-1',
      visitor: { user_id: p.sessionId, email: 'visitor@example.com' },
    });
    expect(conversation?.question).toContain('Refund Request');
    expect(conversation?.question).toContain('Visitor: I want my money back');
    const request = salesiq.requests.findLast((r) => r.method === 'POST');
    expect(request?.headers.authorization).toMatch(/^Zoho-oauthtoken 1000\./);
  });

  it.each(['salesiq-1001', 'http-401', 'http-400'] as const)(
    'an invalid-token answer (%s) refreshes the token once and retries the call once',
    async (style) => {
      const { target } = salesIqTarget(zoho.clientSecret);
      expect((await target.deliver(packet())).outcome).toBe('delivered');
      salesiq.invalidTokenStyle = style;
      zoho.revokeAll(); // the token expires on Zoho's side while we still hold it
      const refreshes = zoho.refreshes;
      const answers = salesiq.invalidTokenAnswers;
      expect(await target.deliver(packet())).toMatchObject({ outcome: 'delivered' });
      expect(zoho.refreshes - refreshes).toBe(1);
      expect(salesiq.invalidTokenAnswers - answers).toBe(1);
      salesiq.invalidTokenStyle = 'salesiq-1001';
    },
  );

  it('SalesIQ configuration errors (HTTP 200 with code 1005) fail for good with a hint', async () => {
    const oauth = createZohoOAuthClient({
      accountsUrl: zoho.url,
      clientId: zoho.clientId,
      clientSecret: zoho.clientSecret,
      refreshToken: zoho.refreshToken,
      timeoutMs: TIMEOUT_MS,
    });
    const tokens = createZohoTokenProvider({
      cache: createMemoryTokenCache(),
      refresh: () => oauth.refresh(),
      key: 'k',
      logger,
    });
    const client = createSalesIqClient({
      serverUrl: salesiq.url,
      screenName: 'not-our-portal',
      tokens,
      timeoutMs: TIMEOUT_MS,
    });
    const result = await createSalesIqTarget({ client, appId: 'a', departmentFor: () => 'd' }).deliver(
      packet(),
    );
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result.outcome === 'failed' && result.error).toMatch(/1005.*SALESIQ_SCREEN_NAME/);
  });

  it('refresh throttling becomes a retry after the cool-down, not a failure', async () => {
    const oauth = createZohoOAuthClient({
      accountsUrl: zoho.url,
      clientId: zoho.clientId,
      clientSecret: zoho.clientSecret,
      refreshToken: zoho.refreshToken,
      timeoutMs: TIMEOUT_MS,
    });
    const tokens = createZohoTokenProvider({
      cache: createMemoryTokenCache(),
      refresh: () => oauth.refresh(),
      key: 'k',
      logger,
      throttleCooldownMs: 4000,
    });
    const client = createSalesIqClient({
      serverUrl: salesiq.url,
      screenName: 'zylker',
      tokens,
      timeoutMs: TIMEOUT_MS,
    });
    zoho.throttleNext(1);
    const result = await createSalesIqTarget({ client, appId: 'a', departmentFor: () => 'd' }).deliver(
      packet(),
    );
    expect(result).toMatchObject({ outcome: 'retry', inDoubt: false });
    expect(result.outcome === 'retry' && result.retryAfterMs).toBeGreaterThan(3000);
  });

  it('a visitor message goes into the conversation', async () => {
    const { client, target } = salesIqTarget(zoho.clientSecret);
    const result = await target.deliver(packet({ channel: 'instant_chat' }));
    const id = result.outcome === 'delivered' ? result.externalId : '';
    expect(await client.sendVisitorMessage(id, 'are you there?')).toEqual({ ok: true });
    expect(salesiq.conversations.find((c) => c.id === id)?.messages).toEqual(['are you there?']);
  });
});

describe('Zendesk specifics', () => {
  it('sends priority, tags, custom fields, requester, group and the Idempotency-Key', async () => {
    const h = harnesses.find((x) => x.name === 'zendesk');
    const p = packet({ priority: 'medium' });
    const result = await h?.target.deliver(p);
    const ticket = zendesk.tickets.at(-1);
    expect(ticket).toMatchObject({
      priority: 'normal',
      external_id: p.handoffKey,
      group_id: 42,
      requester: { email: 'visitor@example.com' },
      custom_fields: [
        { id: 9001, value: 'refund' },
        { id: 9002, value: p.ticketNumber },
      ],
    });
    expect(ticket?.subject).toBe(`[${p.ticketNumber}] Refund Request`);
    expect(ticket?.tags).toEqual(
      expect.arrayContaining(['switchboard', 'category_refund', 'channel_ticket']),
    );
    expect(zendesk.requests.at(-1)?.headers['idempotency-key']).toBe(p.handoffKey);
    expect(result).toMatchObject({ externalUrl: `${zendesk.url}/agent/tickets/${ticket?.id}` });
  });

  it('a retried request with the same key gets the first ticket back (x-idempotency-lookup: hit)', async () => {
    const h = harnesses.find((x) => x.name === 'zendesk');
    const p = packet();
    const first = await h?.target.deliver(p);
    const replays = zendesk.replays;
    const before = zendesk.tickets.length;
    const second = await h?.target.deliver(p);
    expect(second).toMatchObject({
      outcome: 'delivered',
      externalId: first?.outcome === 'delivered' ? first.externalId : 'x',
      metadata: { replayed: true },
    });
    expect(zendesk.tickets.length).toBe(before);
    expect(zendesk.replays - replays).toBe(1);
  });
});

describe('Freshdesk specifics', () => {
  it('sends priority 1–4, status 2, source 7, basic auth with the key, an escaped HTML description', async () => {
    const h = harnesses.find((x) => x.name === 'freshdesk');
    await h?.target.deliver(packet({ priority: 'urgent' }));
    const ticket = freshdesk.tickets.at(-1);
    expect(ticket).toMatchObject({
      priority: 4,
      status: 2,
      source: 7,
      email: 'visitor@example.com',
      group_id: 7,
    });
    expect(ticket?.description).toContain('&lt;b&gt;!&lt;/b&gt;');
    expect(ticket?.description).toContain('<br>');
    const auth = freshdesk.requests.at(-1)?.headers.authorization ?? '';
    expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString()).toBe(`${freshdesk.apiKey}:X`);
  });

  it('a callback without e-mail goes in with the phone number and a name', async () => {
    const p = packet({ channel: 'callback' });
    const result = await harnesses
      .find((x) => x.name === 'freshdesk')
      ?.target.deliver({ ...p, visitor: { phone: '+442079460958', callbackWindow: 'tomorrow 9-11' } });
    expect(result?.outcome).toBe('delivered');
    expect(freshdesk.tickets.at(-1)).toMatchObject({ phone: '+442079460958', name: 'Website visitor' });
  });
});

describe('Slack specifics', () => {
  it('posts blocks with the facts and a "Take case" button carrying the session id', async () => {
    const p = packet({ priority: 'urgent' });
    await harnesses.find((x) => x.name === 'slack')?.target.deliver(p);
    const message = slack.messages.at(-1);
    const actions = message?.blocks.find((b) => (b as { type?: string }).type === 'actions') as {
      elements: Array<{ action_id: string; value: string; text: { text: string } }>;
    };
    expect(actions.elements[0]).toMatchObject({
      action_id: 'take_case',
      value: p.sessionId,
      text: { text: 'Take case' },
    });
    expect(message?.text).toContain('Refund Request');
    expect(slack.requests.at(-1)?.headers.authorization).toBe(`Bearer ${slack.botToken}`);
  });

  it('{ok:false} answers: channel_not_found fails for good, ratelimited is retried', async () => {
    const client = createSlackClient({
      apiUrl: `${slack.url}/api`,
      botToken: slack.botToken,
      timeoutMs: TIMEOUT_MS,
    });
    const wrong = await createSlackTarget({ client, channelFor: () => 'C-NOPE' }).deliver(packet());
    expect(wrong).toMatchObject({ outcome: 'failed' });
    expect(wrong.outcome === 'failed' && wrong.error).toMatch(/channel_not_found/);
    slack.faults.push({
      kind: 'status',
      status: 200,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'retry-after': '3' },
    });
    expect(
      await createSlackTarget({ client, channelFor: () => slack.channel }).deliver(packet()),
    ).toMatchObject({ outcome: 'retry', retryAfterMs: 3000 });
  });
});
