// Risk covered (issue 18 item 9, "agents see everything"): any agent reading every conversation, bot-only
// ones included (a card number typed to the bot reached an agent), downloading any trace, sending typing to
// any id (even ones that do not exist), listing every operator's e-mail, and the operator stream pushing
// every turn of every session to every operator. Agents are scoped to the queue and their own; admins see all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escalateVisitor,
  type LoggedIn,
  newOperator,
  openSse,
  waitForEscalation,
} from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

describe('agents see the queue and their own conversations; admins see all', () => {
  let t: TestRuntime;
  let admin: LoggedIn;
  let ann: LoggedIn;
  let bob: LoggedIn;
  beforeAll(async () => {
    t = await startTestRuntime({ overrides: { defaultMetrics: false } });
    admin = await newOperator(t.runtime, t.url, 'admin', 'Ada Admin');
    ann = await newOperator(t.runtime, t.url, 'agent', 'Ann Agent');
    bob = await newOperator(t.runtime, t.url, 'agent', 'Bob Agent');
  });
  afterAll(() => t?.close());

  const get = (path: string, who: LoggedIn) => api(t.url, 'GET', `/api/v1${path}`, undefined, who.auth);
  const typing = (id: string, who: LoggedIn) =>
    api(t.url, 'POST', `/api/v1/conversations/${id}/typing`, { typing: true }, who.auth);

  it('a conversation the bot is having: agents get 403 for its view, trace, diagram and typing; admins 200', async () => {
    const v = await startVisitor(t.url);
    await v.send('my card is 4242 4242 4242 4241 and my password does not work');
    for (const who of [ann, bob]) {
      const view = await get(`/conversations/${v.sessionId}`, who);
      expect(view.status).toBe(403);
      expect(view.body.error.message).toMatch(/not in the queue/);
      expect(JSON.stringify(view.body)).not.toContain('password');
      expect((await get(`/sessions/${v.sessionId}/trace`, who)).status).toBe(403);
      expect((await get(`/conversations/${v.sessionId}/diagram.svg`, who)).status).toBe(403);
      expect((await typing(v.sessionId, who)).status).toBe(403);
    }
    expect((await get(`/conversations/${v.sessionId}`, admin)).status).toBe(200);
    expect((await get(`/sessions/${v.sessionId}/trace`, admin)).status).toBe(200);
    expect((await typing(v.sessionId, admin)).status).toBe(204);
  });

  it('typing to an id that names no conversation is 404, for agents and admins', async () => {
    for (const who of [ann, admin]) {
      const res = await typing('no-such-conversation-123', who);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('conversation_not_found');
    }
  });

  it('the queue is open to every agent; once taken, only its holder (and admins) read it', async () => {
    const v = await startVisitor(t.url);
    await escalateVisitor(v);
    await waitForEscalation(t.url, admin.auth, v.sessionId, 'queued');
    for (const who of [ann, bob, admin]) {
      expect((await get(`/conversations/${v.sessionId}`, who)).status).toBe(200);
      expect((await get(`/sessions/${v.sessionId}/trace`, who)).status).toBe(200);
      expect((await typing(v.sessionId, who)).status).toBe(204);
    }
    const take = await api(
      t.url,
      'POST',
      `/api/v1/conversations/${v.sessionId}/assign`,
      { agentId: 'me' },
      ann.auth,
    );
    expect(take.status).toBe(200);
    expect((await get(`/conversations/${v.sessionId}`, ann)).status).toBe(200);
    const colleague = await get(`/conversations/${v.sessionId}`, bob);
    expect(colleague.status).toBe(403);
    expect(colleague.body.error.message).toMatch(/assigned to another agent/);
    expect((await get(`/sessions/${v.sessionId}/trace`, bob)).status).toBe(403);
    expect((await typing(v.sessionId, bob)).status).toBe(403);
    expect((await get(`/conversations/${v.sessionId}`, admin)).status).toBe(200);

    // The list follows the same scope: Bob no longer sees Ann's chat, Ann and the admin do.
    await waitForEscalation(t.url, ann.auth, v.sessionId, 'assigned');
    const listed = async (who: LoggedIn) =>
      (await get('/escalations?status=queued,assigned&pageSize=100', who)).body.items.some(
        (i: { conversationId: string }) => i.conversationId === v.sessionId,
      );
    expect(await listed(ann)).toBe(true);
    expect(await listed(admin)).toBe(true);
    expect(await listed(bob)).toBe(false);
  });

  it('agents get colleagues’ names and roles, not their e-mails; admins get the e-mails', async () => {
    const forAgent = await get('/operators', ann);
    expect(forAgent.status).toBe(200);
    const names = forAgent.body.operators.map((o: { displayName: string }) => o.displayName);
    expect(names).toEqual(expect.arrayContaining(['Ada Admin', 'Ann Agent', 'Bob Agent']));
    expect(JSON.stringify(forAgent.body)).not.toContain('@example.test');
    for (const o of forAgent.body.operators)
      expect(Object.keys(o).sort()).toEqual(['displayName', 'id', 'role']);
    const forAdmin = await get('/operators', admin);
    expect(forAdmin.body.operators.find((o: { id: string }) => o.id === bob.id)?.email).toBe(bob.email);
  });

  it("an agent's stream carries the queue's and their own conversations only; an admin's carries all", async () => {
    const streams = Object.fromEntries(
      await Promise.all(
        (
          [
            ['ann', ann],
            ['bob', bob],
            ['admin', admin],
          ] as const
        ).map(async ([name, who]) => {
          const s = await openSse(`${t.url}/api/v1/operator/events`, who.auth);
          await s.next((e) => e.event === 'ready');
          return [name, s] as const;
        }),
      ),
    );
    try {
      const turnsOf = (name: string, sessionId: string) =>
        streams[name]?.events.filter((e) => e.event === 'turn' && e.data.sessionId === sessionId) ?? [];

      // A bot-only chat: the admin's stream has its turns, no agent's does.
      const bot = await startVisitor(t.url);
      await bot.send('hello, my card is 4242 4242 4242 4241');
      await streams.admin?.next((e) => e.event === 'turn' && e.data.sessionId === bot.sessionId);

      // A queued chat: every stream carries it.
      const q = await startVisitor(t.url);
      await escalateVisitor(q);
      for (const name of ['ann', 'bob', 'admin'])
        await streams[name]?.next(
          (e) =>
            e.event === 'turn' && e.data.sessionId === q.sessionId && e.data.state === 'escalated.queued',
        );
      // Ann takes it: Bob hears only that it left his reach, then nothing of it; Ann and the admin hear all.
      const bobSeen = streams.bob?.events.length ?? 0;
      await api(t.url, 'POST', `/api/v1/conversations/${q.sessionId}/assign`, { agentId: 'me' }, ann.auth);
      await streams.bob?.next(
        (e) =>
          e.event === 'queue' && e.data.sessionId === q.sessionId && e.data.payload.reason === 'out_of_reach',
        5000,
        bobSeen,
      );
      await q.send('are you there? my card is 4242 4242 4242 4241');
      await api(
        t.url,
        'POST',
        `/api/v1/sessions/${q.sessionId}/typing`,
        { typing: true },
        {
          authorization: `Bearer ${q.token}`,
        },
      );
      for (const name of ['ann', 'admin']) {
        await streams[name]?.next(
          (e) =>
            e.event === 'turn' &&
            e.data.sessionId === q.sessionId &&
            e.data.messages.some((m: { text: string }) => m.text.startsWith('are you there')),
        );
        await streams[name]?.next((e) => e.event === 'typing' && e.data.sessionId === q.sessionId);
      }
      // The bot chat again, last: once the admin has it, every stream has been given what came before.
      await bot.send('still there?');
      await streams.admin?.next(
        (e) =>
          e.event === 'turn' &&
          e.data.sessionId === bot.sessionId &&
          e.data.messages.some((m: { text: string }) => m.text === 'still there?'),
      );
      await new Promise((r) => setTimeout(r, 200));

      expect(turnsOf('ann', bot.sessionId)).toEqual([]);
      expect(turnsOf('bob', bot.sessionId)).toEqual([]);
      expect(turnsOf('admin', bot.sessionId).length).toBeGreaterThanOrEqual(2);
      const bobAfter = (streams.bob?.events ?? [])
        .slice(bobSeen)
        .filter((e) => e.data.sessionId === q.sessionId);
      // Only contentless queue notices (out_of_reach; a status notice racing the take's turn), no turn or typing.
      expect(new Set(bobAfter.map((e) => e.event))).toEqual(new Set(['queue']));
      expect(JSON.stringify(streams.bob?.events)).not.toContain('are you there');
      for (const name of ['ann', 'bob'])
        expect(JSON.stringify(streams[name]?.events)).not.toContain(bot.sessionId);
    } finally {
      for (const s of Object.values(streams)) s?.close();
    }
  });
});
