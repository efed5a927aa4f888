// The widget API over real HTTP on the embedded default (PGlite). Risks covered: the seed conversation
// not reaching a human; the bot talking after handoff; a typed "1" outside the options escalating;
// a re-sent message being processed twice; bad input producing a 5xx or a half-written session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime();
});
afterAll(async () => {
  await t.close();
});

describe('widget API: the seed conversation', () => {
  it('password → agent request → options → 📞 Instant Chat → escalated, then the bot is silent', async () => {
    const v = await startVisitor(t.url);
    expect(v.start.state).toBe('greeting');
    expect(v.start.replies[0].text).toMatch(/assistant/i);

    const help = await v.send('can you help me with password');
    expect(help.status).toBe(200);
    expect(help.body.state).toBe('troubleshooting');
    expect(help.body.replies[0].text).toMatch(/Step 1/);

    const agent = await v.send('can you connect me to agent');
    expect(agent.body.state).toBe('escalation_options');
    expect(agent.body.buttons.map((b: { label: string }) => b.label)).toEqual([
      'Instant Chat',
      'Schedule Callback',
      'Create Ticket',
    ]);

    const chat = await v.send('📞 Instant Chat');
    expect(chat.body.state).toBe('escalated.queued');
    expect(chat.body.owner).toBe('human');

    const after = await v.send('hello? is anyone there?');
    expect(after.status).toBe(200);
    expect(after.body.state).toBe('escalated.queued');
    expect(after.body.replies).toEqual([]);

    const view = await v.view();
    expect(view.body.state).toBe('escalated.queued');
    expect(view.body.messages.at(-1)).toMatchObject({ role: 'visitor', text: 'hello? is anyone there?' });
    expect(view.body.messages.map((m: { seq: number }) => m.seq)).toEqual(
      view.body.messages.map((_: unknown, i: number) => i + 1),
    );
  });

  it('"1" typed in troubleshooting is ordinary text, but in the options it picks the first option', async () => {
    const v = await startVisitor(t.url);
    await v.send('my payment was declined');
    const one = await v.send('1');
    expect(one.body.state).toBe('troubleshooting');
    await v.send('I want to talk to a human');
    const pick = await v.send('1');
    expect(pick.body.state).toBe('escalated.queued');
  });

  it('buttons by id work only in the state that offers them', async () => {
    const v = await startVisitor(t.url);
    await v.send('the app keeps crashing');
    const notOffered = await v.press('instant_chat');
    expect(notOffered.status).toBe(409);
    expect(notOffered.body.error.message).toMatch(/not on offer.*solution_worked/);
    const failed = await v.press('solution_failed');
    expect(failed.body.state).toBe('troubleshooting');
    expect(failed.body.replies[0].text).toMatch(/Step 2/);
    const human = await v.press('talk_to_human');
    expect(human.body.state).toBe('escalation_options');
    const ticket = await v.press('ticket');
    expect(ticket.body.state).toBe('ticket_collection');
  });

  it('the same clientMessageId returns the same answer and changes nothing', async () => {
    const v = await startVisitor(t.url);
    const first = await v.send('can you help me with password', 'same-id');
    const again = await v.send('can you help me with password', 'same-id');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const view = await v.view();
    expect(view.body.messages.filter((m: { role: string }) => m.role === 'visitor')).toHaveLength(1);
  });
});

describe('widget API: bad input gets a clear 4xx and stores nothing', () => {
  it('unknown session, wrong token, missing token', async () => {
    const v = await startVisitor(t.url);
    const unknown = await api(
      t.url,
      'POST',
      '/api/v1/sessions/00000000-0000-0000-0000-000000000000/messages',
      { clientMessageId: 'x', text: 'hi' },
      { authorization: `Bearer ${v.token}` },
    );
    expect(unknown.status).toBe(404);
    const wrong = await api(
      t.url,
      'POST',
      `/api/v1/sessions/${v.sessionId}/messages`,
      { clientMessageId: 'x', text: 'hi' },
      { authorization: 'Bearer nope' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/Authorization: Bearer/);
    const missing = await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}`);
    expect(missing.status).toBe(401);
    expect((await v.view()).body.messages).toHaveLength(1);
  });

  it('malformed bodies name the problem', async () => {
    const v = await startVisitor(t.url);
    const auth = { authorization: `Bearer ${v.token}` };
    const path = `/api/v1/sessions/${v.sessionId}/messages`;
    const cases: Array<[unknown, RegExp]> = [
      [{ text: 'hi' }, /clientMessageId/],
      [{ clientMessageId: 'a', text: '' }, /text/],
      [{ clientMessageId: 'a', text: 'x'.repeat(2001) }, /at most 2000/],
      [{ clientMessageId: 'a', text: 42 }, /text/],
      [{ clientMessageId: 'a', text: 'hi', extra: true }, /extra|Unrecognized/i],
      ['{"clientMessageId": "a", "text": ', /not valid JSON/],
      // Risk: text Postgres cannot store (NUL, a lone surrogate) passing validation and failing as a 500.
      [{ clientMessageId: 'a', text: 'my order\u0000 number' }, /^text: .*cannot be stored/],
      ['{"clientMessageId": "a", "text": "broken \\ud800 pair"}', /^text: .*surrogate/],
      [
        { clientMessageId: 'a', text: 'hi', visitor: { 'na\u0000me': 'x' } },
        /visitor\.na.me: .*cannot be stored/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await api(t.url, 'POST', path, body, auth);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const huge = await api(t.url, 'POST', path, { clientMessageId: 'a', text: 'x'.repeat(40_000) }, auth);
    expect(huge.status).toBe(413);
    const view = await v.view();
    expect(view.body.messages).toHaveLength(1);
    expect(view.body.state).toBe('greeting');
  });

  it('unknown API routes are a 404 with a pointer to the OpenAPI document', async () => {
    const res = await api(t.url, 'GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/openapi/);
  });
});

describe('widget API: documentation and pages', () => {
  it('serves an OpenAPI document generated from the schemas', async () => {
    const res = await api(t.url, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const send = res.body.paths['/api/v1/sessions/{id}/messages'].post;
    expect(JSON.stringify(send.requestBody)).toContain('clientMessageId');
  });

  it('serves the chat page and the widget script', async () => {
    const page = await fetch(`${t.url}/`);
    expect(await page.text()).toContain('switchboard-chat');
    const script = await fetch(`${t.url}/widget.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1000);
  });
});
