// Risks covered: replay that passes whatever the machine does (it must fail on a changed guard, option,
// or reply text, at the step where behaviour changes, with a diff a person can read); re-detection that
// silently calls a model or drifts from what the engine does; `--update` that writes traces the current
// machine does not reproduce.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redetector } from '../../src/cli/qa.context.ts';
import { parseEnv } from '../../src/config/env.ts';
import { type Knowledge, loadKnowledge } from '../../src/content/knowledge.ts';
import type { LayerResult } from '../../src/detection/detection.types.ts';
import { createDetector } from '../../src/detection/detector.ts';
import { buildMachine } from '../../src/engine/behaviour.build.ts';
import { diffTraces, recordedClassifier, replayTrace } from '../../src/engine/replay.ts';
import { findFiles, readTraceFile } from '../../src/engine/trace.files.ts';
import { formatProblem, parseTrace, serializeTrace, type Trace } from '../../src/engine/trace.format.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';
import { stepDiffText } from '../../src/qa/replay.report.ts';

const config = parseEnv({});
const knowledge = loadKnowledge(config.content.knowledgeFile);
const machine = buildMachine(config, knowledge);
const detectorFor = redetector({});
const GOLDEN_DIR = new URL('../fixtures/traces/', import.meta.url).pathname;

function golden(name: string): Trace {
  const parsed = readTraceFile(`${GOLDEN_DIR}${name}.jsonl`);
  if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return parsed.trace;
}

describe('replay of the golden traces', () => {
  const files = findFiles([GOLDEN_DIR], ['.jsonl']);

  it('has golden traces to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files.map((f) => [f.slice(GOLDEN_DIR.length)]))(
    '%s replays identically, with recorded and re-run detection',
    async (name) => {
      const parsed = readTraceFile(`${GOLDEN_DIR}${name}`);
      if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
      const recorded = await replayTrace(parsed.trace, { machine, knowledge });
      expect(recorded.differences.flatMap((d) => stepDiffText(d))).toEqual([]);
      const redetected = await replayTrace(parsed.trace, { machine, knowledge, detectorFor });
      expect(redetected.differences.flatMap((d) => stepDiffText(d))).toEqual([]);
    },
  );
});

describe('replay against a changed machine', () => {
  it('MAX_FAILED_ATTEMPTS 2 diverges at the second failure, and says what changed', async () => {
    const stricter = createConversationMachine({
      maxFailedAttempts: 2,
      stepCounts: { login: 3, payment: 3, delivery: 3, refund: 2, technical: 3, other: 1 },
      historyLimit: 20,
    });
    const result = await replayTrace(golden('seed-attempts-exhausted'), { machine: stricter, knowledge });
    const first = result.differences[0];
    // Step 1 start, 2 the issue, 3 first failure (still fine), 4 second failure: now the options.
    expect(first?.step).toBe(4);
    expect(first?.inbound).toBe('visitor pressed [solution_failed]');
    const text = stepDiffText(first ?? (undefined as never)).join('\n');
    expect(text).toContain('- state: troubleshooting');
    expect(text).toContain('+ state: escalation_options');
    expect(text).toContain('- action: say {"key":"troubleshooting.step"}');
    expect(text).toContain('+ action: say {"key":"escalation_options.offer"}');
    expect(text).toContain("+ reply (bot): Those steps didn't solve it");
    // The event is the same on both sides: shown as context, not as a change.
    expect(text).toMatch(/\n {8}event: VISITOR\.SOLUTION_FAILED/);
  });

  it('a guard replaced in the machine config diverges at the first failed step', async () => {
    const noSecondStep = machine.provide({ guards: { hasMoreSteps: () => false } });
    const result = await replayTrace(golden('seed-attempts-exhausted'), { machine: noSecondStep, knowledge });
    expect(result.differences[0]?.step).toBe(3);
    expect(result.differences[0]?.actual).toContain('state: escalation_options');
  });

  it('changed knowledge shows up as a reply difference with both texts', async () => {
    const edited: Knowledge = structuredClone(knowledge);
    edited.categories.login.steps[0] = 'Press the big red button.';
    const result = await replayTrace(golden('seed-password-agent-instant-chat'), {
      machine,
      knowledge: edited,
    });
    const first = result.differences[0];
    expect(first?.step).toBe(2);
    const text = stepDiffText(first ?? (undefined as never)).join('\n');
    expect(text).toMatch(
      /- reply \(bot\): Let's sort out your login or password problem\. Step 1 of 3: Use the "Forgot password" link/,
    );
    expect(text).toContain(
      "+ reply (bot): Let's sort out your login or password problem. Step 1 of 3: Press the big red button.",
    );
    expect(text).toContain('  state: troubleshooting');
  });

  it('an event the current machine refuses is named in the divergence', async () => {
    const trace = golden('seed-password-agent-instant-chat');
    const entry = trace.entries[5];
    expect(entry?.event?.type).toBe('OPERATOR.ASSIGN');
    if (!entry?.event) throw new Error('golden changed');
    entry.event = { type: 'TIMER.INACTIVITY', at: entry.event.at };
    const result = await replayTrace(trace, { machine, knowledge });
    expect(result.differences[0]?.step).toBe(6);
    expect(result.differences[0]?.notes).toEqual([
      'the current machine does not accept TIMER.INACTIVITY in state escalated.queued: nothing happens',
    ]);
    expect(result.differences[0]?.actual).toContain('state: escalated.queued');
  });
});

describe('replay with re-run detection', () => {
  it('reports detection drift at the message whose event changed', async () => {
    // The keyword layer "lost" its phrases: "I forgot my password" is no longer an issue.
    const deaf = () =>
      createDetector({
        keyword: {
          detect: () => ({
            layer: 'keyword',
            decided: false,
            intent: null,
            confidence: 0,
            reason: 'no keyword matched',
          }),
        },
        classifier: recordedClassifier(null),
        rules: config.rules,
      });
    const result = await replayTrace(golden('seed-password-agent-instant-chat'), {
      machine,
      knowledge,
      detectorFor: deaf,
    });
    const first = result.differences[0];
    expect(first?.step).toBe(2);
    expect(first?.notes[0]).toMatch(/^detection drift: recorded keyword → issue \(login\)/);
    expect(first?.notes[1]).toMatch(/now +no layer decided → other/);
    expect(first?.expected).toContain('state: troubleshooting');
    expect(first?.actual).toContain('state: issue_gathering');
  });

  it('uses the recorded LLM answer instead of calling a model', async () => {
    const start = golden('seed-password-agent-instant-chat').entries[0];
    if (!start) throw new Error('golden changed');
    const llm: LayerResult = {
      layer: 'llm',
      decided: true,
      intent: 'issue',
      confidence: 0.9,
      reason: 'the visitor describes an app problem',
      category: 'technical',
      raw: { intent: 'issue', category: 'technical' },
    };
    const text = 'my thing does the weird spinny wheel forever';
    // The recorded turn, with outputs filled in by replaying the recorded event.
    const draft: Trace = {
      name: 'llm.jsonl',
      sessionId: start.sessionId,
      entries: [
        start,
        {
          ...start,
          seq: 2,
          at: '2026-01-05T09:00:10.000Z',
          inbound: { kind: 'visitor', text, clientMessageId: 'm1' },
          detection: {
            layer: 'llm',
            intent: 'issue',
            confidence: 0.9,
            sentiment: { label: 'neutral', score: 0 },
            category: 'technical',
            priority: 'low',
            journeyStage: 'none',
            reasons: [],
            triggers: [],
            layers: [llm],
          },
          event: {
            type: 'VISITOR.ISSUE',
            at: '2026-01-05T09:00:10.000Z',
            signals: {},
            category: 'technical',
          },
          from: 'greeting',
        },
      ],
    };
    const filled = await replayTrace(draft, { machine, knowledge });
    const parsed = parseTrace(serializeTrace(filled.replayed), 'llm.jsonl');
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    const asked: Array<LayerResult | null> = [];
    const result = await replayTrace(parsed.trace, {
      machine,
      knowledge,
      detectorFor: (recorded) => {
        asked.push(recorded);
        return detectorFor(recorded);
      },
    });
    expect(asked).toEqual([llm]);
    const step = result.replayed[1];
    expect(step?.to).toBe('troubleshooting');
    expect(step?.detection?.layers.map((l) => l.layer)).toContain('llm');
    expect(step?.event).toMatchObject({ type: 'VISITOR.ISSUE', category: 'technical' });
  });
});

describe('re-recording (--update)', () => {
  it('writes traces that the changed machine replays identically, and lists what changed', async () => {
    const stricter = createConversationMachine({
      maxFailedAttempts: 2,
      stepCounts: { login: 3, payment: 3, delivery: 3, refund: 2, technical: 3, other: 1 },
      historyLimit: 20,
    });
    const before = golden('seed-attempts-exhausted');
    const first = await replayTrace(before, { machine: stricter, knowledge });
    expect(first.differences.length).toBeGreaterThan(0);
    const rewritten = parseTrace(serializeTrace(first.replayed), 'rewritten.jsonl');
    if (!rewritten.ok) throw new Error(rewritten.problems.map(formatProblem).join('\n'));
    const again = await replayTrace(rewritten.trace, { machine: stricter, knowledge });
    expect(again.differences).toEqual([]);
    const changed = diffTraces(before.entries, rewritten.trace.entries).map((d) => d.step);
    expect(changed).toEqual(first.differences.map((d) => d.step));
  });

  it("golden files are the engine's own output (they parse and re-serialize to the same entries)", () => {
    const text = readFileSync(`${GOLDEN_DIR}seed-ticket.jsonl`, 'utf8');
    expect(text).toContain('"extras":{"ticketNumber":"TKT-2026-0001"}');
  });
});
