// Runs the scripted conversations (scripts.ts) through the real engine and store with the real Gemini SDK
// against the fake server, and once more with the LLM off. Risks covered: detection, rules and machine
// drifting apart on realistic multi-turn traffic; the LLM being asked more often than needed (the share of
// visitor messages that reached it is printed and bounded); the local layers alone (LLM off) taking a
// conversation somewhere wrong in the cases they are meant to handle, including the seed's three examples.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTokenAccess } from '../../src/channels/web/web.channel.ts';
import type { HandleResult } from '../../src/engine/inbound.ts';
import { answer, type FakeGemini, startFakeGemini } from '../fakes/gemini.server.ts';
import { startTestRuntime, startVisitor, type TestRuntime, type Visitor } from '../support/runtime.ts';
import { CONVERSATIONS, type Conversation } from './scripts.ts';

let fake: FakeGemini;
let on: TestRuntime;
let off: TestRuntime;
let script: Conversation | null = null;
const onLog: string[] = [];
const offLog: string[] = [];

beforeAll(async () => {
  fake = await startFakeGemini();
  // The model answers from the running conversation's script; unscripted lines get a neutral OTHER.
  fake.respond((request) => {
    const turn = script?.turns.find((t) => 'say' in t && t.say === request.message);
    return turn && 'say' in turn && turn.llm ? answer(turn.llm) : answer({ confidence: 0.5 });
  });
  const capture = (lines: string[]) => pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  [on, off] = await Promise.all([
    startTestRuntime({
      env: { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.url },
      overrides: { logger: capture(onLog) },
    }),
    startTestRuntime({ overrides: { logger: capture(offLog) } }),
  ]);
});
afterAll(async () => {
  await Promise.all([on?.close(), off?.close()]);
  await fake?.close();
});

interface RunResult {
  states: string[];
  typed: number;
  pressed: number;
  llmCalls: number;
  reached: string[];
  view: { sentiment: { label: string }; priority: string; category: string | null; triggers: string[] };
}

async function run(t: TestRuntime, conversation: Conversation): Promise<RunResult> {
  const engine = t.runtime.engine;
  const { sessionId, token } = await engine.start();
  const result: RunResult = {
    states: [],
    typed: 0,
    pressed: 0,
    llmCalls: 0,
    reached: [],
    view: { sentiment: { label: '' }, priority: '', category: null, triggers: [] },
  };
  let n = 0;
  for (const turn of conversation.turns) {
    const before = fake.calls;
    const id = `${conversation.name}:${n++}`;
    let handled: HandleResult;
    if ('say' in turn) {
      result.typed++;
      handled = await engine.handle(
        sessionId,
        {
          kind: 'visitor',
          channel: 'web',
          clientMessageId: id,
          text: turn.say,
        },
        webTokenAccess(token),
      );
    } else if ('press' in turn) {
      result.pressed++;
      handled = await engine.handle(
        sessionId,
        {
          kind: 'visitor',
          channel: 'web',
          clientMessageId: id,
          button: turn.press,
        },
        webTokenAccess(token),
      );
    } else {
      handled = await engine.handle(sessionId, {
        kind: 'operator',
        operatorId: 'agent-7',
        role: 'admin',
        clientMessageId: id,
        command: turn.operator,
      });
    }
    const calls = fake.calls - before;
    result.llmCalls += calls;
    if (calls > 0 && 'say' in turn) result.reached.push(turn.say);
    result.states.push(handled.outcome === 'ok' ? handled.response.state : `!${handled.outcome}`);
  }
  const view = await engine.view(sessionId, null);
  if (view.outcome !== 'ok') throw new Error('session vanished');
  result.view = {
    sentiment: view.snapshot.context.sentiment,
    priority: view.snapshot.context.priority,
    category: view.snapshot.context.category,
    triggers: view.snapshot.context.triggers,
  };
  return result;
}

const expectedStates = (c: Conversation) => c.turns.map((t) => t.state);

describe('start-up says once whether the LLM layer is on', () => {
  it('off without GEMINI_API_KEY, on (with the model) with it', () => {
    const mentions = (lines: string[]) => lines.filter((l) => /LLM classifier off/.test(l));
    expect(mentions(offLog)).toHaveLength(1);
    expect(mentions(onLog)).toHaveLength(0);
    const ready = onLog
      .map((l) => JSON.parse(l) as { msg: string; classifier?: string })
      .find((l) => l.msg === 'runtime ready');
    expect(ready?.classifier).toBe('gemini-2.5-flash');
  });
});

describe('the seed examples with the LLM off (local layers only, over HTTP)', () => {
  async function toTroubleshooting(): Promise<Visitor> {
    const v = await startVisitor(off.url);
    expect((await v.send("I can't log in to my account")).body.state).toBe('troubleshooting');
    return v;
  }

  it(`"does that mean it's fixed now?" does not escalate`, async () => {
    const v = await toTroubleshooting();
    const r = await v.send("does that mean it's fixed now?");
    expect(r.body.state).toBe('troubleshooting');
    const last = (await off.runtime.store.trace(v.sessionId)).at(-1);
    expect(last?.detection?.layers.some((l) => l.layer === 'llm')).toBe(false);
    expect(last?.detection?.triggers).toEqual([]);
  });

  it(`"i've tried everything you said and it still doesn't work" escalates`, async () => {
    const v = await toTroubleshooting();
    const r = await v.send("i've tried everything you said and it still doesn't work");
    expect(r.body.state).toBe('escalation_options');
    expect((await off.runtime.store.trace(v.sessionId)).at(-1)?.detection?.triggers).toContain(
      'tried_everything',
    );
  });

  it('the angry seed → angry, refund or delivery, urgent, with an apology first', async () => {
    const v = await startVisitor(off.url);
    const r = await v.send(
      'This is ridiculous! I paid 2 weeks ago and still no delivery! Give me my money back NOW!',
    );
    expect(r.body.state).toBe('escalation_options');
    expect(r.body.replies[0].text).toMatch(
      /^I'm really sorry.*within 15 minutes.*How would you like to continue/,
    );
    const view = await v.view();
    expect(view.body).toMatchObject({ sentiment: { label: 'angry' }, priority: 'urgent' });
    expect(['delivery', 'refund']).toContain(view.body.category);
  });
});

describe('scripted conversations', () => {
  it('there are at least 50, each with several turns', () => {
    expect(CONVERSATIONS.length).toBeGreaterThanOrEqual(50);
    for (const c of CONVERSATIONS) expect(c.turns.length, c.name).toBeGreaterThanOrEqual(1);
    expect(CONVERSATIONS.filter((c) => c.turns.length >= 2).length).toBeGreaterThanOrEqual(50);
    expect(new Set(CONVERSATIONS.map((c) => c.name)).size).toBe(CONVERSATIONS.length);
  });

  it('with the fake LLM: every conversation follows its script; the LLM share is reported', async () => {
    let typed = 0;
    let pressed = 0;
    let calls = 0;
    const reached: string[] = [];
    const failures: string[] = [];
    for (const c of CONVERSATIONS) {
      script = c;
      const r = await run(on, c);
      typed += r.typed;
      pressed += r.pressed;
      calls += r.llmCalls;
      reached.push(...r.reached);
      const expected = expectedStates(c);
      if (JSON.stringify(r.states) !== JSON.stringify(expected))
        failures.push(
          `${c.name}:\n    expected ${expected.join(' → ')}\n    actual   ${r.states.join(' → ')}`,
        );
      const end = c.end;
      if (end?.priority && r.view.priority !== end.priority)
        failures.push(`${c.name}: priority ${r.view.priority}, expected ${end.priority}`);
      if (end?.sentiment && r.view.sentiment.label !== end.sentiment)
        failures.push(`${c.name}: sentiment ${r.view.sentiment.label}, expected ${end.sentiment}`);
      if (end?.category !== undefined && r.view.category !== end.category)
        failures.push(`${c.name}: category ${r.view.category}, expected ${end.category}`);
      for (const trigger of end?.triggers ?? [])
        if (!r.view.triggers.includes(trigger))
          failures.push(`${c.name}: trigger ${trigger} missing (${r.view.triggers})`);
    }
    script = null;
    const share = calls / typed;
    console.log(
      `conversations: ${CONVERSATIONS.length}, visitor messages: ${typed + pressed} (${typed} typed, ${pressed} buttons); ` +
        `LLM calls: ${calls}; share of visitor messages that reached the LLM: ${(calls / (typed + pressed)).toFixed(3)} ` +
        `(of typed messages: ${share.toFixed(3)})\n  reached the LLM:\n    ${reached.join('\n    ')}`,
    );
    if (failures.length) console.log(`FAILURES\n${failures.join('\n')}`);
    expect(failures, failures.join('\n')).toEqual([]);
    // One call per message at most (no retries were needed), and the cheap layers settle most messages.
    expect(calls).toBe(reached.length);
    expect(share).toBeLessThan(0.4);
  });

  it('with the LLM off: the conversations that do not depend on the model follow their script', async () => {
    const independent = CONVERSATIONS.filter((c) => c.turns.every((t) => !('llm' in t && t.llm)));
    const differ: string[] = [];
    for (const c of independent) {
      const r = await run(off, c);
      if (JSON.stringify(r.states) !== JSON.stringify(expectedStates(c)))
        differ.push(`${c.name}: ${r.states.join(' → ')}`);
    }
    const dependent = CONVERSATIONS.length - independent.length;
    let changed = 0;
    for (const c of CONVERSATIONS.filter((x) => !independent.includes(x))) {
      const r = await run(off, c);
      if (r.states.at(-1) !== c.turns.at(-1)?.state) changed++;
    }
    console.log(
      `LLM off: ${independent.length} model-independent conversations; ` +
        `${changed} of the ${dependent} model-dependent ones end elsewhere without the model`,
    );
    expect(differ, differ.join('\n')).toEqual([]);
  });
});
