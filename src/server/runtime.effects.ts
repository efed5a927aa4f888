// What a committed turn sets off: the handoff targets and routing, the operator tools (auto-assign after
// notifying operators), every effect handler the machine's actions need, and the worker that runs them.
import { createDeliverToVisitorHandler } from '../channels/deliver-to-visitor.handler.ts';
import type { ContactsModule } from '../contacts/contacts.module.ts';
import { createIntentLogHandler } from '../detection/intent-log.handler.ts';
import { RECORD_DETECTION } from '../detection/intent-log.record.ts';
import { assertEffectCatalog, checkEffectParams } from '../engine/effect.catalog.ts';
import { createEffectWorker, type EffectHandler } from '../engine/effect.worker.ts';
import type { Engine } from '../engine/engine.ts';
import { createSatisfactionHandlers } from '../engine/satisfaction.handlers.ts';
import { DELIVER_TO_VISITOR } from '../engine/turn.output.ts';
import { createHandoffModule, type HandoffModule } from '../handoff/handoff.module.ts';
import { createTicketThreadHandlers } from '../handoff/ticket-thread.handler.ts';
import { createAutoAssignRepository } from '../storage/auto-assign.repository.ts';
import { createCallbacksRepository } from '../storage/callbacks.repository.ts';
import { createDeskInboxRepository } from '../storage/desk-inbox.repository.ts';
import { createHandoffRecordsRepository } from '../storage/handoff-records.repository.ts';
import { createOperatorPresenceRepository } from '../storage/operator-presence.repository.ts';
import { createOperatorToolsModule } from './operator-tools.module.ts';
import type { RuntimeContext, RuntimeParts } from './runtime.types.ts';

export interface EffectParts extends RuntimeParts {
  engine: Engine;
  contacts: ContactsModule;
}

export type OperatorTools = ReturnType<typeof createOperatorToolsModule>;

/** Every effect type the machine can emit, and the runtime's own; a caller's handlers win by name. */
function effectHandlers(
  ctx: RuntimeContext,
  parts: EffectParts,
  handoff: HandoffModule,
  tools: OperatorTools,
): Partial<Record<string, EffectHandler>> {
  const { database, realtime, logger, now } = ctx;
  return {
    [RECORD_DETECTION]: createIntentLogHandler(database.db),
    [DELIVER_TO_VISITOR]: createDeliverToVisitorHandler({
      channels: parts.channels.registry,
      sessions: parts.channels.sessions,
      realtime,
      authorName: parts.people.authors.name,
      logger: logger.child({ component: 'channels' }),
    }),
    ...handoff.handlers,
    notifyOperators: tools.assignAfter(handoff.handlers.notifyOperators),
    ...createSatisfactionHandlers(database.db),
    ...createTicketThreadHandlers({
      db: database.db,
      realtime,
      logger: logger.child({ component: 'work' }),
      now,
    }),
    ...parts.contacts.handlers,
    ...ctx.overrides.effectHandlers,
  };
}

export async function buildEffects(ctx: RuntimeContext, parts: EffectParts) {
  const { config, database, store, realtime, logger, now } = ctx;
  const { engine } = parts;
  const handoff = await createHandoffModule({
    config: config.handoff,
    db: database.db,
    handoffRecords: createHandoffRecordsRepository(database.db, now),
    deskInbox: createDeskInboxRepository(database.db),
    callbacks: createCallbacksRepository(database.db, now),
    engine,
    store,
    knowledge: ctx.knowledge,
    realtime,
    logger,
    now,
    allocateTicketNumber: parts.allocateTicketNumber,
    effectLeaseMs: config.effects.leaseMs,
    redis: ctx.redisClient,
    redisPrefix: config.redis.keyPrefix,
    overrides: ctx.overrides.handoff,
    sourceOf: parts.channels.sourceOf,
  });
  const tools = createOperatorToolsModule({
    config,
    db: database.db,
    escalations: parts.people.escalations,
    presence: createOperatorPresenceRepository(database.db),
    autoAssignPicks: createAutoAssignRepository(database.db),
    engine,
    directory: parts.people.directory,
    realtime,
    logger,
    now,
  });
  const handlers = effectHandlers(ctx, parts, handoff, tools);
  // Fails start-up, naming the effect, when the machine can emit something nobody runs.
  assertEffectCatalog(parts.machine, handlers);
  const worker = createEffectWorker({
    log: ctx.effectLog,
    handlers: parts.metrics.instrumentEffectHandlers(handlers),
    onGaveUp: handoff.onGaveUp,
    checkParams: checkEffectParams,
    ...ctx.overrides.effectWorker,
    logger: logger.child({ component: 'effects' }),
    consumer: ctx.consumer,
    leaseMs: config.effects.leaseMs,
  });
  return { handoff, tools, worker };
}
