// The operator API over real HTTP, on the real engine and handoff worker (PGlite). Risks covered: an agent
// answering a conversation the bot owns or another agent's; a second escalation or resolution going through;
// the bot talking after a handoff; first_response_at not set (or overwritten); the queue in the wrong order
// or filters that ignore their input; a resolved conversation never reaching the bot again; unauthenticated,
// expired or non-admin tokens doing admin things; password guessing without throttling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  createOperator,
  escalateVisitor,
  type LoggedIn,
  login,
  newOperator,
  waitForEscalation,
} from './operator.support.ts';

// A real Postgres when there is one (faster to start than PGlite); the embedded default otherwise.
const backend = databaseUrl ? 'postgres' : 'pglite';
let t: TestRuntime;
let admin: LoggedIn;
let alice: LoggedIn;
let bob: LoggedIn;

beforeAll(async () => {
  t = await startTestRuntime({ backend, env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '900' } });
  admin = await newOperator(t.runtime, t.url, 'admin', 'Ada Admin');
  alice = await newOperator(t.runtime, t.url, 'agent', 'Alice');
  bob = await newOperator(t.runtime, t.url, 'agent', 'Bob');
});
afterAll(async () => {
  await t.close();
});

const post = (path: string, body: unknown, who: LoggedIn) =>
  api(t.url, 'POST', `/api/v1${path}`, body, who.auth);
const get = (path: string, who: LoggedIn) => api(t.url, 'GET', `/api/v1${path}`, undefined, who.auth);

async function escalated(opener?: string) {
  const v = await startVisitor(t.url);
  await escalateVisitor(v, opener);
  return v;
}

describe('accounts, tokens and roles', () => {
  it('logs in with the right password only, and the token identifies the operator', async () => {
    const account = await createOperator(t.runtime, 'agent', 'Carol');
    const wrong = await api(t.url, 'POST', '/api/v1/auth/login', {
      email: account.email,
      password: 'nope-nope-nope',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const unknown = await api(t.url, 'POST', '/api/v1/auth/login', {
      email: 'nobody@example.test',
      password: 'x',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);

    const carol = await login(t.url, account.email.toUpperCase(), account.password);
    expect(carol.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await get('/auth/me', carol);
    expect(me.body.operator).toMatchObject({ email: account.email, role: 'agent', displayName: 'Carol' });

    // Only the sha256 of the token is stored.
    const rows = await t.runtime.database.db.query.operatorTokens.findMany();
    expect(rows.some((r) => r.tokenHash === carol.token)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);

    expect((await post('/auth/logout', {}, carol)).status).toBe(204);
    expect((await get('/auth/me', carol)).status).toBe(401);
  });

  it('stores scrypt hashes with salt and parameters, never the password', async () => {
    const account = await createOperator(t.runtime, 'agent');
    const row = await t.runtime.database.db.query.operators.findFirst({
      where: (o, { eq }) => eq(o.email, account.email),
    });
    expect(row?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(row?.passwordHash).not.toContain(account.password);
  });

  it('throttles password guessing per e-mail and address: 429 with Retry-After, other accounts unaffected', async () => {
    const account = await createOperator(t.runtime, 'agent');
    for (let i = 0; i < 3; i++) {
      const r = await api(t.url, 'POST', '/api/v1/auth/login', {
        email: account.email,
        password: `guess-${i}`,
      });
      expect(r.status).toBe(401);
    }
    const blocked = await api(t.url, 'POST', '/api/v1/auth/login', {
      email: account.email,
      password: account.password,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_login_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    // Another account from the same address still logs in.
    const other = await createOperator(t.runtime, 'agent');
    expect((await login(t.url, other.email, other.password)).token).toBeTruthy();
  });

  it('admins create agents; agents cannot; e-mails are unique; no token, no access', async () => {
    const body = { email: `new-${Date.now()}@example.test`, displayName: 'Dan', password: 'a-long-password' };
    const byAgent = await post('/operators', body, alice);
    expect(byAgent.status).toBe(403);
    const created = await post('/operators', body, admin);
    expect(created.status).toBe(201);
    expect(created.body.operator).toMatchObject({ email: body.email, role: 'agent' });
    expect(created.body.operator.passwordHash).toBeUndefined();
    expect((await post('/operators', body, admin)).status).toBe(409);
    expect((await post('/operators', { ...body, email: 'x@y.z', password: 'short' }, admin)).status).toBe(
      400,
    );
    const dan = await login(t.url, body.email, body.password);
    expect(dan.role).toBe('agent');

    expect((await api(t.url, 'GET', '/api/v1/escalations')).status).toBe(401);
    const forged = { authorization: `Bearer ${'x'.repeat(43)}` };
    expect((await api(t.url, 'GET', '/api/v1/escalations', undefined, forged)).status).toBe(401);
    const list = await get('/operators', alice);
    expect(list.body.operators.map((o: { displayName: string }) => o.displayName)).toContain('Dan');
  });
});

describe('the queue', () => {
  it('lists escalations urgent first, then longest waiting, with filters, text search and paging', async () => {
    const first = await escalated('can you help me with password'); // medium
    const second = await escalated('can you help me with password'); // medium, waiting less
    const third = await escalated('my payment was declined'); // payment → high
    for (const v of [first, second, third]) await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');

    const queue = await get('/escalations?status=queued&pageSize=100', alice);
    expect(queue.status).toBe(200);
    const ids = queue.body.items.map((i: { conversationId: string }) => i.conversationId);
    expect(ids.indexOf(third.sessionId)).toBeLessThan(ids.indexOf(first.sessionId));
    expect(ids.indexOf(first.sessionId)).toBeLessThan(ids.indexOf(second.sessionId));
    const item = queue.body.items.find(
      (i: { conversationId: string }) => i.conversationId === third.sessionId,
    );
    expect(item).toMatchObject({
      status: 'queued',
      priority: 'high',
      category: 'payment',
      channel: 'instant_chat',
    });
    // The default high-priority SLA is the hour the visitor is promised (FIRST_RESPONSE_SLA, issue 15).
    expect(Date.parse(item.slaDueAt) - Date.parse(item.createdAt)).toBe(3_600_000);

    const high = await get('/escalations?priority=high', alice);
    expect(high.body.items.every((i: { priority: string }) => i.priority === 'high')).toBe(true);
    expect(high.body.items.map((i: { conversationId: string }) => i.conversationId)).toContain(
      third.sessionId,
    );
    const login = await get('/escalations?category=login&status=queued,assigned', alice);
    expect(login.body.items.every((i: { category: string }) => i.category === 'login')).toBe(true);
    expect((await get('/escalations?channel=ticket', alice)).body.items).toEqual([]);
    const search = await get(`/escalations?q=${encodeURIComponent('declined')}`, alice);
    expect(search.body.items.map((i: { conversationId: string }) => i.conversationId)).toEqual([
      third.sessionId,
    ]);
    const byId = await get(`/escalations?q=${first.sessionId.slice(0, 13)}`, alice);
    expect(byId.body.items.map((i: { conversationId: string }) => i.conversationId)).toEqual([
      first.sessionId,
    ]);

    const page1 = await get('/escalations?status=queued&pageSize=2&page=1', alice);
    const page2 = await get('/escalations?status=queued&pageSize=2&page=2', alice);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.total).toBe(queue.body.total);
    expect(page2.body.items[0]?.conversationId).toBe(ids[2]);

    const bad = await get('/escalations?status=sleeping', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status is one of queued/);
    // A NUL in the search text would reach the SQL LIKE and fail in Postgres: refused with a 400 instead.
    const nul = await get('/escalations?q=abc%00def', alice);
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toMatch(/^q: .*cannot be stored/);
  });

  it('gives the conversation with its full history and the bot findings', async () => {
    const v = await escalated('my payment was declined');
    await waitForEscalation(t.url, admin.auth, v.sessionId);
    const view = await get(`/conversations/${v.sessionId}`, alice);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ state: 'escalated.queued', owner: 'human', botEnabled: false });
    expect(view.body.messages.map((m: { seq: number }) => m.seq)).toEqual(
      view.body.messages.map((_: unknown, i: number) => i + 1),
    );
    expect(view.body.messages[1]).toMatchObject({ role: 'visitor', text: 'my payment was declined' });
    const f = view.body.findings;
    expect(f.category).toBe('payment');
    expect(f.priority).toBe('high');
    expect(f.statePath.map((s: { state: string }) => s.state)).toEqual([
      'greeting',
      'troubleshooting',
      'escalation_options',
      'escalated',
    ]);
    expect(f.triggers).toContain('explicit_request');
    expect(f.summary).toMatch(/Visitor: /);
    expect(f.keywords.length).toBeGreaterThan(0);
    expect(f.sentiment).toHaveProperty('label');
    expect(f.journeyStage).toBeTypeOf('string');
    expect(view.body.escalation).toMatchObject({ conversationId: v.sessionId, status: 'queued' });
    // An agent who has not taken it may take it or reply (which takes it), not resolve or hand it back.
    expect(view.body.allowed).toEqual({
      take: true,
      message: true,
      resolve: false,
      handback: false,
      escalate: false,
      transfer: false,
    });

    const after = await get(`/conversations/${v.sessionId}?afterSeq=6`, alice);
    expect(after.body.messages.every((m: { seq: number }) => m.seq > 6)).toBe(true);
    expect((await get('/conversations/not-a-session-id-0000', alice)).status).toBe(404);
  });
});

describe('operator actions and the rules of the seeds', () => {
  it('take → reply → resolve; the AI never answers after escalation; first_response_at set once', async () => {
    const v = await escalated();
    await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');

    const waiting = await v.send('hello? anyone?');
    expect(waiting.body.replies).toEqual([]);
    expect(waiting.body.state).toBe('escalated.queued');

    const take = await post(`/conversations/${v.sessionId}/assign`, { agentId: alice.id }, alice);
    expect(take.status).toBe(200);
    expect(take.body.state).toBe('escalated.assigned');
    // The visitor learns who joined, by display name; the trace keeps the name so replay renders the same.
    expect(take.body.replies).toEqual([expect.objectContaining({ text: 'Alice has joined the chat.' })]);
    const trace = await t.runtime.store.trace(v.sessionId);
    expect(trace.at(-1)?.extras).toEqual({ agentName: 'Alice' });
    const row = await waitForEscalation(t.url, admin.auth, v.sessionId, 'assigned');
    expect(row.assignedTo).toBe(alice.id);
    expect(row.firstResponseAt).toBeNull();

    const reply = await post(
      `/conversations/${v.sessionId}/agent-messages`,
      { text: 'Hi, Alice here.' },
      alice,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.replies).toEqual([
      expect.objectContaining({ role: 'operator', text: 'Hi, Alice here.' }),
    ]);
    const answered = await waitForEscalation(
      t.url,
      admin.auth,
      v.sessionId,
      'assigned',
      (i) => i.firstResponseAt,
    );
    const firstResponseAt = answered.firstResponseAt;

    const visitorTurn = await v.send('thanks, my password still fails');
    expect(visitorTurn.body.replies).toEqual([]);
    await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Let me reset it for you.' }, alice);
    await new Promise((r) => setTimeout(r, 300));
    const still = await waitForEscalation(t.url, admin.auth, v.sessionId, 'assigned');
    expect(still.firstResponseAt).toBe(firstResponseAt);

    const view = await v.view();
    expect(view.body.messages.filter((m: { role: string }) => m.role === 'bot').at(-1).seq).toBeLessThan(
      view.body.messages.find((m: { text: string }) => m.text === 'hello? anyone?').seq,
    );

    const resolve = await post(
      `/conversations/${v.sessionId}/resolve`,
      { notes: 'Reset the password by hand.', resolutionCategory: 'account_fixed' },
      alice,
    );
    expect(resolve.status).toBe(200);
    expect(resolve.body.state).toBe('escalated.closed');
    const again = await post(
      `/conversations/${v.sessionId}/resolve`,
      { notes: 'twice', resolutionCategory: 'solved' },
      alice,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already resolved/);
    const resolved = await waitForEscalation(t.url, admin.auth, v.sessionId, 'resolved');
    expect(resolved.resolvedAt).toBeTruthy();
  });

  it('after resolution the visitor’s next message starts a new bot segment', async () => {
    const v = await escalated();
    await post(`/conversations/${v.sessionId}/assign`, { agentId: alice.id }, alice);
    await post(
      `/conversations/${v.sessionId}/resolve`,
      { notes: 'done', resolutionCategory: 'solved' },
      alice,
    );
    const next = await v.send('my parcel never arrived');
    expect(next.body.owner).toBe('bot');
    expect(next.body.state).toBe('troubleshooting');
    expect(next.body.replies[0]).toMatchObject({ role: 'bot' });
    // The bot has it back: no longer Alice's business (the read policy), an admin still reads it.
    expect((await get(`/conversations/${v.sessionId}`, alice)).status).toBe(403);
    const view = await get(`/conversations/${v.sessionId}`, admin);
    expect(view.body.findings.segment).toBe(2);
    expect(view.body.findings.category).toBe('delivery');
    // A bot-owned conversation again: agents cannot write into it.
    const write = await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'hello' }, admin);
    expect(write.status).toBe(409);
  });

  it('assignment only of escalated conversations; agents assign only themselves, admins anyone', async () => {
    const bot = await startVisitor(t.url);
    await bot.send('can you help me with password');
    const early = await post(`/conversations/${bot.sessionId}/assign`, { agentId: alice.id }, admin);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_allowed_in_state');

    const v = await escalated();
    const forOther = await post(`/conversations/${v.sessionId}/assign`, { agentId: bob.id }, alice);
    expect(forOther.status).toBe(403);
    const ghost = await post(
      `/conversations/${v.sessionId}/assign`,
      { agentId: '00000000-0000-4000-8000-000000000000' },
      admin,
    );
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.code).toBe('unknown_agent');
    const byAdmin = await post(`/conversations/${v.sessionId}/assign`, { agentId: bob.id }, admin);
    expect(byAdmin.status).toBe(200);
    // Bob's now: Alice may not read it (the read policy); Bob's view says it is his.
    expect((await get(`/conversations/${v.sessionId}`, alice)).status).toBe(403);
    const view = await get(`/conversations/${v.sessionId}`, bob);
    expect(view.body.assignedAgent).toEqual({ id: bob.id, displayName: 'Bob' });
    expect(view.body.allowed).toMatchObject({ take: false, message: true, resolve: true, handback: true });
    expect((await post(`/conversations/${v.sessionId}/assign`, {}, admin)).status).toBe(400);
    expect((await post('/conversations/nope-nope-nope/assign', { agentId: alice.id }, admin)).status).toBe(
      404,
    );
  });

  it('agent messages never go to a bot-owned conversation', async () => {
    const v = await startVisitor(t.url);
    await v.send('can you help me with password');
    const res = await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Hi!' }, alice);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/never to one the bot owns/);
    const view = await v.view();
    expect(view.body.messages.some((m: { role: string }) => m.role === 'operator')).toBe(false);
    expect((await post(`/conversations/${v.sessionId}/agent-messages`, { text: '   ' }, alice)).status).toBe(
      400,
    );
  });

  it("an agent cannot reply to, resolve or hand back another agent's conversation (403); an admin can", async () => {
    const v = await escalated();
    await post(`/conversations/${v.sessionId}/assign`, { agentId: alice.id }, alice);
    const reply = await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Bob here' }, bob);
    expect(reply.status).toBe(403);
    expect(reply.body.error.message).toMatch(/assigned to another agent/);
    const resolve = await post(
      `/conversations/${v.sessionId}/resolve`,
      { notes: 'x', resolutionCategory: 'solved' },
      bob,
    );
    expect(resolve.status).toBe(403);
    expect((await post(`/conversations/${v.sessionId}/handback`, {}, bob)).status).toBe(403);
    const steal = await post(`/conversations/${v.sessionId}/assign`, { agentId: bob.id }, bob);
    expect(steal.status).toBe(403);

    const byAdmin = await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Ada, admin' }, admin);
    expect(byAdmin.status).toBe(200);
    const view = await v.view();
    expect(
      view.body.messages
        .filter((m: { role: string }) => m.role === 'operator')
        .map((m: { text: string }) => m.text),
    ).toEqual(['Ada, admin']);
    // Risk: visitors learning an operator's internal id, or seeing no name at all.
    const fromAdmin = view.body.messages.find((m: { role: string }) => m.role === 'operator');
    expect(fromAdmin.author).toBe('Ada Admin');
    expect(fromAdmin).not.toHaveProperty('agentId');
  });

  it('on a queued conversation nobody holds, an agent may not resolve or hand it back (403); an admin may', async () => {
    // Risk (issue 18 item 5): any agent closing or un-escalating a visitor's chat without taking it.
    const v = await escalated();
    const resolve = await post(
      `/conversations/${v.sessionId}/resolve`,
      { notes: 'not mine', resolutionCategory: 'solved' },
      bob,
    );
    expect(resolve.status).toBe(403);
    expect(resolve.body.error.message).toMatch(/nobody has taken this conversation yet; take it first/);
    expect((await post(`/conversations/${v.sessionId}/handback`, {}, bob)).status).toBe(403);
    expect((await v.view()).body.state).toBe('escalated.queued');
    // The console's flags come from the same policy: it offers Bob only what the engine accepts.
    const seen = await get(`/conversations/${v.sessionId}`, bob);
    expect(seen.body.allowed).toEqual({
      take: true,
      message: true,
      resolve: false,
      handback: false,
      escalate: false,
      transfer: false,
    });
    const byAdmin = await post(
      `/conversations/${v.sessionId}/resolve`,
      { notes: 'spam', resolutionCategory: 'duplicate' },
      admin,
    );
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.state).toBe('escalated.closed');
  });

  it('a reply to a conversation nobody holds takes it, explicitly: the trace and the escalation say who', async () => {
    // Risk (issue 18 item 5): a reply assigning the chat without anyone (or the trace) knowing.
    const v = await escalated();
    await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');
    const reply = await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Alice here' }, alice);
    expect(reply.status).toBe(200);
    expect(reply.body.state).toBe('escalated.assigned');
    const entry = (await t.runtime.store.trace(v.sessionId)).at(-1);
    expect(entry?.inbound).toEqual({
      kind: 'operator',
      action: 'message',
      agentId: alice.id,
      text: 'Alice here',
      takes: true,
    });
    const row = await waitForEscalation(t.url, admin.auth, v.sessionId, 'assigned');
    expect(row.assignedTo).toBe(alice.id);
    // Once held, a reply is only a reply.
    await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Still here' }, alice);
    expect((await t.runtime.store.trace(v.sessionId)).at(-1)?.inbound).not.toHaveProperty('takes');
    // And it is the take's rules that apply: Bob cannot reply his way into Alice's chat.
    expect((await post(`/conversations/${v.sessionId}/agent-messages`, { text: 'Bob' }, bob)).status).toBe(
      403,
    );
  });

  it('manual escalation needs a reason and happens once (409); handback gives the bot the conversation back', async () => {
    const v = await startVisitor(t.url);
    await v.send('my payment was declined');
    expect((await post(`/conversations/${v.sessionId}/escalate`, {}, alice)).status).toBe(400);
    const first = await post(`/conversations/${v.sessionId}/escalate`, { reason: 'VIP customer' }, alice);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'escalated.queued', owner: 'human' });
    const second = await post(`/conversations/${v.sessionId}/escalate`, { reason: 'again' }, bob);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already escalated/);
    const row = await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');
    expect(row.triggers).toContain('operator_escalation');
    expect((await get(`/conversations/${v.sessionId}`, alice)).body.findings.escalationReason).toBe(
      'VIP customer',
    );

    const silent = await v.send('hello?');
    expect(silent.body.replies).toEqual([]);

    // Escalating it did not make it hers: an agent hands back only what she holds (take it first).
    const notHers = await post(`/conversations/${v.sessionId}/handback`, {}, alice);
    expect(notHers.status).toBe(403);
    expect(notHers.body.error.message).toMatch(/take it first/);
    await post(`/conversations/${v.sessionId}/assign`, { agentId: 'me' }, alice);
    const back = await post(`/conversations/${v.sessionId}/handback`, {}, alice);
    expect(back.status).toBe(200);
    expect(back.body.owner).toBe('bot');
    await waitForEscalation(t.url, admin.auth, v.sessionId, 'handed_back');
    const bot = await v.send('it still does not work');
    expect(bot.body.replies.some((r: { role: string }) => r.role === 'bot')).toBe(true);
    expect((await post(`/conversations/${v.sessionId}/handback`, {}, alice)).status).toBe(409);
  });

  it('the bot switch: off escalates (a human owns it), on hands back; the same position twice is a 409', async () => {
    const v = await startVisitor(t.url);
    await v.send('can you help me with password');
    const off = await post(`/conversations/${v.sessionId}/bot`, { enabled: false }, alice);
    expect(off.status).toBe(200);
    expect(off.body.owner).toBe('human');
    expect((await get(`/conversations/${v.sessionId}`, alice)).body.findings.escalationReason).toBe(
      'bot switched off by Alice',
    );
    expect((await post(`/conversations/${v.sessionId}/bot`, { enabled: false }, alice)).status).toBe(409);
    // Switching the bot back on is a hand back: only for the operator holding the conversation.
    expect((await post(`/conversations/${v.sessionId}/bot`, { enabled: true }, alice)).status).toBe(403);
    await post(`/conversations/${v.sessionId}/assign`, { agentId: 'me' }, alice);
    const on = await post(`/conversations/${v.sessionId}/bot`, { enabled: true }, alice);
    expect(on.status).toBe(200);
    expect(on.body.owner).toBe('bot');
    expect((await post(`/conversations/${v.sessionId}/bot`, { enabled: true }, alice)).status).toBe(409);
    expect((await post(`/conversations/${v.sessionId}/bot`, {}, alice)).status).toBe(400);
  });

  it('re-sent operator actions with the same clientMessageId are applied once', async () => {
    const v = await escalated();
    await post(`/conversations/${v.sessionId}/assign`, { agentId: alice.id }, alice);
    const body = { text: 'only once', clientMessageId: 'op-msg-1' };
    const a = await post(`/conversations/${v.sessionId}/agent-messages`, body, alice);
    const b = await post(`/conversations/${v.sessionId}/agent-messages`, body, alice);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const view = await v.view();
    expect(view.body.messages.filter((m: { text: string }) => m.text === 'only once')).toHaveLength(1);
  });

  it('documents the operator API in OpenAPI', async () => {
    const doc = await api(t.url, 'GET', '/api/v1/openapi.json');
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/escalations',
      '/api/v1/conversations/{id}',
      '/api/v1/conversations/{id}/assign',
      '/api/v1/conversations/{id}/agent-messages',
      '/api/v1/conversations/{id}/resolve',
      '/api/v1/conversations/{id}/escalate',
      '/api/v1/conversations/{id}/handback',
      '/api/v1/conversations/{id}/bot',
      '/api/v1/operator/events',
    ])
      expect(doc.body.paths[path], path).toBeDefined();
    const list = doc.body.paths['/api/v1/escalations'].get;
    expect(list.security).toEqual([{ operatorToken: [] }]);
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'priority', 'category', 'channel', 'q', 'page', 'pageSize']),
    );
  });
});

describe('token expiry', () => {
  let clock: TestRuntime;
  let offsetMs = 0;
  beforeAll(async () => {
    clock = await startTestRuntime({
      backend,
      env: { OPERATOR_TOKEN_TTL_SECONDS: '3600' },
      overrides: { now: () => new Date(Date.now() + offsetMs) },
    });
  });
  afterAll(async () => {
    await clock.close();
  });

  it('a token stops working after its TTL', async () => {
    const account = await createOperator(clock.runtime, 'agent');
    const op = await login(clock.url, account.email, account.password);
    expect((await api(clock.url, 'GET', '/api/v1/auth/me', undefined, op.auth)).status).toBe(200);
    offsetMs = 3601_000;
    const expired = await api(clock.url, 'GET', '/api/v1/auth/me', undefined, op.auth);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
  });
});
