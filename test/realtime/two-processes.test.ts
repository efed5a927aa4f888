// Two real server processes sharing one Postgres and one Redis. Risks covered: an operator connected to
// process A never seeing (or seeing late) a visitor message that process B received; an agent's reply sent
// through A not reaching the visitor's widget stream on B; the env bootstrap creating two admins when both
// processes start at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escalateVisitor,
  type LoggedIn,
  login,
  openSse,
  waitForEscalation,
} from '../operator/operator.support.ts';
import { type ServerProcess, startServerProcess } from '../support/process.ts';
import { api, startVisitor } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';

const SESSION_LIMIT = 12;

describe.runIf(Boolean(databaseUrl && redisUrl))('real time across two processes (Redis pub/sub)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: LoggedIn;
  const streams: Array<{ close(): void }> = [];
  const credentials = { email: 'first-admin@example.test', password: 'bootstrap-password-1' };

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl as string,
      REDIS_KEY_PREFIX: redisPrefix(),
      ADMIN_BOOTSTRAP_EMAIL: credentials.email,
      ADMIN_BOOTSTRAP_PASSWORD: credentials.password,
      LOG_LEVEL: 'warn',
      // Low enough that the shared-limit test below crosses it with messages split over both processes.
      SESSION_MESSAGES_PER_MINUTE: String(SESSION_LIMIT),
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    admin = await login(a.url, credentials.email, credentials.password);
  }, 90_000);
  afterAll(async () => {
    for (const s of streams) s.close();
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await db?.drop();
  });

  it('created exactly one admin from the environment, usable on both processes', async () => {
    const list = await api(a.url, 'GET', '/api/v1/operators', undefined, admin.auth);
    expect(list.body.operators).toHaveLength(1);
    expect(list.body.operators[0]).toMatchObject({ email: credentials.email, role: 'admin' });
    const onB = await api(b.url, 'GET', '/api/v1/auth/me', undefined, admin.auth);
    expect(onB.status).toBe(200);
  });

  it('an operator streaming from A sees a visitor message received by B within a second', async () => {
    const console_ = await openSse(`${a.url}/api/v1/operator/events`, admin.auth);
    streams.push(console_);
    await console_.next((e) => e.event === 'ready');

    const v = await startVisitor(b.url);
    await escalateVisitor(v);
    await console_.next(
      (e) => e.event === 'turn' && e.data.sessionId === v.sessionId && e.data.state === 'escalated.queued',
    );
    await waitForEscalation(a.url, admin.auth, v.sessionId, 'queued');

    const sentAt = Date.now();
    const sent = await v.send('Visitor on process B: still waiting');
    expect(sent.status).toBe(200);
    const seen = await console_.next(
      (e) =>
        e.event === 'turn' &&
        e.data.messages.some((m: any) => m.text === 'Visitor on process B: still waiting'),
      5000,
    );
    const latencyMs = Date.now() - sentAt;
    console.log(`cross-process delivery: ${latencyMs} ms (POST on B until the event on A's stream)`);
    expect(latencyMs).toBeLessThan(1000);
    expect(seen.data.sessionId).toBe(v.sessionId);
  });

  it("an agent's reply sent through A reaches the widget stream on B", async () => {
    const v = await startVisitor(b.url);
    await escalateVisitor(v);
    const last = (await v.view()).body.messages.at(-1).seq;
    const widget = await openSse(`${b.url}/api/v1/sessions/${v.sessionId}/events`, {
      authorization: `Bearer ${v.token}`,
      'last-event-id': String(last),
    });
    streams.push(widget);
    await widget.next((e) => e.event === 'turn');
    expect(
      (
        await api(
          a.url,
          'POST',
          `/api/v1/conversations/${v.sessionId}/assign`,
          { agentId: admin.id },
          admin.auth,
        )
      ).status,
    ).toBe(200);
    await api(
      a.url,
      'POST',
      `/api/v1/conversations/${v.sessionId}/agent-messages`,
      { text: 'Hello from A' },
      admin.auth,
    );
    const reply = await widget.next(
      (e) => e.event === 'turn' && e.data.messages.some((m: any) => m.text === 'Hello from A'),
    );
    expect(reply.data.state).toBe('escalated.assigned');
  });

  it('shares the login throttle between processes', async () => {
    // Fresh e-mail: 5 failures spread over both processes lock it on both.
    const email = 'nobody-here@example.test';
    for (let i = 0; i < 5; i++) {
      const target = i % 2 === 0 ? a.url : b.url;
      expect(
        (await api(target, 'POST', '/api/v1/auth/login', { email, password: `guess-${i}` })).status,
      ).toBe(401);
    }
    for (const target of [a.url, b.url]) {
      const blocked = await api(target, 'POST', '/api/v1/auth/login', { email, password: 'guess-again' });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('shares the per-session message limit between processes', async () => {
    // Risk: each process counting on its own, so N processes let a session post N times the limit.
    const v = await startVisitor(a.url);
    const auth = { authorization: `Bearer ${v.token}` };
    const statuses: number[] = [];
    for (let i = 0; i < SESSION_LIMIT + 4; i++) {
      const target = i % 2 === 0 ? a.url : b.url;
      const res = await api(
        target,
        'POST',
        `/api/v1/sessions/${v.sessionId}/messages`,
        { clientMessageId: `limit-${i}`, text: `message number ${i}` },
        auth,
      );
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.message).toMatch(/too many messages in this chat/i);
    }
    // Each process saw only half the messages (8 ≤ 12): only a shared count refuses the last ones.
    expect(statuses.slice(0, SESSION_LIMIT)).toEqual(Array(SESSION_LIMIT).fill(200));
    expect(statuses.slice(SESSION_LIMIT)).toEqual([429, 429, 429, 429]);
    // The refused messages were not stored.
    const view = await v.view();
    const texts = view.body.messages.filter((m: any) => m.role === 'visitor').map((m: any) => m.text);
    expect(texts).toHaveLength(SESSION_LIMIT);
  });
});
