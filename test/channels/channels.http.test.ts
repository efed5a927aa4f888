// The visitor channels over HTTP against a running server, with the vendors faked by local servers that
// speak (and sign) their wire formats. Risks covered: a WhatsApp visitor never reaching a human, or the bot
// talking after the handoff; a forged or unsigned webhook changing anything; Meta's at-least-once
// redelivery making two turns; a phone's messages handled out of order when they arrive together; an
// operator's console reply never reaching the phone; a closed 24-hour window retried for ever instead of
// shown; a Zobot chat that is not forwarded to SalesIQ's operators; Evolution echoing our own messages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelInbox, channelSessions } from '../../src/storage/schema/index.ts';
import { evolutionUpsert } from '../fakes/evolution.fake.ts';
import {
  postWhatsAppWebhook,
  whatsAppMessageWebhook,
  whatsAppStatusWebhook,
} from '../fakes/whatsapp-graph.fake.ts';
import { zobotRequest } from '../fakes/zobot.signer.ts';
import { newOperator } from '../operator/operator.support.ts';
import { api } from '../support/runtime.ts';
import {
  APP_SECRET,
  type ChannelsWorld,
  EVOLUTION_INSTANCE,
  EVOLUTION_TOKEN,
  PHONE_NUMBER_ID,
  settled,
  startChannelsWorld,
  VERIFY_TOKEN,
  waitFor,
} from './channels.support.ts';

let w: ChannelsWorld;
let admin: Awaited<ReturnType<typeof newOperator>>;
/** Request/response pairs for docs (notes/13.md): written when CHANNELS_CAPTURE names a file. */
const captured: Record<string, unknown[]> = { whatsapp: [], zobot: [] };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-routing-'));
  const routing = join(dir, 'routing.yaml');
  writeFileSync(
    routing,
    'departments:\n  default: { salesiq: "3200000000000001" }\n  login: { salesiq: "3200000000002013" }\n',
  );
  w = await startChannelsWorld({ env: { HANDOFF_ROUTING_FILE: routing } });
  admin = await newOperator(w.t.runtime, w.t.url, 'admin', 'Alice');
});
afterAll(async () => {
  if (process.env.CHANNELS_CAPTURE)
    writeFileSync(process.env.CHANNELS_CAPTURE, JSON.stringify(captured, null, 2));
  await w?.close();
});

let phoneCounter = 0;
/** A UK mobile number (12 digits) of its own for each test. */
const newPhone = () => `4477009${String(10_000 + ((Date.now() + ++phoneCounter * 7919) % 89_999))}`;

/** Posts one visitor message the way Meta does and waits until the server has fully handled it. */
async function whatsApp(
  from: string,
  message: Parameters<typeof whatsAppMessageWebhook>[0]['message'],
  id = `wamid.${from}.${++phoneCounter}`,
) {
  const body = whatsAppMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from, id, message });
  const before = w.graph.sends.length;
  const res = await postWhatsAppWebhook(w.t.url, body, { appSecret: APP_SECRET });
  expect(res.status).toBe(200);
  await settled(w, 'whatsapp', id);
  const sent = w.graph.sends.slice(before).filter((s) => s.to === from);
  captured.whatsapp?.push({ request: body.entry, response: res.body, graphSends: sent.map((s) => s.body) });
  return { res, sent, id };
}

async function sessionOf(channel: string, messageId: string): Promise<string> {
  const [row] = await w.t.runtime.database.db
    .select()
    .from(channelInbox)
    .where(eq(channelInbox.messageId, messageId));
  if (!row?.sessionId) throw new Error(`no session recorded for ${messageId}`);
  expect(row.channel).toBe(channel);
  return row.sessionId;
}

const conversation = (id: string) =>
  api(w.t.url, 'GET', `/api/v1/conversations/${id}`, undefined, admin.auth);

describe('WhatsApp Cloud API', () => {
  it("answers Meta's verification challenge only with the right token", async () => {
    const ok = await fetch(
      `${w.t.url}/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(
      `${w.t.url}/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`,
    );
    expect(wrong.status).toBe(403);
  });

  it('runs the seed conversation to a human with interactive buttons, and the bot is silent after', async () => {
    const phone = newPhone();
    const help = await whatsApp(phone, { text: 'can you help me with password' });
    // The greeting (with the category list) and the first step (with its buttons) reach the phone.
    expect(help.sent.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(help.sent.map((s) => s.body))).toMatch(/Step 1/);
    const sessionId = await sessionOf('whatsapp', help.id);
    expect((await conversation(sessionId)).body.state).toBe('troubleshooting');

    const agent = await whatsApp(phone, { text: 'can you connect me to agent' });
    const options = agent.sent.at(-1)?.body as any;
    expect(options.type).toBe('interactive');
    expect(options.interactive.type).toBe('button');
    expect(options.interactive.action.buttons.map((b: any) => b.reply.id)).toEqual([
      'instant_chat',
      'callback',
      'ticket',
    ]);
    expect((await conversation(sessionId)).body.state).toBe('escalation_options');

    await whatsApp(phone, { button: { id: 'instant_chat', title: '📞 Instant Chat' } });
    const view = await conversation(sessionId);
    expect(view.body.state).toBe('escalated.queued');
    expect(view.body.owner).toBe('human');

    const after = await whatsApp(phone, { text: 'hello? is anyone there?' });
    expect(after.sent).toEqual([]);
    const later = await conversation(sessionId);
    expect(later.body.state).toBe('escalated.queued');
    expect(later.body.messages.at(-1)).toMatchObject({ role: 'visitor', text: 'hello? is anyone there?' });
  });

  it('refuses a wrong or missing signature with 401 and changes nothing', async () => {
    const phone = newPhone();
    const body = whatsAppMessageWebhook({
      phoneNumberId: PHONE_NUMBER_ID,
      from: phone,
      message: { text: 'hi' },
    });
    const inboxBefore = await w.t.runtime.database.db.select().from(channelInbox);
    const sendsBefore = w.graph.sends.length;
    for (const signature of [null, 'sha256=' + '0'.repeat(64), 'sha1=abc', 'sha256=nothex']) {
      const res = await postWhatsAppWebhook(w.t.url, body, { signature });
      expect(res.status, String(signature)).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
    }
    // Signed with another secret: a valid-looking signature that is not ours.
    expect((await postWhatsAppWebhook(w.t.url, body, { appSecret: 'someone-else' })).status).toBe(401);
    expect(await w.t.runtime.database.db.select().from(channelInbox)).toHaveLength(inboxBefore.length);
    expect(w.graph.sends.length).toBe(sendsBefore);
  });

  it('makes one turn of the same wamid delivered twice', async () => {
    const phone = newPhone();
    const body = whatsAppMessageWebhook({
      phoneNumberId: PHONE_NUMBER_ID,
      from: phone,
      id: `wamid.dup.${phone}`,
      message: { text: 'my payment was declined' },
    });
    const first = await postWhatsAppWebhook(w.t.url, body, { appSecret: APP_SECRET });
    const second = await postWhatsAppWebhook(w.t.url, body, { appSecret: APP_SECRET });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.stored).toBe(1);
    expect(second.body.stored).toBe(0);
    await settled(w, 'whatsapp', `wamid.dup.${phone}`);
    const sessionId = await sessionOf('whatsapp', `wamid.dup.${phone}`);
    const view = await conversation(sessionId);
    expect(view.body.messages.filter((m: any) => m.role === 'visitor').map((m: any) => m.text)).toEqual([
      'my payment was declined',
    ]);
  });

  it("handles one phone's messages that arrive together in arrival order", async () => {
    const phone = newPhone();
    const first = await whatsApp(phone, { text: 'my payment was declined' });
    const sessionId = await sessionOf('whatsapp', first.id);
    const texts = ['first thing', 'second thing', 'third thing', 'fourth thing', 'fifth thing'];
    // Posted back to back: each webhook is answered before its turn runs, so they are all in flight at once.
    const ids = texts.map((_, i) => `wamid.burst.${phone}.${i}`);
    for (const [i, text] of texts.entries()) {
      const res = await postWhatsAppWebhook(
        w.t.url,
        whatsAppMessageWebhook({
          phoneNumberId: PHONE_NUMBER_ID,
          from: phone,
          id: ids[i],
          message: { text },
        }),
        { appSecret: APP_SECRET },
      );
      expect(res.status).toBe(200);
    }
    for (const id of ids) await settled(w, 'whatsapp', id);
    const view = await conversation(sessionId);
    const visitor = view.body.messages.filter((m: any) => m.role === 'visitor').map((m: any) => m.text);
    expect(visitor).toEqual(['my payment was declined', ...texts]);
  });

  it("delivers an operator's console reply to the phone, and shows a closed 24-hour window", async () => {
    const phone = newPhone();
    const first = await whatsApp(phone, { text: 'I want to talk to a human' });
    const sessionId = await sessionOf('whatsapp', first.id);
    await whatsApp(phone, { button: { id: 'instant_chat', title: '📞 Instant Chat' } });
    expect((await conversation(sessionId)).body.state).toBe('escalated.queued');
    const assign = await api(
      w.t.url,
      'POST',
      `/api/v1/conversations/${sessionId}/assign`,
      { agentId: admin.id },
      admin.auth,
    );
    expect(assign.status).toBe(200);
    const before = w.graph.sends.length;
    const reply = await api(
      w.t.url,
      'POST',
      `/api/v1/conversations/${sessionId}/agent-messages`,
      { text: 'Hi, Alice here. Let me look.' },
      admin.auth,
    );
    expect(reply.status).toBe(200);
    const sent = await waitFor('the reply at the Graph API', () =>
      w.graph.sends
        .slice(before)
        .find((s) => s.to === phone && JSON.stringify(s.body).includes('Let me look')),
    );
    expect(sent.body).toMatchObject({ messaging_product: 'whatsapp', to: phone, type: 'text' });
    expect((sent.body.text as { body: string }).body).toBe('*Alice:* Hi, Alice here. Let me look.');

    // The statuses Meta sends back are recorded against the message.
    const status = await postWhatsAppWebhook(
      w.t.url,
      whatsAppStatusWebhook({
        phoneNumberId: PHONE_NUMBER_ID,
        messageId: sent.id,
        recipient: phone,
        status: 'read',
      }),
      { appSecret: APP_SECRET },
    );
    expect(status.status).toBe(200);
    const rows = await w.t.runtime.channels.messages.forSession(sessionId);
    expect(rows.find((r) => r.externalMessageId === sent.id)?.status).toBe('read');

    // The window closes: Graph answers 131047 and the operator is told, instead of a retry loop.
    w.graph.faults.push('131047');
    const late = await api(
      w.t.url,
      'POST',
      `/api/v1/conversations/${sessionId}/agent-messages`,
      { text: 'Are you still there?' },
      admin.auth,
    );
    expect(late.status).toBe(200);
    const shown = await waitFor('the delivery failure in the console', async () => {
      const view = await conversation(sessionId);
      const text = JSON.stringify(view.body);
      return text.includes("can't reach this visitor on WhatsApp until they write again") ? view.body : null;
    });
    expect(shown.conversationId).toBe(sessionId);
    expect(shown.unreachable).toMatchObject({ code: 'whatsapp_window_closed' });
    expect(w.graph.faults).toEqual([]);

    // The visitor writes again: the window is open, the notice goes.
    await whatsApp(phone, { text: 'yes, still here' });
    expect((await conversation(sessionId)).body.unreachable).toBeNull();
  });

  it('shows a message WhatsApp accepted and later reported failed with 131047', async () => {
    const phone = newPhone();
    const first = await whatsApp(phone, { text: 'I want to talk to a human' });
    const sessionId = await sessionOf('whatsapp', first.id);
    await whatsApp(phone, { button: { id: 'instant_chat', title: '📞 Instant Chat' } });
    await api(
      w.t.url,
      'POST',
      `/api/v1/conversations/${sessionId}/assign`,
      { agentId: admin.id },
      admin.auth,
    );
    const before = w.graph.sends.length;
    await api(
      w.t.url,
      'POST',
      `/api/v1/conversations/${sessionId}/agent-messages`,
      { text: 'Hello?' },
      admin.auth,
    );
    const sent = await waitFor('the reply at the Graph API', () =>
      w.graph.sends.slice(before).find((s) => s.to === phone),
    );
    // Wait until the send is recorded (the effect finished), then Meta reports it failed.
    await waitFor('the outbox drained', async () => (await w.t.runtime.effectLog.pendingCount()) === 0);
    const failed = await postWhatsAppWebhook(
      w.t.url,
      whatsAppStatusWebhook({
        phoneNumberId: PHONE_NUMBER_ID,
        messageId: sent.id,
        recipient: phone,
        status: 'failed',
        errorCode: 131047,
      }),
      { appSecret: APP_SECRET },
    );
    expect(failed.status).toBe(200);
    const view = await conversation(sessionId);
    expect(view.body.unreachable?.message).toBe(
      "can't reach this visitor on WhatsApp until they write again",
    );
  });

  it('answers a picture with "I can only read text here" and makes no turn of it', async () => {
    const phone = newPhone();
    const image = await whatsApp(phone, { type: 'image' });
    expect(image.sent).toHaveLength(1);
    expect(JSON.stringify(image.sent[0]?.body)).toMatch(/only read text/);
    const [row] = await w.t.runtime.database.db
      .select()
      .from(channelInbox)
      .where(eq(channelInbox.messageId, image.id));
    expect(row?.status).toBe('unsupported');
  });

  it('retries a send Graph throttles, and the reply arrives once', async () => {
    const phone = newPhone();
    w.graph.faults.push('429', '503');
    const { sent } = await whatsApp(phone, { text: 'can you help me with password' });
    expect(w.graph.faults).toEqual([]);
    const texts = sent.map((s) => JSON.stringify(s.body));
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts.join()).toMatch(/Step 1/);
  });

  it('switches the bot off and on by phone number', async () => {
    const phone = newPhone();
    const first = await whatsApp(phone, { text: 'my payment was declined' });
    const sessionId = await sessionOf('whatsapp', first.id);
    const path = `/api/v1/channels/whatsapp/contacts/${encodeURIComponent(`+${phone}`)}/bot`;
    expect((await api(w.t.url, 'GET', path)).status).toBe(401);
    expect((await api(w.t.url, 'GET', path, undefined, admin.auth)).body).toMatchObject({
      enabled: true,
      conversationId: sessionId,
    });
    const off = await api(w.t.url, 'POST', path, { enabled: false }, admin.auth);
    expect(off.status).toBe(200);
    expect((await api(w.t.url, 'GET', path, undefined, admin.auth)).body).toMatchObject({ enabled: false });
    expect((await conversation(sessionId)).body.owner).toBe('human');
    const on = await api(w.t.url, 'POST', path, { enabled: true }, admin.auth);
    expect(on.status).toBe(200);
    expect((await conversation(sessionId)).body.owner).toBe('bot');
    const unknown = await api(
      w.t.url,
      'GET',
      '/api/v1/channels/whatsapp/contacts/%2B15550009999/bot',
      undefined,
      admin.auth,
    );
    expect(unknown.status).toBe(404);
  });
});

describe('SalesIQ Zobot', () => {
  it('answers the validation ping and refuses unsigned requests', async () => {
    expect((await fetch(`${w.t.url}/channels/salesiq/zobot`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${w.t.url}/channels/salesiq/zobot`)).status).toBe(200);
    const body = zobotRequest({ handler: 'trigger', conversationId: 'conv-unsigned' });
    expect((await w.zobot.post(w.t.url, body, { signature: null })).status).toBe(401);
    const forged = await w.zobot.post(w.t.url, body, { signature: w.zobot.sign('{"another":"body"}') });
    expect(forged.status).toBe(401);
  });

  it('runs a conversation from trigger to a forward to the routed department, then stays silent', async () => {
    const conversationId = `2782000000${Date.now()}`;
    const step = async (body: Record<string, unknown>) => {
      const res = await w.zobot.post(w.t.url, body);
      captured.zobot?.push({ request: body, response: res.body });
      expect(res.status).toBe(200);
      return res.body;
    };
    const greeting = await step(zobotRequest({ handler: 'trigger', conversationId }));
    expect(greeting.action).toBe('reply');
    expect(greeting.replies[0]).toMatch(/assistant/i);
    expect(greeting.suggestions).toContain('Login or password');

    const help = await step(
      zobotRequest({
        handler: 'message',
        operation: 'chat',
        conversationId,
        text: 'can you help me with password',
      }),
    );
    expect(help.action).toBe('reply');
    expect(help.replies.join(' ')).toMatch(/Step 1/);

    const agent = await step(
      zobotRequest({
        handler: 'message',
        operation: 'message',
        conversationId,
        text: 'can you connect me to agent',
      }),
    );
    expect(agent.suggestions).toEqual(['Instant Chat', 'Schedule Callback', 'Create Ticket']);

    const chat = await step(
      zobotRequest({ handler: 'message', operation: 'message', conversationId, text: 'Instant Chat' }),
    );
    expect(chat.action).toBe('forward');
    expect(chat.department).toBe('3200000000002013');
    expect(chat.replies.length).toBeGreaterThan(0);

    const after = await step(
      zobotRequest({ handler: 'message', operation: 'message', conversationId, text: 'hello?' }),
    );
    expect(after).toEqual({ action: 'reply', replies: [] });
  });

  it('greets a visitor whose first message comes without a trigger', async () => {
    const conversationId = `2782000002${Date.now()}`;
    const res = await w.zobot.post(
      w.t.url,
      zobotRequest({
        handler: 'message',
        operation: 'chat',
        conversationId,
        text: 'can you help me with password',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.replies[0]).toMatch(/assistant/i);
    expect(res.body.replies.join(' ')).toMatch(/Step 1/);
  });

  it('starts a new chat when the one SalesIQ names has expired', async () => {
    const conversationId = `2782000003${Date.now()}`;
    // A row left from a session that no longer exists (expired from the store long ago).
    await w.t.runtime.database.db.insert(channelSessions).values({
      channel: 'salesiq',
      externalId: conversationId,
      sessionId: 'gone-session',
      createdAt: new Date(Date.now() - 86_400_000),
      claimedAt: new Date(Date.now() - 86_400_000),
    });
    const res = await w.zobot.post(w.t.url, zobotRequest({ handler: 'trigger', conversationId }));
    expect(res.status).toBe(200);
    expect(res.body.replies[0]).toMatch(/assistant/i);
  });

  it('collects a ticket inside the Zobot', async () => {
    const conversationId = `2782000001${Date.now()}`;
    const say = async (text: string) =>
      (
        await w.zobot.post(
          w.t.url,
          zobotRequest({ handler: 'message', operation: 'message', conversationId, text }),
        )
      ).body;
    await w.zobot.post(w.t.url, zobotRequest({ handler: 'trigger', conversationId }));
    await say('my refund never arrived');
    const options = await say('I want to talk to a human');
    expect(options.suggestions).toContain('Create Ticket');
    // The e-mail SalesIQ told us is used; the bot asks only for the description, then opens the ticket.
    const ticket = await say('Create Ticket');
    expect(ticket.action).toBe('reply');
    expect(ticket.replies.join(' ')).toMatch(/We'll reply to visitor42@example.com/);
    const opened = await say('The refund for order 1234 was promised two weeks ago and never arrived.');
    expect(opened.action).toBe('reply');
    expect(opened.replies.join(' ')).toMatch(/Your ticket TKT-\d{4}-\d{4} is open/);
  });
});

describe('analytics by channel', () => {
  it('splits conversations and handoffs by the channel they started on', async () => {
    const res = await api(w.t.url, 'GET', '/api/v1/analytics/channels?bucket=day', undefined, admin.auth);
    expect(res.status).toBe(200);
    const sum = (channel: string, key: 'conversations' | 'escalated') =>
      res.body.rows
        .filter((r: { channel: string }) => r.channel === channel)
        .reduce((n: number, r: Record<string, number>) => n + (r[key] ?? 0), 0);
    // This file's WhatsApp and Zobot conversations so far (the describe blocks above ran first).
    expect(sum('whatsapp', 'conversations')).toBeGreaterThanOrEqual(5);
    expect(sum('whatsapp', 'escalated')).toBeGreaterThanOrEqual(1);
    expect(sum('salesiq', 'conversations')).toBeGreaterThanOrEqual(2);
  });
});

describe('Evolution API', () => {
  const post = (body: unknown, token: string | null = EVOLUTION_TOKEN) =>
    api(w.t.url, 'POST', `/channels/evolution/webhook${token ? `?token=${token}` : ''}`, body);

  it('ignores our own messages (fromMe) and groups, and answers a visitor', async () => {
    const jid = `55119${String(Date.now()).slice(-8)}@s.whatsapp.net`;
    const before = w.evolution.sends.length;
    const own = await post(
      evolutionUpsert({
        instance: EVOLUTION_INSTANCE,
        remoteJid: jid,
        fromMe: true,
        text: 'sent from the phone',
      }),
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ stored: 0, ignored: 1 });
    const group = await post(
      evolutionUpsert({ instance: EVOLUTION_INSTANCE, remoteJid: '120363025246125888@g.us', text: 'hi all' }),
    );
    expect(group.body).toMatchObject({ stored: 0, ignored: 1 });

    const id = `3EB0VISITOR${Date.now()}`;
    const visitor = await post(
      evolutionUpsert({
        instance: EVOLUTION_INSTANCE,
        remoteJid: jid,
        id,
        text: 'can you help me with password',
      }),
    );
    expect(visitor.body).toMatchObject({ stored: 1 });
    await settled(w, 'evolution', id);
    const sent = w.evolution.sends.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s.number === jid.split('@')[0])).toBe(true);
    expect(sent.map((s) => s.text).join('\n')).toMatch(/Step 1/);
  });

  it('refuses a missing or wrong token', async () => {
    const body = evolutionUpsert({
      instance: EVOLUTION_INSTANCE,
      remoteJid: '5511900000001@s.whatsapp.net',
      text: 'hi',
    });
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, 'wrong-token')).status).toBe(401);
  });
});
