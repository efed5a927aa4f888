// What humans do on the desks flows back, over HTTP against a running server, with the vendors as local
// fakes that sign like them (SalesIQ RSA with a key pair generated here, Zendesk and Slack HMACs, Freshdesk's
// shared secret). Risks covered: a forged, unsigned or stale webhook changing a conversation or a record; a
// redelivered or replayed webhook applied twice; a helpdesk's "solved" never reaching our ticket; our own
// comment echoed back by the helpdesk and shown to the visitor as if an agent wrote it; a desk id that
// belongs to no conversation crashing the worker; a slow webhook answer making Slack retry.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deskInbox,
  escalationIntegrations,
  escalations,
  supportTickets,
} from '../../src/storage/schema/index.ts';
import { OPERATOR, salesIqEntity } from '../fakes/salesiq.fake.ts';
import { SLACK_AGENT } from '../fakes/slack.fake.ts';
import { ZENDESK_AGENT } from '../fakes/zendesk.fake.ts';
import { newOperator, openSse } from '../operator/operator.support.ts';
import { api, startVisitor, type TestRuntime, type Visitor } from '../support/runtime.ts';
import { eventually, startVendors, startWorld, type Vendors } from './support/handoff-world.ts';

let v: Vendors;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-desks-'));
beforeAll(async () => {
  v = await startVendors();
});
afterAll(async () => {
  await v.close();
  rmSync(dir, { recursive: true, force: true });
});

const HEAVY = 60_000;
const streams: Array<{ close(): void }> = [];
afterAll(() => {
  for (const s of streams) s.close();
});

async function toOptions(t: TestRuntime, text = 'I want to talk to a human'): Promise<Visitor> {
  const visitor = await startVisitor(t.url);
  const r = await visitor.send(text);
  expect(r.body.state).toBe('escalation_options');
  return visitor;
}

async function ticket(t: TestRuntime): Promise<Visitor> {
  const visitor = await toOptions(t);
  await visitor.press('ticket');
  await visitor.send('visitor@example.com');
  const created = await visitor.send('The app crashes every time I open my orders page.');
  expect(created.body.state).toBe('ticket_created');
  return visitor;
}

const idle = (t: TestRuntime) =>
  eventually(
    async () => (await t.runtime.effectLog.pendingCount()) + (await pendingDeskEvents(t)),
    (n) => n === 0,
    30_000,
  );

async function pendingDeskEvents(t: TestRuntime): Promise<number> {
  const rows = await t.runtime.database.db.select().from(deskInbox).where(eq(deskInbox.status, 'pending'));
  return rows.length;
}

async function delivery(t: TestRuntime, sessionId: string, target: string) {
  return eventually(
    async () =>
      (
        await t.runtime.database.db
          .select()
          .from(escalationIntegrations)
          .where(
            and(
              eq(escalationIntegrations.conversationId, sessionId),
              eq(escalationIntegrations.target, target),
            ),
          )
      )[0],
    (row) => row?.status === 'delivered',
  );
}

async function inboxOf(t: TestRuntime, desk: string, externalId: string) {
  return t.runtime.database.db
    .select()
    .from(deskInbox)
    .where(and(eq(deskInbox.desk, desk), eq(deskInbox.externalId, externalId)));
}

async function ticketRow(t: TestRuntime, sessionId: string) {
  const [row] = await t.runtime.database.db
    .select()
    .from(supportTickets)
    .where(eq(supportTickets.sessionId, sessionId));
  return row;
}

describe('SalesIQ', () => {
  let t: TestRuntime;
  let hook: string;
  beforeAll(async () => {
    t = await startWorld(v, { salesiq: true });
    hook = `${t.url}/webhooks/salesiq`;
  });
  afterAll(async () => {
    await t.close();
  });

  async function liveChat(): Promise<{ visitor: Visitor; conversationId: string }> {
    const visitor = await toOptions(t);
    expect((await visitor.press('instant_chat')).body.state).toBe('escalated.queued');
    const row = await delivery(t, visitor.sessionId, 'salesiq');
    return { visitor, conversationId: row?.externalId ?? '' };
  }

  it(
    'the operator joining and replying reach the visitor live over SSE; the delivery says "answered by Maria"',
    async () => {
      const { visitor, conversationId } = await liveChat();
      const stream = await openSse(`${t.url}/api/v1/sessions/${visitor.sessionId}/events`, {
        authorization: `Bearer ${visitor.token}`,
      });
      streams.push(stream);
      const joined = await v.salesiq.webhook(hook, 'conversation.attender.updated', conversationId);
      expect(joined.status).toBe(200);
      expect(joined.body).toEqual({ accepted: 1, duplicates: 0 });
      const hello = await stream.next(
        (e) => e.event === 'turn' && e.data.state === 'escalated.assigned',
        10_000,
      );
      expect(hello.data.messages.map((m: { text: string }) => m.text)).toContain(
        'Maria has joined the chat.',
      );
      const entity = salesIqEntity(
        'conversation.operator.replied',
        conversationId,
        'Hi, Maria here. How can I help?',
      );
      const replied = await v.salesiq.webhook(hook, 'conversation.operator.replied', conversationId, entity);
      expect(replied.body.accepted).toBe(1);
      const reply = await stream.next(
        (e) =>
          e.event === 'turn' &&
          e.data.messages.some((m: { text: string }) => m.text === 'Hi, Maria here. How can I help?'),
        10_000,
      );
      expect(reply.data.messages.find((m: { role: string }) => m.role === 'operator')).toBeDefined();
      await idle(t);
      const row = await delivery(t, visitor.sessionId, 'salesiq');
      expect(row).toMatchObject({ deskStatus: 'answered', deskAgent: OPERATOR.name });
      const admin = await newOperator(t.runtime, t.url, 'admin', 'Ada');
      const seen = await api(
        t.url,
        'GET',
        `/api/v1/conversations/${visitor.sessionId}`,
        undefined,
        admin.auth,
      );
      expect(seen.body.deliveries.find((d: { target: string }) => d.target === 'salesiq')).toMatchObject({
        deskStatus: 'answered',
        deskSummary: 'answered in SalesIQ by Maria',
      });
      // What the visitor writes keeps going into the SalesIQ conversation.
      await visitor.send('My order number is 4411');
      await eventually(
        () => v.salesiq.conversations.find((c) => c.id === conversationId)?.messages ?? [],
        (m) => m.includes('My order number is 4411'),
      );
    },
    HEAVY,
  );

  it('"completed" closes the conversation with the closing notice', async () => {
    const { visitor, conversationId } = await liveChat();
    await v.salesiq.webhook(hook, 'conversation.attender.updated', conversationId);
    await v.salesiq.webhook(hook, 'conversation.completed', conversationId);
    await idle(t);
    const view = await eventually(
      () => visitor.view(),
      (r) => r.body.state === 'escalated.closed',
    );
    // The closing notice, then the satisfaction survey (issue 15) with its rating buttons.
    expect(view.body.messages.at(-2).text).toMatch(/closed this conversation/);
    expect(view.body.messages.at(-1).text).toMatch(/rate this conversation/);
    expect(view.body.buttons.map((b: { id: string }) => b.id)).toContain('rate_5');
    expect(await delivery(t, visitor.sessionId, 'salesiq')).toMatchObject({ deskStatus: 'closed' });
  });

  it('"missed" offers the visitor a callback or a ticket instead', async () => {
    const { visitor, conversationId } = await liveChat();
    await v.salesiq.webhook(hook, 'conversation.missed', conversationId);
    await idle(t);
    const view = await eventually(
      () => visitor.view(),
      (r) => r.body.state === 'escalation_options',
    );
    expect(view.body.buttons.map((b: { id: string }) => b.id)).toEqual(['callback', 'ticket']);
    expect(view.body.messages.map((m: { text: string }) => m.text).join('\n')).toMatch(
      /nobody from our live chat team could take your chat/,
    );
  });

  it('a redelivered webhook (SalesIQ retries with attempt 2) and a replayed one are ignored', async () => {
    const { conversationId } = await liveChat();
    const entity = salesIqEntity('conversation.operator.replied', conversationId, 'One moment please.');
    const first = await v.salesiq.webhook(hook, 'conversation.operator.replied', conversationId, entity);
    const retry = await v.salesiq.webhook(hook, 'conversation.operator.replied', conversationId, entity, {
      attempt: 2,
    });
    expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
    expect(retry.body).toEqual({ accepted: 0, duplicates: 1 });
    expect(await inboxOf(t, 'salesiq', conversationId)).toHaveLength(1);
  });

  it('a forged or missing x-siqsignature is refused with 401 and nothing is written', async () => {
    const { visitor, conversationId } = await liveChat();
    const forged = await v.salesiq.webhook(hook, 'conversation.completed', conversationId, undefined, {
      signature: Buffer.from('not a signature').toString('base64'),
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_signature');
    const missing = await v.salesiq.webhook(hook, 'conversation.completed', conversationId, undefined, {
      signature: null,
    });
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/x-siqsignature/);
    expect(await inboxOf(t, 'salesiq', conversationId)).toHaveLength(0);
    expect((await visitor.view()).body.state).toBe('escalated.queued');
  });

  it('an unsigned body is refused before it is even read', async () => {
    const res = await fetch(hook, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(401);
  });
});

describe('Zendesk', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startWorld(v, { zendesk: true });
    v.zendesk.webhookUrl = `${t.url}/webhooks/zendesk`;
  });
  afterAll(async () => {
    await t.close();
  });

  async function zendeskTicket() {
    const visitor = await ticket(t);
    const row = await delivery(t, visitor.sessionId, 'zendesk');
    return { visitor, ticketId: Number(row?.externalId) };
  }

  it(
    '"solved" on Zendesk resolves our ticket and the escalation; the console sees "Zendesk #n solved"',
    async () => {
      const { visitor, ticketId } = await zendeskTicket();
      const solved = await v.zendesk.setStatus(ticketId, 'SOLVED');
      expect(solved.status).toBe(200);
      await idle(t);
      expect(await ticketRow(t, visitor.sessionId)).toMatchObject({ status: 'resolved' });
      const told = await eventually(
        () => visitor.view(),
        (r) => r.body.messages.some((m: { text: string }) => /has been marked as solved/.test(m.text)),
      );
      expect(told.body.state).toBe('ticket_created');
      const [escalation] = await t.runtime.database.db
        .select()
        .from(escalations)
        .where(eq(escalations.conversationId, visitor.sessionId));
      expect(escalation?.status).toBe('resolved');
      const row = await delivery(t, visitor.sessionId, 'zendesk');
      expect(row).toMatchObject({ deskStatus: 'solved', externalId: String(ticketId) });
      const admin = await newOperator(t.runtime, t.url, 'admin', 'Ada');
      const seen = await api(
        t.url,
        'GET',
        `/api/v1/conversations/${visitor.sessionId}`,
        undefined,
        admin.auth,
      );
      expect(seen.body.deliveries.find((d: { target: string }) => d.target === 'zendesk')).toMatchObject({
        deskSummary: `Zendesk #${ticketId} solved`,
        externalUrl: `${v.zendesk.url}/agent/tickets/${ticketId}`,
      });
    },
    HEAVY,
  );

  it(
    'a public comment reaches the visitor (a note does not); the visitor’s next message becomes a comment, and its echo is not sent back',
    async () => {
      const { visitor, ticketId } = await zendeskTicket();
      const note = await v.zendesk.agentComment(ticketId, 'Internal: check the logs', { isPublic: false });
      expect(note.body).toMatchObject({ accepted: 0, ignored: 'internal note' });
      const reply = await v.zendesk.agentComment(ticketId, 'Could you tell me your app version?');
      expect(reply.body).toEqual({ accepted: 1, duplicates: 0 });
      await idle(t);
      const seen = await eventually(
        () => visitor.view(),
        (r) =>
          r.body.messages.some((m: { text: string }) => m.text === 'Could you tell me your app version?'),
      );
      expect(seen.body.messages.some((m: { text: string }) => m.text.includes('check the logs'))).toBe(false);
      expect(seen.body.messages.find((m: { text: string }) => m.text.startsWith('Could you'))?.role).toBe(
        'operator',
      );

      await visitor.send('Version 4.2.1 on Android');
      const zd = v.zendesk.tickets.find((x) => x.id === ticketId);
      await eventually(
        () => zd?.comments.map((c) => c.body) ?? [],
        (bodies) => bodies.includes('Version 4.2.1 on Android'),
      );
      const ours = zd?.comments.find((c) => c.body === 'Version 4.2.1 on Android');
      // Posted as the requester: it reads as the visitor's words, and the webhook echo is not an agent's.
      expect(ours).toMatchObject({ public: true, staff: false, authorId: zd?.requester_id });
      await eventually(
        () => v.zendesk.deliveries.filter((d) => d.type.endsWith('comment_added')).length,
        (n) => n >= 3,
      );
      await idle(t);
      const after = await visitor.view();
      const copies = after.body.messages.filter(
        (m: { text: string }) => m.text === 'Version 4.2.1 on Android',
      );
      expect(copies.map((m: { role: string }) => m.role)).toEqual(['visitor']);
      const rows = await inboxOf(t, 'zendesk', String(ticketId));
      expect(rows.map((r) => [r.status, (r.event as { kind: string }).kind])).toEqual([
        ['done', 'agent_replied'],
      ]);
      expect(rows[0]?.event).toMatchObject({
        agent: { id: `zendesk:${ZENDESK_AGENT.id}`, name: ZENDESK_AGENT.name },
      });
    },
    HEAVY,
  );

  it('a bad, missing or stale signature is refused with 401 and changes nothing; a replay is ignored', async () => {
    const { visitor, ticketId } = await zendeskTicket();
    const raw = JSON.stringify({
      type: 'zen:event-type:ticket.status_changed',
      id: `evt-${ticketId}`,
      detail: { id: String(ticketId), status: 'SOLVED' },
      event: { current: 'SOLVED', previous: 'OPEN' },
    });
    const forged = await v.zendesk.deliver(raw, { secret: 'wrong' });
    expect(forged.status).toBe(401);
    const unsigned = await v.zendesk.deliver(raw, { unsigned: true });
    expect(unsigned.status).toBe(401);
    const stale = await v.zendesk.deliver(raw, {
      timestamp: new Date(Date.now() - 6 * 60_000).toISOString(),
    });
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/limit 300 s/);
    await idle(t);
    expect(await inboxOf(t, 'zendesk', String(ticketId))).toHaveLength(0);
    expect(await ticketRow(t, visitor.sessionId)).toMatchObject({ status: 'open' });

    const good = await v.zendesk.deliver(raw);
    const replayed = await v.zendesk.deliver(raw);
    expect(good.body).toEqual({ accepted: 1, duplicates: 0 });
    expect(replayed.body).toEqual({ accepted: 0, duplicates: 1 });
  });
});

describe('Freshdesk', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startWorld(v, { freshdesk: true });
    v.freshdesk.webhookUrl = `${t.url}/webhooks/freshdesk`;
  });
  afterAll(async () => {
    await t.close();
  });

  it(
    'status 4 (resolved) resolves our ticket; a request without the secret is refused and changes nothing',
    async () => {
      const visitor = await ticket(t);
      const row = await delivery(t, visitor.sessionId, 'freshdesk');
      const ticketId = Number(row?.externalId);
      const body = JSON.stringify({ event: 'status_changed', ticket_id: String(ticketId), status: 4 });

      const without = await v.freshdesk.deliver(body, null);
      expect(without.status).toBe(401);
      expect(without.body.error.message).toMatch(/x-switchboard-secret/);
      const wrong = await v.freshdesk.deliver(body, 'not-the-secret-at-all');
      expect(wrong.status).toBe(401);
      await idle(t);
      expect(await ticketRow(t, visitor.sessionId)).toMatchObject({ status: 'open' });
      expect(await inboxOf(t, 'freshdesk', String(ticketId))).toHaveLength(0);

      const resolved = await v.freshdesk.setStatus(ticketId, 4);
      expect(resolved.status).toBe(200);
      await idle(t);
      expect(await ticketRow(t, visitor.sessionId)).toMatchObject({ status: 'resolved' });
      expect(await delivery(t, visitor.sessionId, 'freshdesk')).toMatchObject({ deskStatus: 'solved' });
    },
    HEAVY,
  );

  it(
    'an agent reply reaches the visitor; the visitor’s answer is posted as a reply and its echo is dropped',
    async () => {
      const visitor = await ticket(t);
      const row = await delivery(t, visitor.sessionId, 'freshdesk');
      const ticketId = Number(row?.externalId);
      const answered = await v.freshdesk.agentReply(ticketId, 'Which browser do you use?');
      expect(answered.body.accepted).toBe(1);
      await idle(t);
      await eventually(
        () => visitor.view(),
        (r) =>
          r.body.messages.some(
            (m: { text: string; role: string }) =>
              m.text === 'Which browser do you use?' && m.role === 'operator',
          ),
      );
      await visitor.send('Firefox 133 on Windows');
      const fd = v.freshdesk.tickets.find((x) => x.id === ticketId);
      await eventually(
        () => fd?.replies.map((r) => r.body) ?? [],
        (bodies) => bodies.includes('Firefox 133 on Windows'),
      );
      // Freshdesk's rule fires for our API reply too: the inbox takes it, the loop guard drops it.
      const echo = await eventually(
        async () => (await inboxOf(t, 'freshdesk', String(ticketId))).filter((r) => r.status === 'ignored'),
        (rows) => rows.length === 1,
      );
      expect(echo[0]?.note).toMatch(/echoed back/);
      await idle(t);
      const copies = (await visitor.view()).body.messages.filter(
        (m: { text: string }) => m.text === 'Firefox 133 on Windows',
      );
      expect(copies.map((m: { role: string }) => m.role)).toEqual(['visitor']);
    },
    HEAVY,
  );

  it('an unknown status is a 400 naming the expected values', async () => {
    const res = await v.freshdesk.deliver(JSON.stringify({ ticket_id: '1', status: 'Teleported' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/expected 2–5/);
  });
});

describe('Slack', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    const routing = join(dir, 'routing.yaml');
    writeFileSync(routing, 'slack: { enabled: true, notify: [urgent, high, medium, low] }\n');
    t = await startWorld(v, { slack: true }, { env: { HANDOFF_ROUTING_FILE: routing } });
    v.slack.appUrl = t.url;
  });
  afterAll(async () => {
    await t.close();
  });

  async function notified() {
    const visitor = await toOptions(t);
    expect((await visitor.press('instant_chat')).body.state).toBe('escalated.queued');
    const row = await delivery(t, visitor.sessionId, 'slack');
    const notice = v.slack.messages.find((m) => `${m.channel}:${m.ts}` === row?.externalId);
    if (!notice) throw new Error('no Slack notice for the case');
    return { visitor, notice };
  }

  it('answers url_verification with the challenge (signed like any request)', async () => {
    const raw = JSON.stringify({ token: 'x', challenge: 'chal-123', type: 'url_verification' });
    const res = await v.slack.signed('/slack/events', raw, 'application/json');
    expect(res).toMatchObject({ status: 200, body: { challenge: 'chal-123' } });
    const forged = await v.slack.signed('/slack/events', raw, 'application/json', { secret: 'nope' });
    expect(forged.status).toBe(401);
  });

  it(
    'a thread reply is accepted once, however often Slack retries it; a bad signature changes nothing',
    async () => {
      const { visitor, notice } = await notified();
      const threadId = `${notice.channel}:${notice.ts}`;
      const forged = await v.slack.threadReply(notice, 'I am on it', { secret: 'wrong-secret' });
      expect(forged.status).toBe(401);
      const stale = await v.slack.threadReply(notice, 'I am on it', {
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      expect(stale.status).toBe(401);
      expect(await inboxOf(t, 'slack', threadId)).toHaveLength(0);

      const first = await v.slack.threadReply(notice, 'Hi! I am looking into it.');
      const retried = await v.slack.threadReply(notice, 'Hi! I am looking into it.', {
        eventId: first.eventId,
        retryNum: 1,
      });
      expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
      expect(retried.body).toEqual({ accepted: 0, duplicates: 1 });
      await idle(t);
      const rows = await inboxOf(t, 'slack', threadId);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.status).toBe('done');
      const view = await eventually(
        () => visitor.view(),
        (r) => r.body.state === 'escalated.assigned',
      );
      const texts = view.body.messages.map((m: { text: string }) => m.text);
      expect(texts.filter((x: string) => x === 'Hi! I am looking into it.')).toHaveLength(1);
      expect(texts).toContain(`${SLACK_AGENT.name} has joined the chat.`);
      const [escalation] = await eventually(
        () =>
          t.runtime.database.db
            .select()
            .from(escalations)
            .where(eq(escalations.conversationId, visitor.sessionId)),
        (r) => r[0]?.status === 'assigned',
      );
      expect(escalation?.assignedTo).toBe(`slack:${SLACK_AGENT.id}`);
      // The thread is the case: the assignment shows there.
      await eventually(
        () => v.slack.messages.filter((m) => m.thread_ts === notice.ts).map((m) => m.text),
        (lines) => lines.includes(`✅ Taken by <@${SLACK_AGENT.id}>.`),
      );
    },
    HEAVY,
  );

  it('the visitor’s messages are mirrored into the case’s thread', async () => {
    const { visitor, notice } = await notified();
    await visitor.send('Is anybody there?');
    await idle(t);
    const mirrored = v.slack.messages.filter((m) => m.thread_ts === notice.ts);
    expect(mirrored.map((m) => m.text)).toEqual(['*Visitor:* Is anybody there?']);
  });

  it('/switchboard lists the open cases with a link to each thread', async () => {
    const { visitor, notice } = await notified();
    const form = new URLSearchParams({
      command: '/switchboard',
      text: '',
      user_id: SLACK_AGENT.id,
    }).toString();
    const res = await v.slack.signed('/slack/commands', form, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe('ephemeral');
    expect(res.body.text).toContain(visitor.sessionId);
    expect(res.body.text).toContain(
      `https://slack.com/archives/${notice.channel}/p${notice.ts.replace('.', '')}`,
    );
  });
});
