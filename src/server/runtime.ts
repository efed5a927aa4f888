// The composition root: builds every port's adapter from the config (embedded defaults when no URL is
// set), the engine, the effect worker and the HTTP app. Tests build runtimes the same way.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { loadKnowledge } from '../content/knowledge.ts';
import type { Classifier } from '../detection/classifier.port.ts';
import { loadKeywordConfig } from '../detection/keyword.config.ts';
import { buildDetector, buildMachine } from '../engine/behaviour.build.ts';
import type { HandoffModule } from '../handoff/handoff.module.ts';
import { createTicketNumberAllocator } from '../handoff/ticket-number.ts';
import { createHandoffCountsRepository } from '../storage/handoff-counts.repository.ts';
import { createTicketCountersRepository } from '../storage/ticket-counters.repository.ts';
import { createMetrics } from './metrics.registry.ts';
import { createRuntimeChannels } from './runtime.channels.ts';
import { runtimeClassifier } from './runtime.classifier.ts';
import { buildConversationCore } from './runtime.core.ts';
import { buildEffects } from './runtime.effects.ts';
import { buildHttpModules } from './runtime.http.ts';
import { type Infrastructure, openInfrastructure } from './runtime.infrastructure.ts';
import { openOperatorDirectory } from './runtime.operators.ts';
import { createServing } from './runtime.serving.ts';
import type { Runtime, RuntimeContext, RuntimeOverrides, RuntimeParts } from './runtime.types.ts';

// Built in one light module so replay and coverage get the same behaviour without loading the server.
export { buildDetector, buildMachine } from '../engine/behaviour.build.ts';
export type { Runtime, RuntimeOverrides } from './runtime.types.ts';

/** Said only once the port is bound: a failed start never claims to be ready. */
function logReady(logger: Logger, infra: Infrastructure, classifier: Classifier, handoff: HandoffModule) {
  logger.info(
    {
      storage: infra.database.kind,
      sessions: infra.store.kind,
      effects: infra.effectLog.kind,
      classifier: classifier.enabled ? classifier.model : 'off',
      handoff: handoff.summary,
    },
    classifier.enabled
      ? 'runtime ready'
      : 'runtime ready (LLM classifier off: set GEMINI_API_KEY to turn it on)',
  );
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const now = overrides.now ?? (() => new Date());
  const knowledge =
    overrides.knowledge ?? loadKnowledge(config.content.knowledgeFile, config.operators.firstResponseSla);
  const keywordConfig = loadKeywordConfig(config.content.detectionFile);
  const infra = await openInfrastructure(config, logger, now);
  const { database, store, effectLog, realtime, redis, redisClient } = infra;
  const newId = overrides.newId ?? (() => randomUUID());
  const ctx: RuntimeContext = { ...infra, config, overrides, logger, now, newId, knowledge };

  const classifier = await runtimeClassifier(ctx);
  const machine = buildMachine(config, knowledge);
  const metrics = createMetrics({
    handoffCounts: createHandoffCountsRepository(database.db),
    effectLog,
    logger,
    defaultMetrics: overrides.defaultMetrics,
  });
  const detector = buildDetector(config, knowledge, metrics.instrumentClassifier(classifier), keywordConfig);
  const allocateTicketNumber = createTicketNumberAllocator(createTicketCountersRepository(database.db), now);
  const channels = createRuntimeChannels(ctx);
  const people = openOperatorDirectory(ctx);
  const parts: RuntimeParts = { machine, metrics, channels, people, allocateTicketNumber };
  const { contacts, engine, timers, commitSignals } = buildConversationCore(ctx, { ...parts, detector });
  const { handoff, tools, worker } = await buildEffects(ctx, { ...parts, engine, contacts });
  const serving = createServing(config, logger);
  const http = await buildHttpModules(ctx, { ...parts, engine, contacts, handoff, tools, serving });
  const { operators, work, app } = http;
  const traceSink = redis?.traceSink ?? null;
  // A commit wakes what consumes it, so its effects and trace entries do not wait for the next poll (the
  // poll stays the safety net for what another process committed).
  commitSignals.onEffectsCommitted(() => worker.kick());
  if (traceSink) commitSignals.onCommitted(() => traceSink.kick());

  if (overrides.runWorker !== false) {
    worker.start();
    handoff.start();
    timers.start();
    work.start();
    channels.module.start();
    traceSink?.start();
  }
  return {
    config,
    logger,
    database,
    store,
    effectLog,
    realtime,
    operators,
    handoff,
    work,
    contacts,
    channels: {
      registry: channels.registry,
      ingestChannelMessage: http.channelEdges.ingest.ingestChannelMessage,
      inbox: channels.module.inbox,
      messages: channels.module.messages,
    },
    engine,
    worker,
    timers,
    traceSink,
    app,
    metrics,
    listen: () => serving.listen(app, () => logReady(logger, infra, classifier, handoff)),
    async close() {
      // Stop taking work, let in-flight turns commit and answer, then stop the worker and close the stores.
      await serving.drain();
      await channels.module.stop();
      await worker.stop();
      await work.stop();
      await handoff.close();
      await timers.stop();
      await traceSink?.stop();
      await realtime.close();
      await operators.close();
      await tools.close();
      await store.close();
      await redis?.close();
      await redisClient?.close().catch(() => {});
      await database.close();
    },
  };
}
