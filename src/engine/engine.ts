// The turn pipeline: load → access check → idempotency → plan (visitor detection, operator policy, desk
// mapping) → pure transition → atomic compare-and-set commit (snapshot, messages, trace, effects) → after
// commit: publish and kick the effect worker. On a version conflict the turn is redone from the reloaded
// session, reusing the detection when the state is unchanged (so the LLM is never called twice for one message).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { initialTransition, transition } from 'xstate';
import type { ChannelName } from '../channels/channel.port.ts';
import { localButtons } from '../content/button.labels.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { Detector } from '../detection/detector.ts';
import { offeredButtons } from '../machines/conversation.buttons.ts';
import type { VisitorBrowser, VisitorInfo } from '../machines/conversation.context.ts';
import { type ConversationMachine, HUMAN_TAG } from '../machines/conversation.machine.ts';
import type { EffectRecord, SessionStore, StoredSession } from '../storage/session.store.ts';
import type { TimerChange } from '../storage/timer.store.ts';
import type { ReadFacts } from './conversation.policy.ts';
import { planDesk } from './desk.plan.ts';
import { type HandleOptions, type HandleResult, type Inbound, withCardNumbersMasked } from './inbound.ts';
import { planOperator } from './operator.plan.ts';
import { OPERATORS_CHANNEL, type Realtime, sessionChannel } from './realtime.port.ts';
import type { RenderExtras } from './reply.render.ts';
import {
  type ConversationSnapshot,
  persistSnapshot,
  rehydrateSnapshot,
  SNAPSHOT_SCHEMA_VERSION,
  statePath,
} from './snapshot.codec.ts';
import { planHandoffFailure, planTimer } from './system.plan.ts';
import {
  addContactEffect,
  addIntentLogEffect,
  buildTurnOutput,
  type MachineAction,
  traceOf,
} from './turn.output.ts';
import type { Planned } from './turn.plan.ts';
import { type StageClock, stageClock, type TurnStages } from './turn.stages.ts';
import type { ChatMessage, TraceEntry, TurnResponse } from './turn.types.ts';
import { planVisitor, type Reuse, type VisitorPlanDeps } from './visitor.plan.ts';

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
   * Follow-ups of a commit (waking the trace sink), awaited before the caller is answered. Failures are
   * logged, never thrown: the turn is already committed.
   */
  onCommitted?: (turn: { trace: TraceEntry; snapshot: ConversationSnapshot }) => Promise<void>;
  /** The durable timers a turn arms or cancels (timer.policy.ts); committed atomically with the turn. */
  timerChanges?: (turn: { trace: TraceEntry; snapshot: ConversationSnapshot }) => TimerChange[];
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
  /** What we know about the person in a session, for the customer priority rules (visitor.plan.ts). */
  customerFacts?: VisitorPlanDeps['customerFacts'];
  /** The display name of an operator, for "Alice has joined the chat"; null when unknown. */
  operatorName?: (agentId: string) => Promise<string | null>;
  /**
   * The external live chat (SalesIQ) holding a session's open live chat, or null: a fact the policy needs
   * that lives in the handoff records, not in the snapshot. Looked up for operator commands only.
   */
  liveChatHolder?: (sessionId: string) => Promise<string | null>;
  /**
   * Visitor channels: which channel a session is on, and whether a turn's messages must be delivered by a
   * `deliverToVisitor` effect (the channel cannot show them in its HTTP answer or live stream).
   * Absent: every session is a web widget session and nothing is delivered.
   */
  channels?: {
    channelOf(sessionId: string): Promise<ChannelName>;
    needsDelivery(channel: ChannelName, visitorTurn: boolean): boolean;
  };
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

export interface StartOptions {
  visitor?: VisitorInfo;
  /** The visitor's language, when their channel knows it before they write (the widget's `lang`). */
  language?: string;
  /** What the visitor's browser reported (the web widget): page, referrer, user agent, time zone, locale. */
  browser?: VisitorBrowser;
  /** Where the visitor writes from (default web). */
  channel?: ChannelName;
  /** A session id chosen by the caller (a channel's session claim); default a new id. */
  sessionId?: string;
}

const isTicketHandoff = (a: MachineAction) =>
  a.type === 'createHandoff' && (a.params as { channel?: unknown } | undefined)?.channel === 'ticket';

const saysAgentJoined = (a: MachineAction) =>
  a.type === 'say' && (a.params as { key?: unknown } | undefined)?.key === 'escalated.assigned';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key under which a redelivered inbound finds its stored answer; null when it has none. */
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
    case 'desk':
      return `desk:${inbound.event.desk}:${inbound.event.eventId}`;
  }
}

/** The transcript line of an operator's (or desk agent's) reply; null for other events. */
function operatorMessageOf(planned: Planned, at: string): ChatMessage | null {
  const event = planned.event;
  if (event.type === 'OPERATOR.MESSAGE' || event.type === 'DESK.AGENT_REPLIED')
    return { seq: 0, role: 'operator', text: event.text, at, agentId: event.agentId };
  return null;
}

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(deps: EngineDeps) {
  const { machine, store, knowledge, logger } = deps;
  const maxAttempts = deps.maxCommitAttempts ?? 20;
  const visitorPlanDeps = {
    detector: deps.detector,
    knowledge,
    store,
    classifierHistory: deps.classifierHistory ?? 10,
    ...(deps.customerFacts ? { customerFacts: deps.customerFacts } : {}),
  };

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
    assignedAgentId: string | null,
    startedAt: number,
    clock: StageClock | null = null,
  ) {
    if (effects.length > 0) deps.onEffectsCommitted?.(effects);
    const payload = { state: response.state, owner: response.owner, messages, buttons: response.buttons };
    // The widget's channel and the operators' channel at once (one round trip on Redis): the two are
    // independent, and subscribers order a session's turns by their seq. The operators' copy says who
    // holds the conversation: each operator's stream forwards only what its operator may read.
    const event = { sessionId: response.sessionId, seq: response.seq, kind: 'turn' as const, payload };
    const operatorsEvent = { ...event, payload: { ...payload, assignedAgentId } };
    await Promise.all(
      (
        [
          [sessionChannel(response.sessionId), event],
          [OPERATORS_CHANNEL, operatorsEvent],
        ] as const
      ).map(([channel, e]) =>
        deps.realtime
          .publish(channel, e)
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

  /** Whether this turn's messages go out as a deliverToVisitor effect (never for the web widget). */
  async function deliversTo(sessionId: string, inbound: Inbound | null, channel?: ChannelName) {
    const channels = deps.channels;
    if (!channels) return false;
    const on =
      channel ?? (inbound?.kind === 'visitor' ? inbound.channel : await channels.channelOf(sessionId));
    // A start is asked for by the visitor's channel edge (a first message, the Zobot's trigger): a channel
    // that answers inline shows the greeting in that answer, as it does a visitor turn's replies.
    return channels.needsDelivery(on, inbound === null || inbound.kind === 'visitor');
  }

  async function start(options: StartOptions = {}): Promise<StartResult> {
    const startedAt = performance.now();
    const sessionId = options.sessionId ?? deps.newId();
    const token = randomBytes(24).toString('base64url');
    const at = deps.now().toISOString();
    const channel = options.channel ?? 'web';
    // Only a language we have content for: anything else is English, as if nothing had been said.
    const language =
      options.language &&
      options.language !== knowledge.defaultLanguage &&
      Object.hasOwn(knowledge.languages, options.language)
        ? options.language
        : undefined;
    const browser = options.browser && Object.keys(options.browser).length > 0 ? options.browser : undefined;
    const [snapshot, actions] = initialTransition(machine, {
      at,
      visitor: options.visitor ?? {},
      ...(language ? { language } : {}),
      ...(browser ? { browser } : {}),
    });
    const out = buildTurnOutput(
      {
        sessionId,
        seq: 1,
        firstMessageSeq: 1,
        at,
        inboundMessage: null,
        operatorMessage: null,
        next: snapshot,
        actions,
        deliverToVisitor: await deliversTo(sessionId, null, channel),
      },
      knowledge,
    );
    addContactEffect(
      out,
      { before: null, after: snapshot.context, event: null, actions, from: null, to: out.state, channel },
      sessionId,
      1,
      at,
    );
    const trace = traceOf({
      sessionId,
      seq: 1,
      at,
      inbound: {
        kind: 'start',
        ...(channel !== 'web' ? { channel } : {}),
        ...(options.visitor && Object.keys(options.visitor).length > 0 ? { visitor: options.visitor } : {}),
        ...(language ? { language } : {}),
        ...(browser ? { browser } : {}),
      },
      detection: null,
      event: null,
      from: null,
      out,
      actions,
    });
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
      timers: deps.timerChanges?.({ trace, snapshot }) ?? [],
      at,
    });
    logger.info({ sessionId, seq: 1, state: out.state, channel }, 'session started');
    await notifyCommitted(trace, snapshot);
    await afterCommit(
      out.response,
      out.messages,
      out.effects,
      trace,
      snapshot.context.assignedAgentId,
      startedAt,
    );
    return { sessionId, token, response: out.response };
  }

  function plan(
    inbound: Inbound,
    session: StoredSession,
    snapshot: ConversationSnapshot,
    at: string,
    reuse: Reuse,
  ): Promise<Planned | HandleResult> | Planned | HandleResult {
    switch (inbound.kind) {
      case 'visitor':
        return planVisitor(visitorPlanDeps, inbound, session.id, snapshot, at, reuse);
      case 'operator':
        return deps.liveChatHolder
          ? deps.liveChatHolder(session.id).then((heldBy) => planOperator(inbound, snapshot, at, heldBy))
          : planOperator(inbound, snapshot, at, null);
      case 'timer':
        return planTimer(inbound, session.version, snapshot, at);
      case 'handoff':
        return planHandoffFailure(inbound, snapshot, at);
      case 'desk':
        return planDesk(inbound.event, snapshot, at);
    }
  }

  /** Values from outside the machine that this turn's replies include: looked up once, traced for replay. */
  async function extrasFor(
    sessionId: string,
    planned: Planned,
    next: ConversationSnapshot,
    actions: ReadonlyArray<MachineAction>,
  ): Promise<RenderExtras> {
    const extras: RenderExtras = { ...planned.extras };
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
    if (deps.operatorName && joined && !extras.agentName && actions.some(saysAgentJoined)) {
      // Looked up before the render and recorded in the trace's extras, so replay renders the same text.
      const name = await deps.operatorName(joined).catch(() => null);
      if (name) extras.agentName = name;
    }
    return extras;
  }

  /** One attempt of a turn: plan, transition, commit. `retry` after a version conflict. */
  async function attempt(
    sessionId: string,
    inbound: Inbound,
    options: HandleOptions,
    clientKey: string | null,
    reuse: { current: Reuse },
    startedAt: number,
    clock: StageClock | null,
  ): Promise<HandleResult | 'retry'> {
    // The session and the answer to an already-seen clientMessageId are read together: on Redis the two
    // commands share one round trip (node-redis pipelines concurrent commands). The previous answer is
    // only handed out after the edge's access check.
    const [session, previous] = await Promise.all([
      store.load(sessionId),
      clientKey ? store.findTurn(sessionId, clientKey) : null,
    ]);
    if (!session) return { outcome: 'not_found' };
    if (options.authorize && !options.authorize(session)) return { outcome: 'unauthorized' };
    clock?.lap('load');
    if (previous) return { outcome: 'duplicate', response: previous };
    clock?.lap('idempotency');
    const snapshot = rehydrateSnapshot(machine, session.schemaVersion, session.snapshot);
    clock?.lap('load');
    const at = deps.now().toISOString();
    const planned = await plan(inbound, session, snapshot, at, reuse.current);
    if ('outcome' in planned) return planned;
    clock?.lap('detect');
    const from = statePath(snapshot);
    reuse.current = { state: from, detection: planned.detection };

    const [next, actions] = transition(machine, snapshot, planned.event);
    const seq = session.version + 1;
    const extras = await extrasFor(sessionId, planned, next, actions);
    const out = buildTurnOutput(
      {
        sessionId,
        seq,
        firstMessageSeq: session.messageCount + 1,
        at,
        inboundMessage: planned.inboundMessage,
        operatorMessage: operatorMessageOf(planned, at),
        next,
        actions,
        extras,
        deliverToVisitor: await deliversTo(sessionId, inbound),
      },
      knowledge,
    );
    // A turn that asked the LLM is logged to intent_analysis_log by an effect: written after the commit,
    // at least once and idempotently (one row per turn), and never lost to a crash after the commit.
    addIntentLogEffect(out, planned, sessionId, seq, at);
    addContactEffect(
      out,
      {
        before: snapshot.context.visitor,
        after: next.context,
        event: planned.event,
        actions,
        from,
        to: out.state,
        ...(extras.ticketNumber ? { ticketNumber: extras.ticketNumber } : {}),
      },
      sessionId,
      seq,
      at,
    );
    const trace = traceOf({
      sessionId,
      seq,
      at,
      inbound: planned.inboundTrace,
      detection: planned.detection,
      event: planned.event,
      from,
      out,
      actions,
      extras,
    });
    const persisted = persistSnapshot(machine, next);
    const timers = deps.timerChanges?.({ trace, snapshot: next }) ?? [];
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
      timers,
      at,
    });
    clock?.lap('commit');
    if (result.outcome === 'duplicate') return { outcome: 'duplicate', response: result.response };
    if (result.outcome === 'conflict') return 'retry';
    logger.debug(
      { sessionId, seq, from, to: out.state, event: planned.event.type, layer: planned.detection?.layer },
      'turn committed',
    );
    await notifyCommitted(trace, next);
    clock?.lap('followups');
    await afterCommit(
      out.response,
      out.messages,
      out.effects,
      trace,
      next.context.assignedAgentId,
      startedAt,
      clock,
    );
    return { outcome: 'ok', response: out.response };
  }

  async function handle(
    sessionId: string,
    received: Inbound,
    options: HandleOptions = {},
  ): Promise<HandleResult> {
    // Before anything stores, traces, shows or classifies the text (transcripts, traces, LLM prompts).
    const inbound = withCardNumbersMasked(received);
    const startedAt = performance.now();
    const clock = deps.timeStages ? stageClock() : null;
    const clientKey = idempotencyKey(inbound);
    const reuse: { current: Reuse } = { current: null };
    for (let n = 1; n <= maxAttempts; n++) {
      const result = await attempt(sessionId, inbound, options, clientKey, reuse, startedAt, clock);
      if (result !== 'retry') return result;
      // Version conflict: another turn on this session committed first. Back off a little and redo.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** n)));
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
      buttons: localButtons(
        offeredButtons(state, snapshot.context).buttons,
        knowledge,
        snapshot.context.language,
      ),
      messages: await store.messages(sessionId),
    };
  }

  /** What the read policy needs (conversation.policy.ts `operatorMayRead`), without loading the transcript. */
  async function readFacts(sessionId: string): Promise<ReadFacts | null> {
    const session = await store.load(sessionId);
    if (!session) return null;
    const snapshot = rehydrateSnapshot(machine, session.schemaVersion, session.snapshot);
    return { state: statePath(snapshot), assignedAgentId: snapshot.context.assignedAgentId };
  }

  return { start, handle, view, readFacts };
}
