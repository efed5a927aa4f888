// What the widget sends when a chat starts: the pre-chat form's name and e-mail, the widget's language,
// and what the visitor's browser reports. Risks covered: the operator never learning the page, referrer,
// browser, time zone or locale; an over-long or malformed value stored (or a 5xx) instead of a 400 that
// names the field; a Spanish widget greeted in English; a language we have no content for breaking the
// start; a session started with these facts no longer replaying exactly from its trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { buildMachine } from '../../src/engine/behaviour.build.ts';
import { replayTrace } from '../../src/engine/replay.ts';
import { formatProblem, parseTrace } from '../../src/engine/trace.format.ts';
import { stepDiffText } from '../../src/qa/replay.report.ts';
import { newOperator } from '../operator/operator.support.ts';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';

let t: TestRuntime;
let auth: Record<string, string>;
beforeAll(async () => {
  t = await startTestRuntime();
  auth = (await newOperator(t.runtime, t.url, 'admin')).auth;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const browser = {
  pageUrl: 'https://shop.example/es/checkout?step=2',
  referrer: 'https://www.google.com/',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
  timeZone: 'America/Mexico_City',
  locale: 'es-MX',
};
const start = (body: unknown) => api(t.url, 'POST', '/api/v1/sessions', body);

describe('POST /api/v1/sessions: what the widget knows at the start', () => {
  it('keeps the browser facts and the form answers for the operator, greets in Spanish, and replays', async () => {
    const res = await start({ visitor: { name: 'Ana', email: 'ana@example.com' }, language: 'es', browser });
    expect(res.status).toBe(201);
    expect(res.body.replies[0].text).toMatch(/^¡Hola!/);
    const view = await api(t.url, 'GET', `/api/v1/conversations/${res.body.sessionId}`, undefined, auth);
    expect(view.status).toBe(200);
    expect(view.body.visitor).toEqual(browser);
    expect(view.body.findings.visitor).toEqual({ name: 'Ana', email: 'ana@example.com' });

    // The next turn stays Spanish with no language signal of its own ("ok" says nothing).
    const token = res.body.token;
    const next = await api(
      t.url,
      'POST',
      `/api/v1/sessions/${res.body.sessionId}/messages`,
      { clientMessageId: 'c1', text: 'ok' },
      { authorization: `Bearer ${token}` },
    );
    expect(next.status).toBe(200);

    const exported = await api(t.url, 'GET', `/api/v1/sessions/${res.body.sessionId}/trace`, undefined, auth);
    const parsed = parseTrace(String(exported.body), 'exported.jsonl');
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    expect(parsed.trace.entries[0]?.inbound).toMatchObject({ kind: 'start', language: 'es', browser });
    const knowledge = loadKnowledge(t.runtime.config.content.knowledgeFile);
    const replayed = await replayTrace(parsed.trace, {
      machine: buildMachine(t.runtime.config, knowledge),
      knowledge,
    });
    expect(replayed.differences.flatMap((d) => stepDiffText(d))).toEqual([]);
  });

  it('a start with nothing, or with a language we have no content for, is the English chat as before', async () => {
    for (const body of [{}, { language: 'fr' }, { language: 'en' }]) {
      const res = await start(body);
      expect(res.status).toBe(201);
      expect(res.body.replies[0].text).toMatch(/assistant/i);
      const view = await api(t.url, 'GET', `/api/v1/conversations/${res.body.sessionId}`, undefined, auth);
      expect(view.body).not.toHaveProperty('visitor');
    }
  });

  it('bad values are a 400 whose message names the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ browser: { ...browser, pageUrl: 'javascript:alert(1)' } }, /pageUrl must be an http\(s\) address/],
      [{ browser: { pageUrl: `https://shop.example/${'a'.repeat(2100)}` } }, /pageUrl is at most 2048/],
      [{ browser: { userAgent: 'x'.repeat(600) } }, /userAgent is at most 512/],
      [{ browser: { timeZone: 'Mars/Olympus' } }, /IANA time zone/],
      [{ browser: { locale: 'not a locale' } }, /language tag/],
      [{ browser: { colour: 'blue' } }, /colour/],
      [{ visitor: { email: 'ana@' } }, /e-mail address/],
      [{ visitor: { name: '   ' } }, /name must not be empty/],
      [{ language: 'Spanish' }, /two- or three-letter/],
    ];
    for (const [body, message] of cases) {
      const res = await start(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(JSON.stringify(res.body.error)).toMatch(message);
    }
  });
});
