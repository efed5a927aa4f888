// Automatic assignment of new live chats (AUTO_ASSIGN) on the real engine and handoff worker. Risks
// covered: a chat given to an agent who is away, offline or whose console is closed; one agent flooded
// while another waits (no round-robin); an agent given more than their capacity; a waiting chat never
// given to the agent who has room again; and, with two processes on one database (and Redis when there is
// one), a chat assigned twice or to two agents.
import { afterAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import {
  escalateVisitor,
  type LoggedIn,
  newOperator,
  openSse,
  waitFor,
  waitForEscalation,
} from './operator.support.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

type Stream = Awaited<ReturnType<typeof openSse>>;

async function online(url: string, who: LoggedIn): Promise<Stream> {
  const stream = await openSse(`${url}/api/v1/operator/events`, who.auth);
  await stream.next((e) => e.event === 'ready');
  const set = await api(
    url,
    'PUT',
    '/api/v1/operators/me/availability',
    { availability: 'online' },
    who.auth,
  );
  if (set.status !== 200) throw new Error(`availability not set: ${set.status}`);
  cleanups.push(() => stream.close());
  return stream;
}

async function escalated(url: string) {
  const v = await startVisitor(url);
  await escalateVisitor(v);
  return v;
}

/** Every assign command in the conversation's trace (an automatic one is an assign as the agent). */
async function assignsOf(url: string, who: LoggedIn, sessionId: string) {
  const trace = await api(url, 'GET', `/api/v1/sessions/${sessionId}/trace`, undefined, who.auth);
  return String(trace.body)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.inbound.kind === 'operator' && e.inbound.action === 'assign')
    .map((e) => e.inbound.agentId as string);
}

const assignedTo = (url: string, who: LoggedIn, sessionId: string) =>
  waitForEscalation(url, who.auth, sessionId, 'assigned').then((row) => row.assignedTo as string);

describe('automatic assignment in one process (the embedded default)', () => {
  let t: TestRuntime;

  it('round-robin over online agents with a console open, within capacity; waiting chats go when room frees', async () => {
    t = await startTestRuntime({
      backend: 'pglite',
      env: { AUTO_ASSIGN: 'true', AUTO_ASSIGN_CAPACITY: '1', AGENT_OFFLINE_AFTER_SECONDS: '1' },
    });
    cleanups.push(() => t.close());
    const admin = await newOperator(t.runtime, t.url, 'admin', 'Ada');
    const alice = await newOperator(t.runtime, t.url, 'agent', 'Alice');
    const bob = await newOperator(t.runtime, t.url, 'agent', 'Bob');
    const away = await newOperator(t.runtime, t.url, 'agent', 'Avery Away');
    const gone = await newOperator(t.runtime, t.url, 'agent', 'Gus Gone');
    await online(t.url, alice);
    await online(t.url, bob);
    const awayStream = await online(t.url, away);
    await api(t.url, 'PUT', '/api/v1/operators/me/availability', { availability: 'away' }, away.auth);
    // Gus said "online" and closed his console: past AGENT_OFFLINE_AFTER_SECONDS he counts as offline.
    const gusStream = await online(t.url, gone);
    gusStream.close();
    await waitFor('Gus offline', async () => {
      const team = await api(t.url, 'GET', '/api/v1/team', undefined, admin.auth);
      return (
        team.body.operators.find((o: { id: string }) => o.id === gone.id).availability === 'offline' || null
      );
    });

    const first = await escalated(t.url);
    const firstAgent = await assignedTo(t.url, admin, first.sessionId);
    const second = await escalated(t.url);
    const secondAgent = await assignedTo(t.url, admin, second.sessionId);
    expect(new Set([firstAgent, secondAgent])).toEqual(new Set([alice.id, bob.id]));
    // Both are at their capacity of one: the third waits, and nobody away or offline gets it.
    const third = await escalated(t.url);
    await waitForEscalation(t.url, admin.auth, third.sessionId, 'queued');
    await new Promise((r) => setTimeout(r, 1200));
    expect(
      (await api(t.url, 'GET', `/api/v1/conversations/${third.sessionId}`, undefined, admin.auth)).body.state,
    ).toBe('escalated.queued');
    // The first agent resolves theirs: the waiting chat goes to them on the next refresh.
    const firstAuth = firstAgent === alice.id ? alice : bob;
    const resolved = await api(
      t.url,
      'POST',
      `/api/v1/conversations/${first.sessionId}/resolve`,
      { notes: 'done', resolutionCategory: 'solved' },
      firstAuth.auth,
    );
    expect(resolved.status).toBe(200);
    expect(await assignedTo(t.url, admin, third.sessionId)).toBe(firstAgent);
    for (const v of [first, second, third])
      expect(await assignsOf(t.url, admin, v.sessionId)).toHaveLength(1);
    // The visitor is told who joined, once.
    const seen = (await third.view()).body.messages.filter((m: { text: string }) => /joined/.test(m.text));
    expect(seen).toHaveLength(1);
    awayStream.close();
  }, 90_000);
});

describe.runIf(databaseUrl)('automatic assignment across two processes on one database', () => {
  it('six chats started on either process: each assigned once, two per agent; the seventh waits', async () => {
    const db = await freshPostgresDatabase();
    cleanups.push(db.drop);
    const env: Record<string, string> = {
      AUTO_ASSIGN: 'true',
      AUTO_ASSIGN_CAPACITY: '2',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    if (redisUrl) Object.assign(env, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisPrefix() });
    const one = await startTestRuntime({ backend: 'postgres', env: { ...env, DATABASE_URL: db.url } });
    cleanups.push(() => one.close());
    const two = await startTestRuntime({ backend: 'postgres', env: { ...env, DATABASE_URL: db.url } });
    cleanups.push(() => two.close());
    const admin = await newOperator(one.runtime, one.url, 'admin', 'Ada');
    const agents = [
      await newOperator(one.runtime, one.url, 'agent', 'Alice'),
      await newOperator(one.runtime, one.url, 'agent', 'Bob'),
      await newOperator(one.runtime, one.url, 'agent', 'Cleo'),
    ];
    // Consoles on both processes.
    await online(one.url, agents[0] as LoggedIn);
    await online(two.url, agents[1] as LoggedIn);
    await online(two.url, agents[2] as LoggedIn);

    const urls = [one.url, two.url];
    const visitors = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => escalated(urls[i % 2] as string)));
    const owners = await Promise.all(visitors.map((v) => assignedTo(one.url, admin, v.sessionId)));
    const perAgent = agents.map((a) => owners.filter((o) => o === a.id).length);
    expect(perAgent).toEqual([2, 2, 2]);
    for (const v of visitors) expect(await assignsOf(one.url, admin, v.sessionId)).toHaveLength(1);
    const seventh = await escalated(two.url);
    await waitForEscalation(one.url, admin.auth, seventh.sessionId, 'queued');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await assignsOf(one.url, admin, seventh.sessionId)).toHaveLength(0);
  }, 120_000);
});
