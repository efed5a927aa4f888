// Runs a conversation spec through the real engine (engine.handle: detection, machine, commit, reply) and
// checks each step's expectations against the engine's answer, the committed trace entry and the stored
// context. Stops at the first failing step: later steps would only report its consequences.
import { basename } from 'node:path';
import { webTokenAccess } from '../channels/web/web.channel.ts';
import type { HandleResult, Inbound, OperatorCommand } from '../engine/inbound.ts';
import { canonicalJson } from '../engine/replay.ts';
import type { TraceEntry, TurnResponse } from '../engine/turn.types.ts';
import type { DeskEvent } from '../handoff/desk-event.port.ts';
import { createTicketCountersRepository } from '../storage/ticket-counters.repository.ts';
import type { LoadedSpec } from './spec.load.ts';
import { DEFAULT_SPEC_START, type SpecRuntime, type SpecRuntimes } from './spec.runtime.ts';
import { type DeskStep, durationMs, type Expect, matchesPattern, type Step } from './spec.schema.ts';

export interface SpecFailure {
  /** 0 for the session start, else the 1-based step number. */
  step: number;
  line: number;
  action: string;
  problems: string[];
  observed: string[];
}

export interface SpecResult {
  file: string;
  name: string;
  sessionId: string;
  steps: number;
  failure: SpecFailure | null;
  /** The committed trace of the spec's session (a golden trace when recorded). */
  trace: TraceEntry[];
  durationMs: number;
}

const DEFAULT_STEP_GAP_MS = 10_000;
const DEFAULT_AGENT = 'agent-1';

/** A stable session id from the spec's file name: golden traces stay byte-identical between recordings. */
export function specSessionId(file: string): string {
  return `spec-${basename(file)
    .replace(/\.ya?ml$/i, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

function operatorCommand(step: NonNullable<Step['operator']>, operatorId: string): OperatorCommand {
  const o = typeof step === 'string' ? { action: step } : step;
  switch (o.action) {
    case 'assign':
      return { action: 'assign', agentId: ('agent' in o && o.agent) || operatorId };
    case 'message':
      return { action: 'message', text: ('text' in o && o.text) || 'Hello, I am here to help.' };
    case 'resolve':
      return {
        action: 'resolve',
        notes: ('notes' in o && o.notes) || 'resolved by the agent',
        resolutionCategory: ('resolutionCategory' in o && o.resolutionCategory) || 'solved',
      };
    case 'handback':
      return { action: 'handback' };
    case 'escalate':
      return { action: 'escalate', reason: ('reason' in o && o.reason) || 'operator took over' };
  }
}

function deskEventFor(step: DeskStep, eventId: string): DeskEvent {
  const base = { desk: step.desk ?? 'salesiq', eventId, externalId: 'spec-desk-conversation' } as const;
  const name = step.agent ?? 'Dana';
  const agent = { id: `${base.desk}:${name.toLowerCase()}`, name };
  switch (step.kind) {
    case 'agent_joined':
      return { ...base, kind: 'agent_joined', agent };
    case 'agent_replied':
      return { ...base, kind: 'agent_replied', agent, text: step.text ?? 'Hi, I am looking into it.' };
    case 'conversation_closed':
      return { ...base, kind: 'conversation_closed', agent, ...(step.note ? { note: step.note } : {}) };
    case 'conversation_missed':
      return { ...base, kind: 'conversation_missed' };
    case 'ticket_status_changed':
      return { ...base, kind: 'ticket_status_changed', status: step.status ?? 'solved', agent };
  }
}

function inboundFor(step: Step, index: number, sessionId: string): Inbound {
  const clientMessageId = `step-${index}`;
  if (step.visitor !== undefined)
    return { kind: 'visitor', channel: 'web', clientMessageId, text: step.visitor };
  if (step.press !== undefined)
    return { kind: 'visitor', channel: 'web', clientMessageId, button: step.press };
  if (step.operator !== undefined) {
    const o = step.operator;
    const operatorId = (typeof o === 'object' && o.as) || DEFAULT_AGENT;
    return {
      kind: 'operator',
      operatorId,
      role: (typeof o === 'object' && o.role) || 'agent',
      clientMessageId,
      command: operatorCommand(o, operatorId),
    };
  }
  if (step.timer !== undefined) return { kind: 'timer', timer: step.timer, timerId: `${sessionId}:${index}` };
  if (step.desk !== undefined)
    return { kind: 'desk', event: deskEventFor(step.desk, `${sessionId}:${index}`) };
  const h = step.handoff;
  return {
    kind: 'handoff',
    result: 'failed',
    target: typeof h === 'object' ? h.target : 'instant_chat',
    reason: typeof h === 'object' ? h.reason : 'no operator could be reached',
    handoffKey: `${sessionId}:${index}`,
  };
}

function describeStep(step: Step): string {
  if (step.visitor !== undefined) return `visitor: ${JSON.stringify(step.visitor)}`;
  if (step.press !== undefined) return `visitor presses [${step.press}]`;
  if (step.operator !== undefined)
    return `operator: ${typeof step.operator === 'string' ? step.operator : step.operator.action}`;
  if (step.timer !== undefined) return `timer: ${step.timer}`;
  if (step.desk !== undefined) return `desk ${step.desk.desk ?? 'salesiq'}: ${step.desk.kind}`;
  return 'handoff failed';
}

interface Observation {
  outcome: HandleResult['outcome'];
  refusal?: string;
  state: string;
  owner: 'bot' | 'human';
  response: TurnResponse | null;
  entry: TraceEntry | null;
  context: Record<string, unknown>;
}

async function observe(
  rt: SpecRuntime,
  sessionId: string,
  result: HandleResult | { outcome: 'ok'; response: TurnResponse },
): Promise<Observation> {
  const view = await rt.runtime.engine.view(sessionId, null);
  if (view.outcome !== 'ok') throw new Error(`spec session ${sessionId} vanished (${view.outcome})`);
  const response = 'response' in result ? result.response : null;
  const entry = response
    ? ((await rt.runtime.store.trace(sessionId)).find((e) => e.seq === response.seq) ?? null)
    : null;
  return {
    outcome: result.outcome,
    ...(response ? {} : { refusal: JSON.stringify(result) }),
    state: view.state,
    owner: view.owner,
    response,
    entry,
    context: view.snapshot.context as unknown as Record<string, unknown>,
  };
}

function botReplies(o: Observation) {
  return (o.response?.replies ?? []).filter((r) => r.role === 'bot' || r.role === 'system');
}

function effectTypes(o: Observation): string[] {
  return (o.entry?.actions ?? []).map((a) => a.type).filter((t) => t !== 'say');
}

function observedLines(o: Observation): string[] {
  const d = o.entry?.detection;
  const lines = [
    `outcome: ${o.outcome}${o.refusal && o.outcome !== 'ok' ? ` ${o.refusal}` : ''}`,
    `state: ${o.state} (owner ${o.owner})`,
  ];
  if (o.entry?.event) lines.push(`event: ${String(o.entry.event.type)}`);
  if (d) lines.push(`detection: ${d.layer ?? 'none'} → ${d.intent}; ${d.reasons.join('; ')}`);
  for (const r of botReplies(o)) lines.push(`reply (${r.role}): ${r.text}`);
  if (o.response) lines.push(`buttons: ${o.response.buttons.map((b) => b.id).join(', ') || '(none)'}`);
  if (o.entry) lines.push(`effects: ${effectTypes(o).join(', ') || '(none)'}`);
  return lines;
}

/** Objects match on the keys the spec gives (recursively); arrays and scalars must be equal. */
export function partialMatch(want: unknown, got: unknown): boolean {
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, v]) => partialMatch(v, (got as Record<string, unknown>)[k]));
  }
  return canonicalJson(want) === canonicalJson(got ?? null) || (want === null && got === undefined);
}

function check(expect: Expect | undefined, o: Observation): string[] {
  const problems: string[] = [];
  const wantOutcome = expect?.outcome ?? 'ok';
  if (o.outcome !== wantOutcome) problems.push(`expected outcome ${wantOutcome}, got ${o.outcome}`);
  if (!expect) return problems;
  if (expect.state !== undefined && o.state !== expect.state)
    problems.push(`expected state ${expect.state}, got ${o.state}`);
  if (expect.owner !== undefined && o.owner !== expect.owner)
    problems.push(`expected owner ${expect.owner}, got ${o.owner}`);
  if (expect.event !== undefined) {
    const got = o.entry?.event ? String(o.entry.event.type) : '(no turn)';
    if (got !== expect.event) problems.push(`expected event ${expect.event}, got ${got}`);
  }
  if (expect.intent !== undefined) {
    const got = o.entry?.detection?.intent ?? '(no detection)';
    if (got !== expect.intent) problems.push(`expected intent ${expect.intent}, got ${got}`);
  }
  if (expect.layer !== undefined) {
    const got = o.entry ? (o.entry.detection?.layer ?? 'none') : '(no turn)';
    if (got !== expect.layer) problems.push(`expected deciding layer ${expect.layer}, got ${got}`);
  }
  const replies = botReplies(o);
  if (expect.reply !== undefined) {
    const patterns = Array.isArray(expect.reply) ? expect.reply : [expect.reply];
    for (const p of patterns)
      if (!replies.some((r) => matchesPattern(p, r.text)))
        problems.push(
          replies.length === 0
            ? `expected a reply matching ${JSON.stringify(p)}, but the bot said nothing`
            : `no reply matches ${JSON.stringify(p)}`,
        );
  }
  if (expect.noReply && replies.length > 0)
    problems.push(`expected no bot reply, got ${replies.length}: ${JSON.stringify(replies[0]?.text)}`);
  if (expect.buttons !== undefined) {
    const got = o.response ? o.response.buttons.map((b) => b.id) : null;
    if (got === null) problems.push('expected buttons, but the step made no turn');
    else if (got.join(',') !== expect.buttons.join(','))
      problems.push(`expected buttons [${expect.buttons.join(', ')}], got [${got.join(', ')}]`);
  }
  if (expect.effects !== undefined) {
    const got = effectTypes(o);
    if (got.join(',') !== expect.effects.join(','))
      problems.push(`expected effects [${expect.effects.join(', ')}], got [${got.join(', ')}]`);
  }
  for (const [key, want] of Object.entries(expect.context ?? {})) {
    const got = o.context[key];
    if (!partialMatch(want, got))
      problems.push(
        `expected context.${key} = ${canonicalJson(want)}, got ${canonicalJson(got) ?? 'undefined'}`,
      );
  }
  return problems;
}

export async function runSpec(loaded: LoadedSpec, runtimes: SpecRuntimes): Promise<SpecResult> {
  const startedAt = performance.now();
  const { spec, file } = loaded;
  const rt = await runtimes.get(spec.env);
  rt.clock.set(spec.start?.at ?? DEFAULT_SPEC_START);
  // Every spec numbers its tickets from TKT-YYYY-0001, whatever ran before it on this runtime, so its
  // golden trace does not change when specs are added or reordered.
  await createTicketCountersRepository(rt.runtime.database.db).restartNumbering();
  const sessionId = rt.claimSessionId(specSessionId(file));
  const started = await rt.runtime.engine.start(spec.start?.visitor ? { visitor: spec.start.visitor } : {});
  let failure: SpecFailure | null = null;

  const startObservation = await observe(rt, sessionId, { outcome: 'ok', response: started.response });
  const startProblems = check(spec.start?.expect, startObservation);
  if (startProblems.length > 0)
    failure = {
      step: 0,
      line: 0,
      action: 'session start',
      problems: startProblems,
      observed: observedLines(startObservation),
    };

  for (const [i, step] of spec.steps.entries()) {
    if (failure) break;
    rt.clock.advance(step.after ? durationMs(step.after) : DEFAULT_STEP_GAP_MS);
    const result = await rt.runtime.engine.handle(
      sessionId,
      inboundFor(step, i + 1, sessionId),
      webTokenAccess(started.token),
    );
    const o = await observe(rt, sessionId, result);
    const problems = check(step.expect, o);
    if (problems.length > 0)
      failure = {
        step: i + 1,
        line: loaded.stepLines[i] ?? 0,
        action: describeStep(step),
        problems,
        observed: observedLines(o),
      };
  }
  return {
    file,
    name: spec.name,
    sessionId,
    steps: spec.steps.length,
    failure,
    trace: await rt.runtime.store.trace(sessionId),
    durationMs: performance.now() - startedAt,
  };
}
