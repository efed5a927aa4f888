// Trace replay: feeds a recorded conversation through the CURRENT machine with xstate's pure
// `initialTransition`/`transition` (no actor, no store, no clock) and compares what it does at every step
// with what was recorded: to-state, actions with params, the rendered replies and the buttons on offer.
// By default the recorded machine events are used, so detection (and the LLM) never run; with a detector
// (`--redetect`) visitor messages go through the deterministic layers again, with the recorded LLM answer
// standing in for the model, to catch detection drift.
import { initialTransition, transition } from 'xstate';
import type { Knowledge } from '../content/knowledge.ts';
import type { Classifier } from '../detection/classifier.port.ts';
import type { Detection, LayerResult } from '../detection/detection.types.ts';
import type { Detector } from '../detection/detector.ts';
import { offeredButtons } from '../machines/conversation.buttons.ts';
import type { ConversationEvent } from '../machines/conversation.events.ts';
import { type ConversationMachine, HUMAN_TAG } from '../machines/conversation.machine.ts';
import { acceptedIntents, visitorEvent } from './event.mapping.ts';
import { renderReply, replyRole } from './reply.render.ts';
import { type ConversationSnapshot, statePath } from './snapshot.codec.ts';
import type { ReplayableEntry, Trace } from './trace.format.ts';
import type { InboundTrace, TraceEntry } from './turn.types.ts';

export interface ReplayOptions {
  machine: ConversationMachine;
  knowledge: Knowledge;
  /**
   * Re-run detection for visitor messages (`--redetect`). Called per message with the LLM layer's recorded
   * result (or null): the detector must use it instead of calling a model.
   */
  detectorFor?: (recordedLlm: LayerResult | null) => Detector;
}

/** One step whose recording and replay differ. Lines are the canonical rendering of the step. */
export interface StepDifference {
  /** 1-based position in the trace (equal to seq for well-formed traces). */
  step: number;
  seq: number;
  inbound: string;
  /** Why it differs, in words, when we know more than the diff says (detection drift, event refused). */
  notes: string[];
  expected: string[];
  actual: string[];
}

export interface ReplayResult {
  name: string;
  sessionId: string;
  steps: number;
  /** Every step that differs; the first one is the divergence, later ones usually follow from it. */
  differences: StepDifference[];
  /** The trace as the current machine (and detection, with a detector) produces it: for `--update`. */
  replayed: TraceEntry[];
}

/** A recorded classifier: answers with what the model said when the trace was recorded, never calls it. */
export function recordedClassifier(recorded: LayerResult | null): Classifier {
  return { enabled: true, model: 'recorded', classify: async () => recorded };
}

export function recordedLlmLayer(detection: Detection | null): LayerResult | null {
  return detection?.layers.find((l) => l.layer === 'llm') ?? null;
}

/** Stable JSON: object keys sorted, so params compare and print the same whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

export function describeInbound(inbound: InboundTrace): string {
  switch (inbound.kind) {
    case 'start':
      return 'session start';
    case 'visitor':
      return inbound.button !== undefined
        ? `visitor pressed [${inbound.button}]`
        : `visitor: ${JSON.stringify(inbound.text ?? '')}`;
    case 'operator':
      return `operator ${inbound.agentId}: ${inbound.action}${inbound.text !== undefined ? ` ${JSON.stringify(inbound.text)}` : ''}${inbound.takes ? ' (takes the conversation)' : ''}`;
    case 'timer':
      return `timer: ${inbound.timer}`;
    case 'handoff':
      return `handoff ${inbound.result} (${inbound.target}: ${inbound.reason})`;
    case 'desk':
      return `desk ${inbound.desk}: ${inbound.event}${inbound.agentName ? ` by ${inbound.agentName}` : ''}${inbound.text !== undefined ? ` ${JSON.stringify(inbound.text)}` : ''}${inbound.status ? ` (${inbound.status})` : ''}`;
  }
}

function eventLines(event: ConversationEvent | null): string[] {
  if (!event) return ['event: (session start)'];
  const { type, at: _at, ...rest } = event;
  const signals = 'signals' in rest ? rest.signals : undefined;
  const payload = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'signals'));
  const lines = [`event: ${type}${Object.keys(payload).length ? ` ${canonicalJson(payload)}` : ''}`];
  if (signals && Object.keys(signals).length > 0) lines.push(`  signals: ${canonicalJson(signals)}`);
  return lines;
}

/** The canonical view of a step: what replay compares, one fact per line. */
export function stepLines(entry: {
  event: ConversationEvent | null;
  to: string;
  actions: ReadonlyArray<{ type: string; params?: unknown }>;
  replies: ReadonlyArray<{ role: string; text: string }>;
  buttons: readonly string[];
}): string[] {
  return [
    ...eventLines(entry.event),
    `state: ${entry.to}`,
    ...entry.actions.map(
      (a) => `action: ${a.type}${a.params === undefined ? '' : ` ${canonicalJson(a.params)}`}`,
    ),
    ...entry.replies.map((r) => `reply (${r.role}): ${r.text}`),
    `buttons: ${entry.buttons.length ? entry.buttons.join(', ') : '(none)'}`,
  ];
}

function describeDetection(d: Detection | null): string {
  if (!d) return 'none (a human owned the conversation)';
  const layer = d.layer ?? 'no layer decided';
  return `${layer} → ${d.intent}${d.category ? ` (${d.category})` : ''}; ${d.reasons.join('; ')}`;
}

interface Produced {
  event: ConversationEvent | null;
  detection: Detection | null;
  next: ConversationSnapshot;
  actions: Array<{ type: string; params?: unknown }>;
  notes: string[];
}

/** The event the engine would have sent for this inbound today, mirroring the engine's plan step. */
async function redetectEvent(
  entry: ReplayableEntry,
  snapshot: ConversationSnapshot,
  detectorFor: NonNullable<ReplayOptions['detectorFor']>,
  knowledge: Knowledge,
): Promise<{ event: ConversationEvent; detection: Detection | null } | { refused: string }> {
  const recorded = entry.event as ConversationEvent;
  const inbound = entry.inbound;
  if (inbound.kind !== 'visitor') return { event: recorded, detection: entry.detection };
  const state = statePath(snapshot);
  const offered = offeredButtons(state, snapshot.context);
  const detector = detectorFor(recordedLlmLayer(entry.detection));
  const at = entry.at;
  if (inbound.button !== undefined) {
    const button = offered.buttons.find((b) => b.id === inbound.button);
    if (!button)
      return {
        refused: `button [${inbound.button}] is not on offer in state ${state} now (offered: ${offered.buttons.map((b) => b.id).join(', ') || 'none'})`,
      };
    const detection = detector.pressed(button.id, snapshot.context, entry.detection?.customer);
    return { event: visitorEvent(snapshot, detection, button.label, offered, at), detection };
  }
  const text = inbound.text ?? '';
  if (snapshot.hasTag(HUMAN_TAG))
    return { event: { type: 'VISITOR.TEXT', at, signals: {}, text }, detection: null };
  const detection = await detector.detect({
    text,
    state,
    // The customer facts the turn read from the database, as recorded: replay needs no database.
    customer: entry.detection?.customer ?? null,
    offered,
    acceptedIntents: acceptedIntents(snapshot, at),
    context: snapshot.context,
    recent: [],
    troubleshootingStep:
      state === 'troubleshooting'
        ? (knowledge.categories[snapshot.context.category ?? 'other'].steps[snapshot.context.stepIndex] ??
          null)
        : null,
  });
  return { event: visitorEvent(snapshot, detection, text, offered, at), detection };
}

export async function replayTrace(trace: Trace, options: ReplayOptions): Promise<ReplayResult> {
  const { machine, knowledge } = options;
  const differences: StepDifference[] = [];
  const replayed: TraceEntry[] = [];
  let snapshot: ConversationSnapshot | null = null;

  for (const [index, entry] of trace.entries.entries()) {
    let produced: Produced;
    if (entry.inbound.kind === 'start' || snapshot === null) {
      const start = entry.inbound.kind === 'start' ? entry.inbound : null;
      const [next, actions] = initialTransition(machine, {
        at: entry.at,
        visitor: start?.visitor ?? {},
        ...(start?.language ? { language: start.language } : {}),
        ...(start?.browser ? { browser: start.browser } : {}),
      });
      produced = { event: null, detection: null, next, actions: plainActions(actions), notes: [] };
    } else {
      const notes: string[] = [];
      const from = statePath(snapshot);
      if (from !== entry.from) notes.push(`recorded from-state ${entry.from}, replay is in ${from}`);
      let event = entry.event as ConversationEvent;
      let detection = entry.detection;
      if (options.detectorFor) {
        const redone = await redetectEvent(entry, snapshot, options.detectorFor, knowledge);
        if ('refused' in redone) notes.push(redone.refused);
        else {
          if (canonicalJson(redone.event) !== canonicalJson(event))
            notes.push(
              `detection drift: recorded ${describeDetection(entry.detection)}`,
              `                 now      ${describeDetection(redone.detection)}`,
            );
          event = redone.event;
          detection = redone.detection;
        }
      }
      if (!snapshot.can(event))
        notes.push(`the current machine does not accept ${event.type} in state ${from}: nothing happens`);
      const [next, actions] = transition(machine, snapshot, event);
      produced = { event, detection, next, actions: plainActions(actions), notes };
    }

    const to = statePath(produced.next);
    const replies = produced.actions
      .filter((a) => a.type === 'say')
      .map((a) => {
        const key = (a.params as { key: string }).key;
        // Recorded extras (a ticket number) are inputs from outside the machine, like the LLM's answer.
        return {
          role: replyRole(key),
          text: renderReply(key, produced.next.context, knowledge, entry.extras),
        };
      });
    const buttons = offeredButtons(to, produced.next.context).buttons.map((b) => b.id);
    const actual: TraceEntry = {
      ...entry,
      detection: produced.detection,
      event: produced.event ? { ...produced.event } : null,
      from: snapshot === null ? null : statePath(snapshot),
      to,
      actions: produced.actions,
      replies,
      buttons,
    };
    replayed.push(actual);
    const expectedLines = stepLines(entry);
    const actualLines = stepLines({ ...actual, event: produced.event });
    // Notes explain a difference; on their own (a re-recorded step the machine ignores) they are none.
    if (expectedLines.join('\n') !== actualLines.join('\n')) {
      differences.push({
        step: index + 1,
        seq: entry.seq,
        inbound: describeInbound(entry.inbound),
        notes: produced.notes,
        expected: expectedLines,
        actual: actualLines,
      });
    }
    snapshot = produced.next;
  }
  return {
    name: trace.name,
    sessionId: trace.sessionId,
    steps: trace.entries.length,
    differences,
    replayed,
  };
}

/** Actions as the trace records them: type and JSON params, nothing of xstate's internals. */
function plainActions(actions: ReadonlyArray<{ type: string; params?: unknown }>) {
  return actions.map((a) => {
    const params = a.params === undefined ? undefined : (JSON.parse(JSON.stringify(a.params)) as unknown);
    return params === undefined ? { type: a.type } : { type: a.type, params };
  });
}

/**
 * Step-by-step differences between two recordings of the same conversation (an old golden trace and a new
 * recording of its spec). A step present in only one of them shows as wholly removed or added.
 */
export function diffTraces(
  before: ReadonlyArray<ReplayableEntry>,
  after: ReadonlyArray<ReplayableEntry>,
): StepDifference[] {
  const differences: StepDifference[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const old = before[i];
    const now = after[i];
    const expected = old ? [`inbound: ${describeInbound(old.inbound)}`, ...stepLines(old)] : [];
    const actual = now ? [`inbound: ${describeInbound(now.inbound)}`, ...stepLines(now)] : [];
    if (expected.join('\n') === actual.join('\n')) continue;
    const entry = (now ?? old) as ReplayableEntry;
    differences.push({
      step: i + 1,
      seq: entry.seq,
      inbound: describeInbound(entry.inbound),
      notes: !old ? ['new step'] : !now ? ['step no longer recorded'] : [],
      expected,
      actual,
    });
  }
  return differences;
}
