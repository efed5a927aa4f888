// The operator tools over real HTTP on the real engine and handoff worker: canned replies, internal notes,
// transfer, team management. Risks covered: an agent editing the team's canned replies; an internal note
// reaching the visitor (their view, their live stream, the transcript a channel or desk is sent from);
// a transfer by someone who does not hold the chat, or one that leaves no trace; a deactivated operator
// who still works with a token or an open console stream; a weak reset password; the last admin demoted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  createOperator,
  escalateVisitor,
  type LoggedIn,
  login,
  newOperator,
  openSse,
  waitForEscalation,
} from './operator.support.ts';

const backend = databaseUrl ? 'postgres' : 'pglite';
let t: TestRuntime;
let admin: LoggedIn;
let alice: LoggedIn;
let bob: LoggedIn;
let carol: LoggedIn;

beforeAll(async () => {
  t = await startTestRuntime({ backend });
  admin = await newOperator(t.runtime, t.url, 'admin', 'Ada Admin');
  alice = await newOperator(t.runtime, t.url, 'agent', 'Alice');
  bob = await newOperator(t.runtime, t.url, 'agent', 'Bob');
  carol = await newOperator(t.runtime, t.url, 'agent', 'Carol');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const call = (method: string, path: string, body: unknown, who: LoggedIn) =>
  api(t.url, method, `/api/v1${path}`, body, who.auth);

async function queued() {
  const v = await startVisitor(t.url);
  await escalateVisitor(v);
  await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');
  return v;
}

describe('canned replies', () => {
  it('admins create, change and delete them; agents only list them; shortcuts are unique words', async () => {
    const reply = {
      shortcut: '/Refund',
      title: 'Refund started',
      body: 'Hi {visitor_name}, {agent_name} here: your refund is on its way.',
    };
    const byAgent = await call('POST', '/canned-replies', reply, alice);
    expect(byAgent.status).toBe(403);
    const created = await call('POST', '/canned-replies', reply, admin);
    expect(created.status).toBe(201);
    expect(created.body.reply).toMatchObject({ shortcut: 'refund', title: 'Refund started' });
    const again = await call('POST', '/canned-replies', { ...reply, shortcut: 'refund' }, admin);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/shortcut/);
    const bad = await call('POST', '/canned-replies', { ...reply, shortcut: 'two words' }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/shortcut/);
    const id = created.body.reply.id;
    const changed = await call(
      'PUT',
      `/canned-replies/${id}`,
      { ...reply, title: 'Refund on its way' },
      admin,
    );
    expect(changed.status).toBe(200);
    const listed = await call('GET', '/canned-replies', undefined, alice);
    expect(listed.body.replies.map((r: { title: string }) => r.title)).toContain('Refund on its way');
    expect((await call('DELETE', `/canned-replies/${id}`, undefined, alice)).status).toBe(403);
    expect((await call('DELETE', `/canned-replies/${id}`, undefined, admin)).status).toBe(204);
    expect((await call('DELETE', `/canned-replies/${id}`, undefined, admin)).status).toBe(404);
    expect((await call('PUT', '/canned-replies/not-an-id', reply, admin)).status).toBe(404);
  });
});

describe('internal notes', () => {
  it('reach operators live and in the records, never the visitor (view, stream, transcript, trace replies)', async () => {
    const v = await queued();
    const visitorStream = await openSse(`${t.url}/api/v1/sessions/${v.sessionId}/events`, {
      authorization: `Bearer ${v.token}`,
    });
    await visitorStream.next((e) => e.event === 'turn');
    const consoleStream = await openSse(`${t.url}/api/v1/operator/events`, bob.auth);
    await consoleStream.next((e) => e.event === 'ready');
    const secret = 'NOTE-7f3a: VIP, offered a 20% voucher last week';
    const added = await call('POST', `/conversations/${v.sessionId}/notes`, { text: secret }, alice);
    expect(added.status).toBe(201);
    const live = await consoleStream.next((e) => e.event === 'note');
    expect(live.data).toMatchObject({
      conversationId: v.sessionId,
      text: secret,
      authorId: alice.id,
      kind: 'note',
    });
    const listed = await call('GET', `/conversations/${v.sessionId}/notes`, undefined, carol);
    expect(listed.body.notes.map((n: { text: string }) => n.text)).toEqual([secret]);
    // The visitor's side goes on: an agent answers, and the stream carries that — and nothing of the note.
    await call('POST', `/conversations/${v.sessionId}/agent-messages`, { text: 'Hello from Alice' }, alice);
    await visitorStream.next(
      (e) => e.event === 'turn' && JSON.stringify(e.data).includes('Hello from Alice'),
    );
    expect(JSON.stringify(visitorStream.events)).not.toContain('NOTE-7f3a');
    expect(JSON.stringify((await v.view()).body)).not.toContain('NOTE-7f3a');
    const conversation = await call('GET', `/conversations/${v.sessionId}`, undefined, alice);
    expect(JSON.stringify(conversation.body.messages)).not.toContain('NOTE-7f3a');
    const trace = await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}/trace`, undefined, alice.auth);
    expect(String(trace.body)).not.toContain('NOTE-7f3a');
    expect((await call('POST', `/conversations/${v.sessionId}/notes`, { text: '   ' }, alice)).status).toBe(
      400,
    );
    expect((await call('POST', '/conversations/nope-nope-nope/notes', { text: 'x' }, alice)).status).toBe(
      404,
    );
    visitorStream.close();
    consoleStream.close();
  });
});

describe('transfer', () => {
  it('the holder or an admin hands a chat to another agent with a note; it is traced and the receiver told', async () => {
    const v = await queued();
    expect(
      (await call('POST', `/conversations/${v.sessionId}/transfer`, { agentId: bob.id, note: 'x' }, alice))
        .status,
    ).toBe(409);
    await call('POST', `/conversations/${v.sessionId}/assign`, { agentId: 'me' }, alice);
    const notHolder = await call(
      'POST',
      `/conversations/${v.sessionId}/transfer`,
      { agentId: carol.id, note: 'mine now' },
      carol,
    );
    expect(notHolder.status).toBe(403);
    const toSelf = await call(
      'POST',
      `/conversations/${v.sessionId}/transfer`,
      { agentId: alice.id, note: 'x' },
      alice,
    );
    expect(toSelf.status).toBe(409);
    const unknown = await call(
      'POST',
      `/conversations/${v.sessionId}/transfer`,
      { agentId: '00000000-0000-0000-0000-000000000000', note: 'x' },
      alice,
    );
    expect(unknown.status).toBe(400);
    const bobStream = await openSse(`${t.url}/api/v1/operator/events`, bob.auth);
    await bobStream.next((e) => e.event === 'ready');
    const moved = await call(
      'POST',
      `/conversations/${v.sessionId}/transfer`,
      { agentId: bob.id, note: 'Billing question, over to you' },
      alice,
    );
    expect(moved.status).toBe(200);
    expect(moved.body.state).toBe('escalated.assigned');
    const told = await bobStream.next((e) => e.event === 'note' && e.data.kind === 'transfer');
    expect(told.data).toMatchObject({
      toAgentId: bob.id,
      authorId: alice.id,
      text: 'Billing question, over to you',
    });
    const view = await call('GET', `/conversations/${v.sessionId}`, undefined, bob);
    expect(view.body.assignedAgent.id).toBe(bob.id);
    expect(view.body.allowed.message).toBe(true);
    // Agents read only the queue and their own conversations (issue 18 item 9): once handed over, the
    // conversation is no longer Alice's to read, let alone write to.
    expect((await call('GET', `/conversations/${v.sessionId}`, undefined, alice)).status).toBe(403);
    const trace = await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}/trace`, undefined, bob.auth);
    const entries = String(trace.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const transfer = entries.find((e) => e.inbound.action === 'transfer');
    expect(transfer.inbound).toMatchObject({
      kind: 'operator',
      agentId: alice.id,
      text: bob.id,
      notes: 'Billing question, over to you',
    });
    // An admin may move it on although Bob holds it.
    const byAdmin = await call(
      'POST',
      `/conversations/${v.sessionId}/transfer`,
      { agentId: carol.id, note: 'Bob is off' },
      admin,
    );
    expect(byAdmin.status).toBe(200);
    bobStream.close();
  });
});

describe('team management', () => {
  it('deactivating revokes tokens, ends the console stream and refuses logins', async () => {
    const account = await createOperator(t.runtime, 'agent', 'Dave');
    const dave = await login(t.url, account.email, account.password);
    const stream = await openSse(`${t.url}/api/v1/operator/events`, dave.auth);
    await stream.next((e) => e.event === 'ready');
    expect((await call('POST', `/operators/${dave.id}/deactivate`, undefined, alice)).status).toBe(403);
    expect((await call('POST', `/operators/${dave.id}/deactivate`, undefined, admin)).status).toBe(204);
    await stream.untilEnded();
    expect((await call('GET', '/auth/me', undefined, dave)).status).toBe(401);
    const relogin = await api(t.url, 'POST', '/api/v1/auth/login', {
      email: account.email,
      password: account.password,
    });
    expect(relogin.status).toBe(401);
    const team = await call('GET', '/team', undefined, alice);
    expect(team.body.operators.map((o: { id: string }) => o.id)).not.toContain(dave.id);
    expect((await call('POST', `/operators/${dave.id}/deactivate`, undefined, admin)).status).toBe(404);
  });

  it('resets a password to a chosen strong one or a generated one, refusing weak ones; old tokens stop working', async () => {
    const erin = await newOperator(t.runtime, t.url, 'agent', 'Erin');
    const weak = await call('POST', `/operators/${erin.id}/password`, { password: 'password123' }, admin);
    expect(weak.status).toBe(400);
    const short = await call('POST', `/operators/${erin.id}/password`, { password: 'short' }, admin);
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/10 characters/);
    const generated = await call('POST', `/operators/${erin.id}/password`, {}, admin);
    expect(generated.status).toBe(200);
    expect(generated.body.password).toMatch(/^[\w-]{20,}$/);
    expect((await call('GET', '/auth/me', undefined, erin)).status).toBe(401);
    const again = await login(t.url, erin.email, generated.body.password);
    const chosen = await call(
      'POST',
      `/operators/${erin.id}/password`,
      { password: 'orange-kettle-harbour-9' },
      admin,
    );
    expect(chosen.body).toEqual({ reset: true });
    expect((await call('GET', '/auth/me', undefined, again)).status).toBe(401);
    await login(t.url, erin.email, 'orange-kettle-harbour-9');
  });

  it('changes roles and capacity, but never leaves the team without an admin', async () => {
    const frank = await newOperator(t.runtime, t.url, 'agent', 'Frank');
    const promoted = await call('PATCH', `/operators/${frank.id}`, { role: 'admin', capacity: 5 }, admin);
    expect(promoted.status).toBe(200);
    expect(promoted.body.operator).toMatchObject({ role: 'admin', capacity: 5 });
    expect((await call('GET', '/auth/me', undefined, frank)).body.operator.role).toBe('admin');
    expect((await call('PATCH', `/operators/${frank.id}`, { role: 'agent' }, admin)).status).toBe(200);
    const lastAdmin = await call('PATCH', `/operators/${admin.id}`, { role: 'agent' }, admin);
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.error.message).toMatch(/only admin/);
    expect((await call('POST', `/operators/${admin.id}/deactivate`, undefined, admin)).status).toBe(409);
    expect((await call('PATCH', `/operators/${frank.id}`, {}, admin)).status).toBe(400);
    expect((await call('PATCH', `/operators/${frank.id}`, { role: 'boss' }, admin)).status).toBe(400);
  });

  it('keeps each operator’s availability, offline while no console of theirs is open', async () => {
    const set = await call('PUT', '/operators/me/availability', { availability: 'away' }, carol);
    expect(set.status).toBe(200);
    const stream = await openSse(`${t.url}/api/v1/operator/events`, carol.auth);
    await stream.next((e) => e.event === 'ready');
    await call('PUT', '/operators/me/availability', { availability: 'online' }, carol);
    const team = await call('GET', '/team', undefined, bob);
    expect(team.body.operators.find((o: { id: string }) => o.id === carol.id).availability).toBe('online');
    expect((await call('PUT', '/operators/me/availability', { availability: 'busy' }, carol)).status).toBe(
      400,
    );
    stream.close();
  });
});
