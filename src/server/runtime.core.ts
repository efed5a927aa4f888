// The conversation core: the engine wired to the runtime's stores, metrics, channels and operators; the
// customer memory it asks for facts; and the durable timers that feed it their events.
import { createContactsModule } from '../contacts/contacts.module.ts';
import { loadCustomerPriority } from '../detection/customer-priority.ts';
import type { Detector } from '../detection/detector.ts';
import { createCommitSignals } from '../engine/commit.signals.ts';
import { type CommittedTurn, createEngine } from '../engine/engine.ts';
import { createSessionCache, type SessionCache } from '../engine/session.cache.ts';
import { timerChanges } from '../engine/timer.policy.ts';
import { createTimerService } from '../engine/timer.service.ts';
import { createPgTimerStore } from '../storage/pg-timer.store.ts';
import type { Metrics } from './metrics.registry.ts';
import type { RuntimeContext, RuntimeParts } from './runtime.types.ts';

export interface CoreParts extends RuntimeParts {
  detector: Detector;
}

/** The metrics see every turn; a caller's own observer (bench, profiling) after them. */
function observeTurns(metrics: Metrics, extra: ((turn: CommittedTurn) => void) | undefined) {
  if (!extra) return metrics.observeTurn;
  return (turn: CommittedTurn) => {
    metrics.observeTurn(turn);
    extra(turn);
  };
}

/**
 * The session cache is safe where every other write of a session is version-checked (Redis: erasure does
 * not touch its sessions) or made in this process (the embedded database is one process by construction,
 * and erasure tells the cache). On a shared Postgres another process's erasure would go unseen: no cache.
 */
function sessionCacheFor(ctx: RuntimeContext): SessionCache | undefined {
  const size = ctx.config.storage.sessionCacheSize;
  if (size <= 0 || (ctx.store.kind !== 'redis' && ctx.database.kind !== 'pglite')) return undefined;
  return createSessionCache({ maxEntries: size });
}

export function buildConversationCore(ctx: RuntimeContext, parts: CoreParts) {
  const { config, overrides, store, logger, now } = ctx;
  const { metrics, people } = parts;
  const sessionCache = sessionCacheFor(ctx);
  const contacts = createContactsModule({
    db: ctx.database.db,
    trace: (sessionId) => store.trace(sessionId),
    recentDays: loadCustomerPriority(config.content.customerPriorityFile).recentDays,
    logger: logger.child({ component: 'contacts' }),
    now,
    onSessionsRewritten: (ids) => {
      for (const id of ids) sessionCache?.forget(id);
    },
  });
  const commitSignals = createCommitSignals();
  const engine = createEngine({
    machine: parts.machine,
    store,
    ...(sessionCache ? { sessionCache } : {}),
    detector: parts.detector,
    knowledge: ctx.knowledge,
    realtime: ctx.realtime,
    logger,
    now,
    newId: ctx.newId,
    // What a commit sets off (the effect worker, the trace sink) subscribes to these signals once built.
    onEffectsCommitted: commitSignals.effectsCommitted,
    onCommitted: commitSignals.committed,
    timerChanges: (turn) => timerChanges(turn, config.timers),
    classifierHistory: config.llm.historyMessages,
    onTurn: observeTurns(metrics, overrides.engine?.onTurn),
    timeStages: overrides.engine?.timeStages,
    allocateTicketNumber: parts.allocateTicketNumber,
    channels: parts.channels.registry,
    liveChatHolder: people.queue.externalLiveChat,
    operatorName: people.authors.name,
    customerFacts: contacts.customerFacts,
  });
  const timers = createTimerService({
    store: ctx.redis?.timerStore ?? createPgTimerStore(ctx.database.db),
    sessions: store,
    handle: engine.handle,
    logger: logger.child({ component: 'timers' }),
    now,
    settings: config.timers,
  });
  return { contacts, commitSignals, engine, timers };
}
