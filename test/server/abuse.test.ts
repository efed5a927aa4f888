// Abuse tests of the public edge. Risks covered: a deeply nested body overflowing the text guard (an
// unauthenticated 500 that skipped the rate limit); strangers with a wrong token using up a visitor's
// per-session limit; a rotated X-Forwarded-For dodging the per-address limit behind TRUST_PROXY; a burst of
// concurrent wrong logins racing past the throttle (and an address locked out with no way to clear it);
// trivial operator passwords; a slow body holding a connection for minutes.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { createOperator, login, newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

const NESTED = `${'['.repeat(15_000)}${']'.repeat(15_000)}`;

describe('abusive clients', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({
      env: {
        RATE_LIMIT_PER_MINUTE: '40',
        SESSION_MESSAGES_PER_MINUTE: '10',
        TRUST_PROXY: '1',
        LOGIN_MAX_FAILURES: '5',
        LOGIN_MAX_FAILURES_PER_IP: '50',
      },
      overrides: { defaultMetrics: false },
    });
  });
  afterAll(() => t.close());
  let address = 0;
  /** Every test its own client address (behind the one trusted proxy hop), so the limits do not mix. */
  const from = () => ({ 'x-forwarded-for': `198.51.100.${++address}` });

  it('15,000 nested brackets: 400 naming the depth, and the rate limit still counts them (429)', async () => {
    const headers = from();
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++)
      statuses.push((await api(t.url, 'POST', '/api/v1/sessions', NESTED, headers)).status);
    const first = await api(t.url, 'POST', '/api/v1/sessions/abc/messages', NESTED, from());
    expect(first.status).toBe(400);
    expect(first.body.error.code).toBe('too_deeply_nested');
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.slice(0, 40).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(40).every((s) => s === 429)).toBe(true);
  });

  it('wrong tokens do not use up the session limit of the real visitor', async () => {
    const headers = from();
    const visitor = await startVisitor(t.url);
    for (let i = 0; i < 15; i++) {
      const r = await api(
        t.url,
        'POST',
        `/api/v1/sessions/${visitor.sessionId}/messages`,
        { clientMessageId: `bad-${i}`, text: 'hello' },
        { ...headers, authorization: 'Bearer wrong-token' },
      );
      expect(r.status).toBe(401);
    }
    const real = await api(
      t.url,
      'POST',
      `/api/v1/sessions/${visitor.sessionId}/messages`,
      { clientMessageId: 'real-1', text: 'my printer is broken' },
      { ...headers, authorization: `Bearer ${visitor.token}` },
    );
    expect(real.status).toBe(200);
  });

  it('a rotated left-most X-Forwarded-For does not dodge the per-address limit (TRUST_PROXY=1 hop)', async () => {
    const proxySaw = from()['x-forwarded-for'];
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await api(t.url, 'GET', '/api/v1/sessions/nope', undefined, {
        'x-forwarded-for': `10.${i}.${i}.${i}, ${proxySaw}`,
      });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBe(10);
  });

  it('event streams are capped per session (3) and closed streams give their slot back', async () => {
    const headers = from();
    const visitor = await startVisitor(t.url);
    const open = () => {
      const abort = new AbortController();
      const answer = fetch(`${t.url}/api/v1/sessions/${visitor.sessionId}/events`, {
        headers: { ...headers, authorization: `Bearer ${visitor.token}` },
        signal: abort.signal,
      });
      return { abort, answer };
    };
    const streams = [open(), open(), open()];
    for (const s of streams) expect((await s.answer).status).toBe(200);
    const fourth = await open().answer;
    expect(fourth.status).toBe(429);
    expect((await fourth.json()).error.code).toBe('too_many_streams');
    streams[0]?.abort.abort();
    await new Promise((r) => setTimeout(r, 200));
    const again = open();
    expect((await again.answer).status).toBe(200);
    for (const s of [...streams, again]) s.abort.abort();
  });

  it('TRUST_PROXY takes a hop count or proxy addresses; true means one hop', () => {
    expect(parseEnv({ TRUST_PROXY: 'true' }).server.trustProxy).toBe(1);
    expect(parseEnv({ TRUST_PROXY: '2' }).server.trustProxy).toBe(2);
    expect(parseEnv({ TRUST_PROXY: 'false' }).server.trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).server.trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    expect(() => parseEnv({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('refuses common and trivial operator passwords with a reason', async () => {
    const admin = await newOperator(t.runtime, t.url, 'admin');
    for (const password of ['1234567890', ' '.repeat(10), 'password123', 'qwertyuiop']) {
      const r = await api(
        t.url,
        'POST',
        '/api/v1/operators',
        { email: `weak-${Math.random()}@example.test`, displayName: 'Weak', password },
        admin.auth,
      );
      expect(r.status, password).toBe(400);
      expect(r.body.error.message).toMatch(/too easy to guess/);
    }
    const strong = await api(
      t.url,
      'POST',
      '/api/v1/operators',
      {
        email: `strong-${Date.now()}@example.test`,
        displayName: 'Strong',
        password: 'violet kettle orbit 42',
      },
      admin.auth,
    );
    expect(strong.status).toBe(201);
  });

  it('a body that never finishes arriving is cut after the receive timeout, not held for minutes', {
    timeout: 30_000,
  }, async () => {
    const port = Number(new URL(t.url).port);
    const closed = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (d) => {
        received += d;
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.on('connect', () =>
        socket.write(
          'POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a',
        ),
      );
    });
    expect(closed).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('login bursts', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    // The per-address request limit out of the way: this is about the login throttle itself.
    t = await startTestRuntime({
      env: { RATE_LIMIT_PER_MINUTE: '100000', TRUST_PROXY: '1', LOGIN_MAX_FAILURES: '5' },
      overrides: { defaultMetrics: false },
    });
  });
  afterAll(() => t.close());
  const from = () => ({ 'x-forwarded-for': '203.0.113.7' });

  it('200 concurrent wrong logins: at most 5 reach the password check; an admin clears the address', {
    timeout: 60_000,
  }, async () => {
    const admin = await newOperator(t.runtime, t.url, 'admin');
    const victim = await createOperator(t.runtime, 'agent');
    const office = from();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        api(t.url, 'POST', '/api/v1/auth/login', { email: victim.email, password: `guess-${i}` }, office),
      ),
    );
    const count = (s: number) => answers.filter((a) => a.status === s).length;
    console.log('200 concurrent wrong logins: 401', count(401), '429', count(429), '503', count(503));
    expect(count(401)).toBeLessThanOrEqual(5);
    expect(count(401) + count(429) + count(503)).toBe(200);
    // Everybody behind that address is now refused (per-address window) …
    const colleague = await createOperator(t.runtime, 'agent');
    const colleagueLogsIn = () =>
      api(
        t.url,
        'POST',
        '/api/v1/auth/login',
        { email: colleague.email, password: colleague.password },
        office,
      );
    const clearAs = (auth: Record<string, string>) =>
      api(t.url, 'POST', '/api/v1/auth/throttle/clear', { ip: office['x-forwarded-for'] }, auth);
    expect((await colleagueLogsIn()).status).toBe(429);
    // … until an admin clears it (an agent may not).
    const agent = await login(t.url, colleague.email, colleague.password);
    expect((await clearAs(agent.auth)).status).toBe(403);
    expect((await clearAs(admin.auth)).status).toBe(204);
    const again = await colleagueLogsIn();
    expect(again.status).toBe(200);
  });
});
