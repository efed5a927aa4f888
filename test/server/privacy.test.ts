// Risks covered: a payment-card number a visitor types reaching the transcript, the trace, the agent's
// console, the Postgres records or the LLM prompt; API answers (tokens, transcripts) kept by caches; the
// operator trace download answering cross-origin; /metrics open to the world without a token; analytics
// with an impossible year answering 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnValid, maskCardNumbers } from '../../src/detection/card.mask.ts';
import { isLoopback } from '../../src/server/metrics.routes.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/gemini.server.ts';
import { newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

describe('payment-card numbers', () => {
  it('masks Luhn-valid 13–19 digit runs to their last four, keeps other numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(maskCardNumbers('my card is 4111 1111 1111 1111, thanks')).toBe(
      'my card is •••• •••• •••• 1111, thanks',
    );
    expect(maskCardNumbers('5500-0000-0000-0004')).toBe('••••-••••-••••-0004');
    expect(maskCardNumbers('378282246310005')).toBe('•••••••••••0005');
    // Not Luhn-valid, too short, too long: left alone.
    expect(maskCardNumbers('order 4111111111111112')).toBe('order 4111111111111112');
    expect(maskCardNumbers('call +44 20 7946 0958')).toBe('call +44 20 7946 0958');
    expect(maskCardNumbers('41111111111111111111111')).toBe('41111111111111111111111');
  });

  let fake: FakeGemini;
  let t: TestRuntime;
  beforeAll(async () => {
    fake = await startFakeGemini();
    t = await startTestRuntime({
      env: { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.url, LLM_TIMEOUT_MS: '2000' },
      overrides: { defaultMetrics: false },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('never stores, traces or sends to the LLM the card number a visitor typed', async () => {
    const v = await startVisitor(t.url);
    const typed = 'hmm so I typed 4111 1111 1111 1111 somewhere, what now';
    const r = await v.send(typed);
    expect(r.status).toBe(200);
    const everything = JSON.stringify([
      r.body,
      (await v.view()).body,
      await t.runtime.store.trace(v.sessionId),
      await t.runtime.store.messages(v.sessionId),
      fake.requests.map((q) => q.body),
    ]);
    expect(everything).not.toContain('4111 1111 1111 1111');
    expect(everything).not.toMatch(/4111\D?1111\D?1111\D?1111/);
    expect(everything).toContain('•••• •••• •••• 1111');
    expect(fake.requests.length).toBeGreaterThan(0);
  });
});

describe('the smaller leaks', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({
      env: { WIDGET_ALLOWED_ORIGINS: 'https://shop.example.com' },
      overrides: { defaultMetrics: false },
    });
  });
  afterAll(() => t.close());

  it('API answers carry Cache-Control: no-store (session start, session view, login)', async () => {
    const started = await api(t.url, 'POST', '/api/v1/sessions', {});
    expect(started.headers.get('cache-control')).toBe('no-store');
    const view = await api(t.url, 'GET', `/api/v1/sessions/${started.body.sessionId}`, undefined, {
      authorization: `Bearer ${started.body.token}`,
    });
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('no-store');
    const login = await api(t.url, 'POST', '/api/v1/auth/login', {
      email: 'x@example.test',
      password: 'nope',
    });
    expect(login.headers.get('cache-control')).toBe('no-store');
  });

  it('the operator trace download sends no widget CORS headers; the widget API still does', async () => {
    const v = await startVisitor(t.url);
    const operator = await newOperator(t.runtime, t.url, 'admin');
    const origin = { origin: 'https://shop.example.com' };
    const trace = await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}/trace`, undefined, {
      ...origin,
      ...operator.auth,
    });
    expect(trace.status).toBe(200);
    expect(trace.headers.get('access-control-allow-origin')).toBeNull();
    const widget = await api(t.url, 'GET', `/api/v1/sessions/${v.sessionId}`, undefined, {
      ...origin,
      authorization: `Bearer ${v.token}`,
    });
    expect(widget.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
  });

  it('analytics with year 0000 is a 400, not a 500', async () => {
    const admin = await newOperator(t.runtime, t.url, 'admin');
    for (const endpoint of [
      'escalation-rate',
      'response-times',
      'sentiment',
      'detection-layers',
      'funnel',
      'llm',
      'handoffs',
    ]) {
      const r = await api(
        t.url,
        'GET',
        `/api/v1/analytics/${endpoint}?from=0000-01-01&to=0000-01-02`,
        undefined,
        admin.auth,
      );
      expect(r.status, endpoint).toBe(400);
    }
  });

  it('/metrics without METRICS_TOKEN answers on loopback only, judged by the socket, not a header', async () => {
    const local = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(local.status).toBe(200);
    // The server here listens on loopback only, so the remote side is the address check itself.
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true]);
    expect(['203.0.113.9', '::ffff:10.0.0.1', '1127.0.0.1', undefined].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
