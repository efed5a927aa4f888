// Prometheus metrics after real conversations over HTTP (embedded default). Risks covered: a series the
// dashboards and alerts rely on missing or never moving (turn latency by deciding layer, LLM calls and
// failures, handoffs by target and outcome, effect backlog, escalation queue, active sessions); /metrics
// readable by anyone when a token is configured.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classifier } from '../../src/detection/classifier.port.ts';
import type { LayerResult } from '../../src/detection/detection.types.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { sample } from './prom.text.ts';

/**
 * A deterministic stand-in for the LLM behind our own port (the Gemini adapter has its own suite against a
 * fake Gemini server): a failed call for messages saying "unsure", no call at all (circuit open) for
 * "skip", an undecided answer otherwise.
 */
function scriptedClassifier() {
  const calls = { answered: 0, failed: 0, skipped: 0 };
  const classifier: Classifier = {
    enabled: true,
    model: 'scripted-model',
    async classify(input): Promise<LayerResult | null> {
      const base = { layer: 'llm' as const, decided: false, intent: null, model: 'scripted-model' };
      if (/skip/.test(input.text)) {
        calls.skipped++;
        return null;
      }
      if (/unsure/.test(input.text)) {
        calls.failed++;
        return { ...base, confidence: 0, reason: 'failed (timeout)', failed: true, latencyMs: 2500 };
      }
      calls.answered++;
      return { ...base, confidence: 0.2, reason: 'scripted: not sure', latencyMs: 120 };
    },
  };
  return { classifier, calls };
}

describe('/metrics after real conversations', () => {
  let t: TestRuntime;
  const llm = scriptedClassifier();
  const handoffs: string[] = [];
  beforeAll(async () => {
    t = await startTestRuntime({
      overrides: {
        defaultMetrics: false,
        classifier: llm.classifier,
        runWorker: false,
        effectHandlers: {
          createHandoff: async (effect) => {
            handoffs.push(effect.idempotencyKey);
            return { outcome: 'done' };
          },
        },
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async () => {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    return res.text();
  };

  it('counts turns by deciding layer, LLM calls by outcome, handoffs, backlog and active sessions', async () => {
    const escalated = await startVisitor(t.url);
    expect((await escalated.send('can you help me with password')).body.state).toBe('troubleshooting');
    expect((await escalated.send('can you connect me to agent')).body.state).toBe('escalation_options');
    expect((await escalated.send('📞 Instant Chat')).body.state).toBe('escalated.queued');
    await escalated.send('hello? is anyone there?');

    const chatting = await startVisitor(t.url);
    await chatting.send('my payment was declined');
    await chatting.send('hmm, I am unsure what that step means');
    await chatting.send('what should the screen look like then?');
    await chatting.send('skip this one please');

    let text = await scrape();
    const turns = (labels: Record<string, string>) =>
      sample(text, 'switchboard_turn_duration_seconds_count', labels);
    expect(turns({ layer: 'none', inbound: 'start' })).toBe(2);
    expect(turns({ layer: 'button', inbound: 'visitor' })).toBe(1); // 📞 Instant Chat
    expect(turns({ layer: 'keyword', inbound: 'visitor' })).toBeGreaterThanOrEqual(3);
    // The visitor's message to a human is not detected at all.
    expect(turns({ layer: 'none', inbound: 'visitor' })).toBe(1);
    // Neither the keyword layer nor the LLM decided these three.
    expect(turns({ layer: 'undecided', inbound: 'visitor' })).toBe(3);
    expect(sample(text, 'switchboard_turn_duration_seconds_bucket', { layer: 'button', le: '+Inf' })).toBe(1);

    expect(llm.calls).toMatchObject({ failed: 1, skipped: 1 });
    expect(llm.calls.answered).toBeGreaterThanOrEqual(1);
    const llmCalls = (outcome: string) =>
      sample(text, 'switchboard_llm_calls_total', { model: 'scripted-model', outcome });
    expect(llmCalls('failed')).toBe(1);
    expect(llmCalls('skipped')).toBe(1);
    expect(llmCalls('answered')).toBe(llm.calls.answered);
    // Only calls that were made have a latency.
    expect(sample(text, 'switchboard_llm_call_duration_seconds_count', { model: 'scripted-model' })).toBe(
      llm.calls.answered + 1,
    );

    expect(sample(text, 'switchboard_active_sessions', { owner: 'human' })).toBe(1);
    expect(sample(text, 'switchboard_active_sessions', { owner: 'bot' })).toBe(1);
    expect(sample(text, 'switchboard_state_entries_total', { state: 'escalated.queued' })).toBe(1);

    // The worker is not running: the committed effects wait in the outbox.
    const pending = await t.runtime.effectLog.pendingCount();
    expect(pending).toBeGreaterThan(0);
    expect(sample(text, 'switchboard_effects_pending')).toBe(pending);
    expect(sample(text, 'switchboard_escalations_queued')).toBeTypeOf('number');
    expect(sample(text, 'switchboard_handoffs_total', { target: 'instant_chat' })).toBeUndefined();

    while ((await t.runtime.worker.drainOnce()) > 0) {}
    text = await scrape();
    expect(handoffs).toHaveLength(1);
    expect(sample(text, 'switchboard_handoffs_total', { target: 'instant_chat', outcome: 'done' })).toBe(1);
    expect(sample(text, 'switchboard_effects_total', { type: 'createHandoff', outcome: 'done' })).toBe(1);
    expect(sample(text, 'switchboard_effects_pending')).toBe(0);
  });
});

describe('/metrics behind METRICS_TOKEN', () => {
  let t: TestRuntime;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    t = await startTestRuntime({ env: { METRICS_TOKEN: token }, overrides: { defaultMetrics: false } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a scrape without the token and serves one with it', async () => {
    const none = await api(t.url, 'GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/METRICS_TOKEN/);
    expect((await api(t.url, 'GET', '/metrics', undefined, { authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
    const ok = await api(t.url, 'GET', '/metrics', undefined, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('switchboard_turn_duration_seconds');
  });
});
