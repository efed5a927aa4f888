// Live updates over Server-Sent Events on one process (in-process fan-out, PGlite). Risks covered: an agent's
// reply not reaching the widget; messages lost or doubled across a reconnect (Last-Event-ID); a stream that
// opens without a valid token; the console missing visitor messages or typing; the queue position missing
// while a visitor waits; the widget API closed to other sites (CORS) or the operator API open to them;
// one chat flooding the server with messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escalateVisitor,
  type LoggedIn,
  newOperator,
  openSse,
  waitForEscalation,
} from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';

let t: TestRuntime;
let agent: LoggedIn;
const streams: Array<{ close(): void }> = [];

beforeAll(async () => {
  t = await startTestRuntime({
    backend: databaseUrl ? 'postgres' : 'pglite',
    env: { WIDGET_ALLOWED_ORIGINS: 'https://shop.example.com', SESSION_MESSAGES_PER_MINUTE: '12' },
  });
  agent = await newOperator(t.runtime, t.url, 'agent', 'Alice');
});
afterAll(async () => {
  for (const s of streams) s.close();
  await t.close();
});

async function widgetStream(sessionId: string, token: string, lastEventId?: string) {
  const s = await openSse(`${t.url}/api/v1/sessions/${sessionId}/events`, {
    authorization: `Bearer ${token}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });
  streams.push(s);
  return s;
}

const say = (sessionId: string, text: string) =>
  api(t.url, 'POST', `/api/v1/conversations/${sessionId}/agent-messages`, { text }, agent.auth);

describe('the widget stream', () => {
  it('delivers the agent’s reply live, with the message seq as event id, plus typing and queue position', async () => {
    const v = await startVisitor(t.url);
    await escalateVisitor(v);
    await waitForEscalation(t.url, agent.auth, v.sessionId, 'queued');
    const last = (await v.view()).body.messages.at(-1).seq;
    const s = await widgetStream(v.sessionId, v.token, String(last));
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const hello = await s.next((e) => e.event === 'turn');
    expect(hello.data).toMatchObject({ state: 'escalated.queued', owner: 'human', messages: [] });
    const queue = await s.next((e) => e.event === 'queue');
    expect(queue.data.position).toBeGreaterThanOrEqual(1);

    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${v.sessionId}/assign`,
      { agentId: agent.id },
      agent.auth,
    );
    await api(t.url, 'POST', `/api/v1/conversations/${v.sessionId}/typing`, { typing: true }, agent.auth);
    expect((await s.next((e) => e.event === 'typing')).data).toEqual({ role: 'operator', typing: true });
    await say(v.sessionId, 'Hi, I am Alice.');
    const reply = await s.next(
      (e) => e.event === 'turn' && e.data.messages.some((m: any) => m.role === 'operator'),
    );
    const message = reply.data.messages.find((m: any) => m.role === 'operator');
    expect(message.text).toBe('Hi, I am Alice.');
    expect(reply.id).toBe(String(message.seq));
    expect(reply.data.state).toBe('escalated.assigned');
  });

  it('moves a waiting visitor up the queue as soon as someone ahead is taken', async () => {
    const ahead = await startVisitor(t.url);
    await escalateVisitor(ahead);
    await waitForEscalation(t.url, agent.auth, ahead.sessionId, 'queued');
    const behind = await startVisitor(t.url);
    await escalateVisitor(behind);
    await waitForEscalation(t.url, agent.auth, behind.sessionId, 'queued');
    const s = await widgetStream(behind.sessionId, behind.token, '999');
    const before = (await s.next((e) => e.event === 'queue')).data.position;
    const rest = await api(t.url, 'GET', `/api/v1/sessions/${behind.sessionId}/queue`, undefined, {
      authorization: `Bearer ${behind.token}`,
    });
    expect(rest.body.position).toBe(before);
    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${ahead.sessionId}/assign`,
      { agentId: agent.id },
      agent.auth,
    );
    // Well before the 10-second safety poll: the assignment itself triggers the update.
    const after = await s.next((e) => e.event === 'queue' && e.data.position === before - 1, 4000);
    expect(after.data.position).toBe(before - 1);
  });

  it('counts only live chats ahead of a visitor: tickets and callbacks waiting in the console are not', async () => {
    // Risk: a visitor told they are number 5 when four of those are tickets nobody answers live.
    const place = async (v: { sessionId: string; token: string }) =>
      (
        await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}/queue`, undefined, {
          authorization: `Bearer ${v.token}`,
        })
      ).body.position as number;
    const first = await startVisitor(t.url);
    await escalateVisitor(first);
    await waitForEscalation(t.url, agent.auth, first.sessionId, 'queued');

    const ticket = await startVisitor(t.url);
    await ticket.send('can you help me with password');
    expect((await ticket.send('I want to talk to a human')).body.state).toBe('escalation_options');
    await ticket.press('ticket');
    await ticket.send('visitor@example.com');
    expect((await ticket.send('The reset e-mail never arrives.')).body.state).toBe('ticket_created');
    const ticketRow = await waitForEscalation(t.url, agent.auth, ticket.sessionId, 'queued');
    expect(ticketRow.channel).toBe('ticket');

    const second = await startVisitor(t.url);
    await escalateVisitor(second);
    await waitForEscalation(t.url, agent.auth, second.sessionId, 'queued');
    expect(await place(second)).toBe((await place(first)) + 1);
    // A visitor without a live chat has no place in the queue.
    expect(await place(ticket)).toBeNull();
  });

  it('resumes from Last-Event-ID without gaps or duplicates', async () => {
    const v = await startVisitor(t.url);
    await escalateVisitor(v);
    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${v.sessionId}/assign`,
      { agentId: agent.id },
      agent.auth,
    );
    const s1 = await widgetStream(v.sessionId, v.token, String((await v.view()).body.messages.at(-1).seq));
    await say(v.sessionId, 'one');
    const got = await s1.next(
      (e) => e.event === 'turn' && e.data.messages.some((m: any) => m.text === 'one'),
    );
    s1.close();
    // While the widget is away: two agent messages and a visitor message from another tab.
    await say(v.sessionId, 'two');
    await v.send('visitor from another tab');
    await say(v.sessionId, 'three');

    const s2 = await widgetStream(v.sessionId, v.token, got.id ?? '');
    const replay = await s2.next((e) => e.event === 'turn');
    expect(replay.data.messages.map((m: any) => m.text)).toEqual([
      'two',
      'visitor from another tab',
      'three',
    ]);
    const seqs = replay.data.messages.map((m: any) => m.seq);
    expect(seqs[0]).toBe(Number(got.id) + 1);
    expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]);
    expect(replay.id).toBe(String(seqs[2]));
    await say(v.sessionId, 'four');
    const live = await s2.next(
      (e) => e.event === 'turn' && e.data.messages.some((m: any) => m.text === 'four'),
    );
    expect(live.data.messages.map((m: any) => m.seq)).toEqual([seqs[2] + 1]);
    // Nothing was delivered twice on the second stream.
    const all = s2.events
      .filter((e) => e.event === 'turn')
      .flatMap((e) => e.data.messages.map((m: any) => m.seq));
    expect(new Set(all).size).toBe(all.length);
  });

  it('without a Last-Event-ID the whole transcript is sent first', async () => {
    const v = await startVisitor(t.url);
    await v.send('can you help me with password');
    const s = await widgetStream(v.sessionId, v.token);
    const first = await s.next((e) => e.event === 'turn');
    expect(first.data.messages.map((m: any) => m.seq)).toEqual([1, 2, 3]);
    expect(first.data.buttons.length).toBeGreaterThan(0);
  });

  it('refuses a stream without the session token', async () => {
    const v = await startVisitor(t.url);
    const none = await openSse(`${t.url}/api/v1/sessions/${v.sessionId}/events`, {});
    expect(none.status).toBe(401);
    const wrong = await openSse(`${t.url}/api/v1/sessions/${v.sessionId}/events`, {
      authorization: 'Bearer not-the-token',
    });
    expect(wrong.status).toBe(401);
    const gone = await openSse(`${t.url}/api/v1/sessions/no-such-session-1/events`, {
      authorization: `Bearer ${v.token}`,
    });
    expect(gone.status).toBe(404);
    const queue = await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}/queue`, undefined, {
      authorization: `Bearer ${v.token}`,
    });
    expect(queue.body).toEqual({ position: null, estimatedWaitSeconds: null });
  });
});

describe('the console stream', () => {
  it('needs an operator token, then streams every turn and the visitor typing; a reconnect gets resync', async () => {
    expect((await openSse(`${t.url}/api/v1/operator/events`, {})).status).toBe(401);
    const s = await openSse(`${t.url}/api/v1/operator/events`, agent.auth);
    streams.push(s);
    expect((await s.next((e) => e.event === 'ready')).id).toBeTruthy();

    const v = await startVisitor(t.url);
    await escalateVisitor(v);
    await s.next(
      (e) => e.event === 'turn' && e.data.sessionId === v.sessionId && e.data.state === 'escalated.queued',
    );
    await api(
      t.url,
      'POST',
      `/api/v1/sessions/${v.sessionId}/typing`,
      { typing: true },
      { authorization: `Bearer ${v.token}` },
    );
    const typing = await s.next((e) => e.event === 'typing');
    expect(typing.data).toEqual({ sessionId: v.sessionId, role: 'visitor', typing: true });
    await v.send('are you there?');
    const turn = await s.next(
      (e) => e.event === 'turn' && e.data.messages.some((m: any) => m.text === 'are you there?'),
    );
    expect(turn.data).toMatchObject({ sessionId: v.sessionId, owner: 'human' });
    s.close();

    const again = await openSse(`${t.url}/api/v1/operator/events`, {
      ...agent.auth,
      'last-event-id': turn.id ?? '1',
    });
    streams.push(again);
    await again.next((e) => e.event === 'resync');
  });
});

describe('safety at the edge', () => {
  it('answers CORS for the widget API only, and only to the configured origins', async () => {
    const preflight = (path: string, origin: string) =>
      fetch(`${t.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const ok = await preflight('/api/v1/sessions/abcdefgh/messages', 'https://shop.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const other = await preflight('/api/v1/sessions', 'https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const operatorApi = await preflight('/api/v1/escalations', 'https://shop.example.com');
    expect(operatorApi.headers.get('access-control-allow-origin')).toBeNull();
    const start = await fetch(`${t.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { origin: 'https://shop.example.com', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(start.status).toBe(201);
    expect(start.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
  });

  it('limits the messages one chat session may post per minute', async () => {
    const v = await startVisitor(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await v.send(`message ${i}`)).status);
    expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
    expect(statuses[12]).toBe(429);
    const other = await startVisitor(t.url);
    expect((await other.send('hello')).status).toBe(200);
  });

  it('serves the console page and its script with security headers', async () => {
    const page = await fetch(`${t.url}/console`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/console.js"');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const script = await fetch(`${t.url}/console.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const code = await script.text();
    expect(code).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);
    const widget = await (await fetch(`${t.url}/widget.js`)).text();
    expect(widget).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);
  });
});
