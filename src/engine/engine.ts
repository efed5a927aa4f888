// The turn pipeline: load → idempotency → detect (only while the bot owns the session) → pure transition →
// atomic compare-and-set commit (snapshot, messages, trace, effects) → after commit: publish and kick the
// effect worker. On a version conflict the turn is redone from the reloaded session, reusing the detection
// when the state is unchanged (so the LLM is never called twice for one message).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { initialTransition, transition } from 'xstate';
import type { Knowledge } from '../content/knowledge.ts';
import type { Detection } from '../detection/detection.types.ts';
import type { Detector } from '../detection/detector.ts';
import { intentLogParams, RECORD_DETECTION } from '../detection/intent-log.record.ts';
import { offeredButtons, publicButton } from '../machines/conversation.buttons.ts';
import type { VisitorInfo } from '../machines/conversation.context.ts';
import type { ConversationEvent } from '../machines/conversation.events.ts';
import { type ConversationMachine, HUMAN_TAG } from '../machines/conversation.machine.ts';
import type { EffectRecord, SessionStore, StoredSession } from '../storage/session.store.ts';
import { acceptedIntents, visitorEvent } from './event.mapping.ts';
import type { HandleResult, Inbound, OperatorCommand } from './inbound.ts';
import { OPERATORS_CHANNEL, type Realtime, sessionChannel } from './realtime.port.ts';
import { type RenderExtras, renderReply, replyRole } from './reply.render.ts';
import {
  type ConversationSnapshot,
  persistSnapshot,
  rehydrateSnapshot,
  SNAPSHOT_SCHEMA_VERSION,
  statePath,
} from './snapshot.codec.ts';
import { type StageClock, stageClock, type TurnStages } from './turn.stages.ts';
import {
  type ChatMessage,
  type InboundTrace,
  TRACE_FORMAT_VERSION,
  type TraceEntry,
  type TurnResponse,
} from './turn.types.ts';

export interface EngineDeps {
  machine: ConversationMachine;
  store: SessionStore;
  detector: Detector;
  knowledge: Knowledge;
  realtime: Realtime;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Called after every commit that wrote effects, so a worker picks them up without waiting to poll. */
  onEffectsCommitted?: (effects: EffectRecord[]) => void;
  /** Observes every committed turn (metrics, analytics). Must not throw. */
  onTurn?: (turn: CommittedTurn) => void;
  /**
   * Durable follow-ups of a commit (arming timers, waking the trace sink), awaited before the caller is
   * answered. Failures are logged, never thrown: the turn is already committed.
   */
  onCommitted?: (turn: { trace: TraceEntry; snapshot: ConversationSnapshot }) => Promise<void>;
  /** Time each stage of a turn into `CommittedTurn.stages` (bench, profiling). Off by default. */
  timeStages?: boolean;
  maxCommitAttempts?: number;
  /** Messages of history given to the LLM layer. */
  classifierHistory?: number;
  /**
   * Hands out the next TKT-YYYY-NNNN. Called before the reply is rendered when a turn creates a ticket, so
   * the visitor reads the number; it also goes into the createHandoff effect's params.
   */
  allocateTicketNumber?: () => Promise<string>;
  /** The display name of an operator, for "Alice has joined the chat"; null when unknown. */
  operatorName?: (agentId: string) => Promise<string | null>;
}

export interface CommittedTurn {
  trace: TraceEntry;
  response: TurnResponse;
  durationMs: number;
  /** Per-stage milliseconds, when `timeStages` is on. */
  stages?: TurnStages;
}

export interface StartResult {
  sessionId: string;
  token: string;
  response: TurnResponse;
}

const isTicketHandoff = (a: { type: string; params?: unknown }) =>
  a.type === 'createHandoff' && (a.params as { channel?: unknown } | undefined)?.channel === 'ticket';

const saysAgentJoined = (a: { type: string; params?: unknown }) =>
  a.type === 'say' && (a.params as { key?: unknown } | undefined)?.key === 'escalated.assigned';

/** Actions that are bookkeeping inside the machine or rendered as replies, not effects to execute. */
const NOT_EFFECTS = new Set(['say']);

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Planned {
  event: ConversationEvent;
  inboundMessage: ChatMessage | null;
  inboundTrace: InboundTrace;
  detection: Detection | null;
}

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(deps: EngineDeps) {
  const { machine, store, knowledge, logger } = deps;
  const maxAttempts = deps.maxCommitAttempts ?? 20;

  function buildOutput(
    sessionId: string,
    seq: number,
    firstMessageSeq: number,
    at: string,
    inboundMessage: ChatMessage | null,
    next: ConversationSnapshot,
    actions: ReadonlyArray<{ type: string; params?: unknown }>,
    operatorMessage: ChatMessage | null,
    extras: RenderExtras = {},
  ) {
    const state = statePath(next);
    const offered = offeredButtons(state, next.context);
    const buttons = offered.buttons.map(publicButton);
    const messages: ChatMessage[] = [];
    let messageSeq = firstMessageSeq;
    if (inboundMessage) messages.push({ ...inboundMessage, seq: messageSeq++ });
    if (operatorMessage) messages.push({ ...operatorMessage, seq: messageSeq++ });
    const replies: ChatMessage[] = [];
    for (const action of actions) {
      if (action.type !== 'say') continue;
      const key = (action.params as { key: string }).key;
      const reply: ChatMessage = {
        seq: messageSeq++,
        role: replyRole(key),
        text: renderReply(key, next.context, knowledge, extras),
        at,
      };
      replies.push(reply);
    }
    const lastBot = [...replies].reverse().find((r) => r.role === 'bot');
    if (lastBot && buttons.length > 0) lastBot.buttons = buttons;
    messages.push(...replies);
    const effects: EffectRecord[] = actions
      .filter((a) => !NOT_EFFECTS.has(a.type) && !a.type.startsWith('xstate.'))
      .map((a, index) => ({
        idempotencyKey: `${sessionId}:${seq}:${index}`,
        sessionId,
        seq,
        type: a.type,
        params: {
          ...(a.params && typeof a.params === 'object' ? a.params : {}),
          ...(a.type === 'createHandoff' && extras.ticketNumber ? { ticketNumber: extras.ticketNumber } : {}),
          state,
          at,
        },
      }));
    const owner: 'bot' | 'human' = next.hasTag(HUMAN_TAG) ? 'human' : 'bot';
    const response: TurnResponse = {
      sessionId,
      seq,
      state,
      owner,
      replies: messages.filter((m) => m.role !== 'visitor'),
      messages,
      buttons,
    };
    return { state, messages, effects, response, owner, replies };
  }

  async function notifyCommitted(trace: TraceEntry, snapshot: ConversationSnapshot) {
    if (!deps.onCommitted) return;
    await deps
      .onCommitted({ trace, snapshot })
      .catch((error: unknown) =>
        logger.error({ err: error, sessionId: trace.sessionId, seq: trace.seq }, 'onCommitted failed'),
      );
  }

  async function afterCommit(
    response: TurnResponse,
    messages: ChatMessage[],
    effects: EffectRecord[],
    trace: TraceEntry,
    startedAt: number,
    clock: StageClock | null = null,
  ) {
    if (effects.length > 0) deps.onEffectsCommitted?.(effects);
    const payload = { state: response.state, owner: response.owner, messages, buttons: response.buttons };
    // The widget's channel and the operators' channel at once (one round trip on Redis): the two are
    // independent, and subscribers order a session's turns by their seq.
    const event = { sessionId: response.sessionId, seq: response.seq, kind: 'turn' as const, payload };
    await Promise.all(
      [sessionChannel(response.sessionId), OPERATORS_CHANNEL].map((channel) =>
        deps.realtime
          .publish(channel, event)
          .catch((error: unknown) =>
            logger.warn({ err: error, sessionId: response.sessionId }, 'realtime publish failed'),
          ),
      ),
    );
    clock?.lap('publish');
    deps.onTurn?.({
      trace,
      response,
      durationMs: performance.now() - startedAt,
      ...(clock ? { stages: clock.stages } : {}),
    });
  }

  async function start(options: { visitor?: VisitorInfo } = {}): Promise<StartResult> {
    const startedAt = performance.now();
    const sessionId = deps.newId();
    const token = randomBytes(24).toString('base64url');
    const at = deps.now().toISOString();
    const [snapshot, actions] = initialTransition(machine, { at, visitor: options.visitor ?? {} });
    const out = buildOutput(sessionId, 1, 1, at, null, snapshot, actions, null);
    const trace: TraceEntry = {
      v: TRACE_FORMAT_VERSION,
      sessionId,
      seq: 1,
      at,
      inbound: {
        kind: 'start',
        ...(options.visitor && Object.keys(options.visitor).length > 0 ? { visitor: options.visitor } : {}),
      },
      detection: null,
      event: null,
      from: null,
      to: out.state,
      actions: actions.map((a) => ({ type: a.type, params: a.params })),
      replies: out.replies.map((r) => ({ role: r.role, text: r.text })),
      buttons: out.response.buttons.map((b) => b.id),
    };
    await store.create({
      id: sessionId,
      tokenHash: hashToken(token),
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      state: out.state,
      owner: out.owner,
      snapshot: persistSnapshot(machine, snapshot),
      messages: out.messages,
      trace,
      response: out.response,
      effects: out.effects,
      at,
    });
    logger.info({ sessionId, seq: 1, state: out.state }, 'session started');
    await notifyCommitted(trace, snapshot);
    await afterCommit(out.response, out.messages, out.effects, trace, startedAt);
    return { sessionId, token, response: out.response };
  }

  function operatorEvent(command: OperatorCommand, operatorId: string, at: string): ConversationEvent {
    switch (command.action) {
      case 'assign':
        return { type: 'OPERATOR.ASSIGN', at, agentId: command.agentId };
      case 'message':
        return { type: 'OPERATOR.MESSAGE', at, agentId: operatorId, text: command.text };
      case 'resolve':
        return {
          type: 'OPERATOR.RESOLVE',
          at,
          agentId: operatorId,
          notes: command.notes,
          resolutionCategory: command.resolutionCategory,
        };
      case 'handback':
        return { type: 'OPERATOR.HANDBACK', at, agentId: operatorId };
      case 'escalate':
        return { type: 'OPERATOR.ESCALATE', at, agentId: operatorId, reason: command.reason };
    }
  }

  const NOT_ACCEPTED: Record<OperatorCommand['action'], string> = {
    assign: 'only an escalated conversation that is not closed can be assigned',
    message:
      'agents can only write to escalated conversations (queued or assigned), never to one the bot owns',
    resolve: 'this conversation is not escalated or was already resolved',
    handback: 'only an escalated conversation that is not closed can be handed back to the bot',
    escalate: 'this conversation is already escalated',
  };

  /** Plans the machine event for an inbound; `null` plus a result when the inbound is refused. */
  async function plan(
    inbound: Inbound,
    session: StoredSession,
    snapshot: ConversationSnapshot,
    at: string,
    reuse: { state: string; detection: Detection | null } | null,
  ): Promise<Planned | HandleResult> {
    const state = statePath(snapshot);
    switch (inbound.kind) {
      case 'visitor': {
        const offered = offeredButtons(state, snapshot.context);
        const visitorMessage = (text: string): ChatMessage => ({ seq: 0, role: 'visitor', text, at });
        const trace: InboundTrace = {
          kind: 'visitor',
          clientMessageId: inbound.clientMessageId,
          ...('button' in inbound ? { button: inbound.button } : { text: inbound.text }),
        };
        if ('button' in inbound) {
          const button = offered.buttons.find((b) => b.id === inbound.button);
          if (!button)
            return {
              outcome: 'button_not_offered',
              buttonId: inbound.button,
              offered: offered.buttons.map((b) => b.id),
            };
          const detection = deps.detector.pressed(button.id, snapshot.context);
          return {
            event: visitorEvent(snapshot, detection, button.label, offered, at),
            inboundMessage: visitorMessage(`${button.emoji ? `${button.emoji} ` : ''}${button.label}`),
            inboundTrace: trace,
            detection,
          };
        }
        if (snapshot.hasTag(HUMAN_TAG)) {
          // A human owns the conversation: no detection, no LLM, no bot reply. The text goes to the operator.
          return {
            event: { type: 'VISITOR.TEXT', at, signals: {}, text: inbound.text },
            inboundMessage: visitorMessage(inbound.text),
            inboundTrace: trace,
            detection: null,
          };
        }
        const detection =
          reuse && reuse.state === state && reuse.detection
            ? reuse.detection
            : await deps.detector.detect({
                text: inbound.text,
                state,
                offered,
                acceptedIntents: acceptedIntents(snapshot, at),
                context: snapshot.context,
                recent: deps.detector.usesHistory
                  ? await store.messages(session.id, { limit: deps.classifierHistory ?? 10 })
                  : [],
                troubleshootingStep:
                  state === 'troubleshooting'
                    ? (knowledge.categories[snapshot.context.category ?? 'other'].steps[
                        snapshot.context.stepIndex
                      ] ?? null)
                    : null,
              });
        return {
          event: visitorEvent(snapshot, detection, inbound.text, offered, at),
          inboundMessage: visitorMessage(inbound.text),
          inboundTrace: trace,
          detection,
        };
      }
      case 'operator': {
        const command = inbound.command;
        const event = operatorEvent(command, inbound.operatorId, at);
        if (!snapshot.can(event))
          return { outcome: 'not_accepted', state, message: NOT_ACCEPTED[command.action] };
        const assigned = snapshot.context.assignedAgentId;
        if (
          inbound.role === 'agent' &&
          // An agent cannot take over a colleague's conversation either (only an admin reassigns).
          (command.action === 'message' ||
            command.action === 'resolve' ||
            command.action === 'handback' ||
            command.action === 'assign') &&
          assigned &&
          assigned !== inbound.operatorId
        ) {
          return {
            outcome: 'forbidden',
            message: `this conversation is assigned to another agent (${assigned}); only they or an admin can ${command.action} it`,
          };
        }
        if (
          inbound.role === 'agent' &&
          command.action === 'assign' &&
          command.agentId !== inbound.operatorId
        ) {
          return {
            outcome: 'forbidden',
            message: 'agents can only assign conversations to themselves; admins can assign to anyone',
          };
        }
        const inboundTrace: InboundTrace = {
          kind: 'operator',
          action: command.action,
          agentId: inbound.operatorId,
          ...(command.action === 'message' ? { text: command.text } : {}),
          ...(command.action === 'resolve'
            ? { notes: command.notes, resolutionCategory: command.resolutionCategory }
            : {}),
          ...(command.action === 'escalate' ? { reason: command.reason } : {}),
          ...(command.action === 'assign' ? { text: command.agentId } : {}),
        };
        return { event, inboundMessage: null, inboundTrace, detection: null };
      }
      case 'timer': {
        const event: ConversationEvent =
          inbound.timer === 'inactivity'
            ? { type: 'TIMER.INACTIVITY', at }
            : { type: 'TIMER.SLA_REMINDER', at };
        if (inbound.onlyAtVersion !== undefined && inbound.onlyAtVersion !== session.version)
          return {
            outcome: 'not_accepted',
            state,
            message: `timer ${inbound.timer} is stale: the session moved on after it was armed`,
          };
        if (!snapshot.can(event))
          return {
            outcome: 'not_accepted',
            state,
            message: `timer ${inbound.timer} does not apply in state ${state}`,
          };
        return {
          event,
          inboundMessage: null,
          inboundTrace: { kind: 'timer', timer: inbound.timer },
          detection: null,
        };
      }
      case 'handoff': {
        const event: ConversationEvent = {
          type: 'HANDOFF.FAILED',
          at,
          target: inbound.target,
          reason: inbound.reason,
        };
        if (!snapshot.can(event))
          return {
            outcome: 'not_accepted',
            state,
            message: `handoff failure does not apply in state ${state}`,
          };
        return {
          event,
          inboundMessage: null,
          inboundTrace: {
            kind: 'handoff',
            result: inbound.result,
            target: inbound.target,
            reason: inbound.reason,
          },
          detection: null,
        };
      }
    }
  }

  function idempotencyKey(inbound: Inbound): string | null {
    switch (inbound.kind) {
      case 'visitor':
        return inbound.clientMessageId;
      case 'operator':
        return inbound.clientMessageId ? `op:${inbound.operatorId}:${inbound.clientMessageId}` : null;
      case 'timer':
        return `timer:${inbound.timerId}`;
      case 'handoff':
        return `handoff:${inbound.handoffKey}`;
    }
  }

  async function handle(sessionId: string, inbound: Inbound): Promise<HandleResult> {
    const startedAt = performance.now();
    const clock = deps.timeStages ? stageClock() : null;
    const clientKey = idempotencyKey(inbound);
    let reuse: { state: string; detection: Detection | null } | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // The session and the answer to an already-seen clientMessageId are read together: on Redis the two
      // commands share one round trip (node-redis pipelines concurrent commands). The previous answer is
      // only handed out after the token check.
      const [session, previous] = await Promise.all([
        store.load(sessionId),
        clientKey ? store.findTurn(sessionId, clientKey) : null,
      ]);
      if (!session) return { outcome: 'not_found' };
      if (inbound.kind === 'visitor' && !tokenMatches(inbound.token, session.tokenHash))
        return { outcome: 'unauthorized' };
      clock?.lap('load');
      if (previous) return { outcome: 'duplicate', response: previous };
      clock?.lap('idempotency');
      const snapshot = rehydrateSnapshot(machine, session.schemaVersion, session.snapshot);
      clock?.lap('load');
      const at = deps.now().toISOString();
      const planned = await plan(inbound, session, snapshot, at, reuse);
      if ('outcome' in planned) return planned;
      clock?.lap('detect');
      const from = statePath(snapshot);
      reuse = { state: from, detection: planned.detection };

      const [next, actions] = transition(machine, snapshot, planned.event);
      const seq = session.version + 1;
      const operatorMessage: ChatMessage | null =
        planned.event.type === 'OPERATOR.MESSAGE'
          ? { seq: 0, role: 'operator', text: planned.event.text, at, agentId: planned.event.agentId }
          : null;
      const extras: RenderExtras = {};
      if (deps.allocateTicketNumber && actions.some(isTicketHandoff)) {
        // Allocated before the commit so the reply can say it. If this attempt then loses the version
        // compare-and-set, the redo allocates again and this number is never used: a gap, never a duplicate.
        try {
          extras.ticketNumber = await deps.allocateTicketNumber();
        } catch (error) {
          // The handoff handler allocates one later; the reply goes out without the number.
          logger.error({ err: error, sessionId }, 'ticket number allocation failed');
        }
      }
      const joined = next.context.assignedAgentId;
      if (deps.operatorName && joined && actions.some(saysAgentJoined)) {
        // Looked up before the render and recorded in the trace's extras, so replay renders the same text.
        const name = await deps.operatorName(joined).catch(() => null);
        if (name) extras.agentName = name;
      }
      const out = buildOutput(
        sessionId,
        seq,
        session.messageCount + 1,
        at,
        planned.inboundMessage,
        next,
        actions,
        operatorMessage,
        extras,
      );
      // A turn that asked the LLM is logged to intent_analysis_log by an effect: written after the commit,
      // at least once and idempotently (one row per turn), and never lost to a crash after the commit.
      const intentLog = intentLogParams(
        planned.detection,
        planned.inboundMessage?.text ?? '',
        planned.event.type,
        out.state,
      );
      if (intentLog) {
        out.effects.push({
          idempotencyKey: `${sessionId}:${seq}:${out.effects.length}`,
          sessionId,
          seq,
          type: RECORD_DETECTION,
          params: { ...intentLog, state: out.state, at },
        });
      }
      const trace: TraceEntry = {
        v: TRACE_FORMAT_VERSION,
        sessionId,
        seq,
        at,
        inbound: planned.inboundTrace,
        detection: planned.detection,
        event: { ...planned.event },
        from,
        to: out.state,
        actions: actions.map((a) => ({ type: a.type, params: a.params })),
        replies: out.replies.map((r) => ({ role: r.role, text: r.text })),
        buttons: out.response.buttons.map((b) => b.id),
        ...(Object.keys(extras).length > 0 ? { extras } : {}),
      };
      const persisted = persistSnapshot(machine, next);
      clock?.lap('transition');
      const result = await store.commit({
        sessionId,
        expectedVersion: session.version,
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        snapshot: persisted,
        state: out.state,
        owner: out.owner,
        clientMessageId: clientKey,
        messages: out.messages,
        trace,
        response: out.response,
        effects: out.effects,
        at,
      });
      clock?.lap('commit');
      if (result.outcome === 'duplicate') return { outcome: 'duplicate', response: result.response };
      if (result.outcome === 'committed') {
        logger.debug(
          { sessionId, seq, from, to: out.state, event: planned.event.type, layer: planned.detection?.layer },
          'turn committed',
        );
        await notifyCommitted(trace, next);
        clock?.lap('followups');
        await afterCommit(out.response, out.messages, out.effects, trace, startedAt, clock);
        return { outcome: 'ok', response: out.response };
      }
      // Version conflict: another turn on this session committed first. Back off a little and redo.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
    logger.warn({ sessionId }, 'turn gave up after repeated version conflicts');
    return { outcome: 'busy' };
  }

  async function view(sessionId: string, token: string | null) {
    const session = await store.load(sessionId);
    if (!session) return { outcome: 'not_found' as const };
    if (token !== null && !tokenMatches(token, session.tokenHash))
      return { outcome: 'unauthorized' as const };
    const snapshot = rehydrateSnapshot(machine, session.schemaVersion, session.snapshot);
    const state = statePath(snapshot);
    return {
      outcome: 'ok' as const,
      session,
      snapshot,
      state,
      owner: snapshot.hasTag(HUMAN_TAG) ? ('human' as const) : ('bot' as const),
      buttons: offeredButtons(state, snapshot.context).buttons.map(publicButton),
      messages: await store.messages(sessionId),
    };
  }

  return { start, handle, view };
}
