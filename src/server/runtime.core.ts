// The conversation core: the engine wired to the runtime's stores, metrics, channels and operators; the
// customer memory it asks for facts; and the durable timers that feed it their events.
import { createContactsModule } from '../contacts/contacts.module.ts';
import { loadCustomerPriority } from '../detection/customer-priority.ts';
import type { Detector } from '../detection/detector.ts';
import { createCommitSignals } from '../engine/commit.signals.ts';
import { type CommittedTurn, createEngine } from '../engine/engine.ts';
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

export function buildConversationCore(ctx: RuntimeContext, parts: CoreParts) {
  const { config, overrides, store, logger, now } = ctx;
  const { metrics, people } = parts;
  const contacts = createContactsModule({
    db: ctx.database.db,
    trace: (sessionId) => store.trace(sessionId),
    recentDays: loadCustomerPriority(config.content.customerPriorityFile).recentDays,
    logger: logger.child({ component: 'contacts' }),
    now,
  });
  const commitSignals = createCommitSignals();
  const engine = createEngine({
    machine: parts.machine,
    store,
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
