// The analytics API over HTTP (embedded default). Risks covered: figures readable without logging in or by
// an agent; a bad period answered with a 5xx or silently clamped; the charts page or its script missing;
// the OpenAPI document not describing the routes and their query parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

describe('GET /api/v1/analytics/*', () => {
  let t: TestRuntime;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  beforeAll(async () => {
    t = await startTestRuntime({ overrides: { defaultMetrics: false } });
    const directory = t.runtime.operators.directory;
    const token = async (role: 'admin' | 'agent') => {
      const created = await directory.create({
        email: `${role}@example.com`,
        displayName: role,
        role,
        password: 'correct horse battery staple',
      });
      if (created.outcome !== 'created') throw new Error('could not create operator');
      const issued = await directory.issueToken(created.operator.id);
      return { authorization: `Bearer ${issued.token}` };
    };
    admin = await token('admin');
    agent = await token('agent');
    const v = await startVisitor(t.url);
    await v.send('can you help me with password');
    await v.send('can you connect me to agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers admins with the period and the figures', async () => {
    const res = await api(t.url, 'GET', '/api/v1/analytics/funnel', undefined, admin);
    expect(res.status).toBe(200);
    expect(res.body.conversations).toBe(1);
    expect(res.body.states.find((s: { state: string }) => s.state === 'escalation_options')).toMatchObject({
      reached: 1,
      current: 1,
      droppedOff: 1,
    });
    const span = Date.parse(res.body.period.to) - Date.parse(res.body.period.from);
    expect(span).toBe(7 * 86_400_000);
    expect(res.body.period.bucket).toBe('day');
    for (const path of [
      'escalation-rate',
      'response-times',
      'sentiment',
      'detection-layers',
      'llm',
      'handoffs',
    ]) {
      const r = await api(
        t.url,
        'GET',
        `/api/v1/analytics/${path}?from=2020-01-01&bucket=week`,
        undefined,
        admin,
      );
      expect(r.status, path).toBe(400); // more than a year
      const ok = await api(t.url, 'GET', `/api/v1/analytics/${path}?bucket=week`, undefined, admin);
      expect(ok.status, path).toBe(200);
      expect(Array.isArray(ok.body.rows), path).toBe(true);
    }
  });

  it('refuses anyone who is not a logged-in admin', async () => {
    const none = await api(t.url, 'GET', '/api/v1/analytics/escalation-rate');
    expect(none.status).toBe(401);
    const asAgent = await api(t.url, 'GET', '/api/v1/analytics/escalation-rate', undefined, agent);
    expect(asAgent.status).toBe(403);
  });

  it('says what is wrong with a bad period', async () => {
    const reversed = await api(
      t.url,
      'GET',
      '/api/v1/analytics/sentiment?from=2026-03-05&to=2026-03-01',
      undefined,
      admin,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toMatch(/from must be before to/);
    const notDate = await api(t.url, 'GET', '/api/v1/analytics/sentiment?from=yesterday', undefined, admin);
    expect(notDate.status).toBe(400);
    expect(notDate.body.error.message).toMatch(/from must be an ISO 8601 date/);
    const bucket = await api(t.url, 'GET', '/api/v1/analytics/llm?bucket=minute', undefined, admin);
    expect(bucket.body.error.message).toMatch(/bucket must be one of hour, day, week/);
    const tooMany = await api(
      t.url,
      'GET',
      '/api/v1/analytics/llm?from=2026-01-01&to=2026-03-01&bucket=hour',
      undefined,
      admin,
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 1000 buckets/);
    const unknown = await api(t.url, 'GET', '/api/v1/analytics/llm?since=2026-01-01', undefined, admin);
    expect(unknown.status).toBe(400);
  });

  it('documents every route with its query parameters, and serves the charts page', async () => {
    const doc = await api(t.url, 'GET', '/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/analytics/escalation-rate'].get;
    expect(op.tags).toEqual(['analytics']);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['from', 'to', 'bucket']);
    const page = await fetch(`${t.url}/analytics`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/analytics.js');
    const script = await fetch(`${t.url}/analytics.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});
