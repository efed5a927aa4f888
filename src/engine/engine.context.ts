// What every stage of a turn reads: the engine's dependencies, and what createEngine derives from them once
// (so a turn allocates nothing to find them).
import type { Logger } from 'pino';
import type { ChannelName } from '../channels/channel.port.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { Detector } from '../detection/detector.ts';
import type { ConversationMachine } from '../machines/conversation.machine.ts';
import type { EffectRecord, SessionStore } from '../storage/session.store.ts';
import type { TimerChange } from '../storage/timer.store.ts';
import type { Realtime } from './realtime.port.ts';
import type { SessionCache } from './session.cache.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';
import type { TurnStages } from './turn.stages.ts';
import type { TraceEntry, TurnResponse } from './turn.types.ts';
import type { VisitorPlanDeps } from './visitor.plan.ts';

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
  /**
   * The sessions this process committed last, so their next turn reads nothing before its commit
   * (session.cache.ts). Absent: every turn loads its session.
   */
  sessionCache?: SessionCache;
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

export interface EngineContext {
  /** Read at call time, as given: the optional hooks and lookups. */
  readonly deps: EngineDeps;
  readonly machine: ConversationMachine;
  readonly store: SessionStore;
  readonly sessionCache: SessionCache | undefined;
  readonly knowledge: Knowledge;
  readonly logger: Logger;
  readonly maxAttempts: number;
  readonly visitorPlanDeps: VisitorPlanDeps;
}

export function engineContext(deps: EngineDeps): EngineContext {
  const { machine, store, knowledge, logger } = deps;
  return {
    deps,
    machine,
    store,
    sessionCache: deps.sessionCache,
    knowledge,
    logger,
    maxAttempts: deps.maxCommitAttempts ?? 20,
    visitorPlanDeps: {
      detector: deps.detector,
      knowledge,
      store,
      classifierHistory: deps.classifierHistory ?? 10,
      ...(deps.customerFacts ? { customerFacts: deps.customerFacts } : {}),
    },
  };
}
