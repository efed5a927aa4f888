// The composition root: builds every port's adapter from the config (embedded defaults when no URL is
// set), the engine, the effect worker and the HTTP app. Tests build runtimes the same way.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createChannelConversations } from '../channels/channel.conversations.ts';
import { type ChannelIngest, createChannelIngest } from '../channels/channel.ingest.ts';
import type { VisitorChannel } from '../channels/channel.port.ts';
import { type ChannelRegistry, createChannelRegistry } from '../channels/channel.registry.ts';
import { type ChannelsModule, createChannelsModule } from '../channels/channels.module.ts';
import { createDeliverToVisitorHandler } from '../channels/deliver-to-visitor.handler.ts';
import type { Config } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { type ContactsModule, createContactsModule } from '../contacts/contacts.module.ts';
import { type Knowledge, loadKnowledge } from '../content/knowledge.ts';
import { createRedisCircuitBreaker } from '../detection/circuit-breaker.redis.ts';
import type { CircuitBreakerOptions } from '../detection/circuit-breaker.ts';
import { type Classifier, disabledClassifier } from '../detection/classifier.port.ts';
import { loadCustomerPriority } from '../detection/customer-priority.ts';
import { createIntentLogHandler } from '../detection/intent-log.handler.ts';
import { RECORD_DETECTION } from '../detection/intent-log.record.ts';
import { loadKeywordConfig } from '../detection/keyword.config.ts';
import { buildDetector, buildMachine } from '../engine/behaviour.build.ts';
import { createCommitSignals } from '../engine/commit.signals.ts';
import { assertEffectCatalog, checkEffectParams } from '../engine/effect.catalog.ts';
import { createEffectWorker, type EffectHandler, type EffectWorkerOptions } from '../engine/effect.worker.ts';
import { type CommittedTurn, createEngine, type Engine } from '../engine/engine.ts';
import { createInProcessRealtime, type Realtime } from '../engine/realtime.port.ts';
import { createSatisfactionHandlers } from '../engine/satisfaction.handlers.ts';
import { timerChanges } from '../engine/timer.policy.ts';
import { createTimerService, type TimerService } from '../engine/timer.service.ts';
import type { TraceSink } from '../engine/trace-sink.ts';
import { DELIVER_TO_VISITOR } from '../engine/turn.output.ts';
import {
  createHandoffModule,
  type HandoffModule,
  type HandoffModuleOverrides,
} from '../handoff/handoff.module.ts';
import { createTicketNumberAllocator } from '../handoff/ticket-number.ts';
import { createTicketThreadHandlers } from '../handoff/ticket-thread.handler.ts';
import { qaRoutes } from '../qa/qa.routes.ts';
import { createAutoAssignRepository } from '../storage/auto-assign.repository.ts';
import { createCallbacksRepository } from '../storage/callbacks.repository.ts';
import { createChannelInboxRepository } from '../storage/channel-inbox.repository.ts';
import { createChannelMessages } from '../storage/channel-messages.repository.ts';
import { createChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import { type Database, openDatabase, ping } from '../storage/database.ts';
import { createDeskInboxRepository } from '../storage/desk-inbox.repository.ts';
import type { EffectLog } from '../storage/effect.log.ts';
import { createEscalationsRepository } from '../storage/escalations.repository.ts';
import { createHandoffCountsRepository } from '../storage/handoff-counts.repository.ts';
import { createHandoffRecordsRepository } from '../storage/handoff-records.repository.ts';
import { createOperatorPresenceRepository } from '../storage/operator-presence.repository.ts';
import { createOperatorsRepository } from '../storage/operators.repository.ts';
import { createPgEffectLog } from '../storage/pg-effect.log.ts';
import { createPgSessionStore } from '../storage/pg-session.store.ts';
import { createPgTimerStore } from '../storage/pg-timer.store.ts';
import { openRedisBackend } from '../storage/redis-backend.ts';
import { createRedisConnection } from '../storage/redis-client.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { createTicketCountersRepository } from '../storage/ticket-counters.repository.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { createApp } from './app.ts';
import { createOperatorDirectory } from './auth.operators.ts';
import { operatorGuards } from './auth.routes.ts';
import { createReadAccess } from './conversation.access.ts';
import { healthRoutes } from './health.routes.ts';
import { trackInFlight } from './health.shutdown.ts';
import { createMessageAuthors } from './message.authors.ts';
import { createMetrics, type Metrics } from './metrics.registry.ts';
import { metricsRoutes } from './metrics.routes.ts';
import { createOperatorModule, type OperatorModule } from './operator.module.ts';
import { createEscalationQueue } from './operator.queue.ts';
import { createOperatorToolsModule } from './operator-tools.module.ts';
import { redisRateLimitStore } from './rate-limit.redis.ts';
import { createRedisRealtime } from './realtime.redis.ts';
import { createWorkModule, type WorkModule } from './work.module.ts';

export interface RuntimeOverrides {
  logger?: Logger;
  now?: () => Date;
  classifier?: Classifier;
  knowledge?: Knowledge;
  effectHandlers?: Partial<Record<string, EffectHandler>>;
  /** Visitor channel adapters besides the web widget (WhatsApp, Evolution, SalesIQ Zobot; fakes in tests). */
  channels?: VisitorChannel[];
  /** Start the background loops: effect worker, timer poller, trace sink (default true). */
  runWorker?: boolean;
  /** Session ids (specs and golden traces use stable ones). */
  newId?: () => string;
  /** Process-level Prometheus series (CPU, memory, event loop); default true, tests turn them off. */
  defaultMetrics?: boolean;
  /** Per-stage timing of every turn, and one more turn observer (bench, profiling). */
  engine?: { timeStages?: boolean; onTurn?: (turn: CommittedTurn) => void };
  /** Handoff knobs for tests (short token waits, a shared token cache). */
  handoff?: HandoffModuleOverrides;
  /** Effect worker retry pacing (tests use short backoffs instead of real minutes). */
  effectWorker?: Partial<
    Pick<EffectWorkerOptions, 'maxAttempts' | 'baseBackoffMs' | 'maxBackoffMs' | 'pollMs'>
  >;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  store: SessionStore;
  effectLog: EffectLog;
  realtime: Realtime;
  /** Operator accounts, the escalation queue and the operator API. */
  operators: OperatorModule;
  /** Handoff targets, routing and their effect handlers; `ingestDeskEvent` for desk webhooks. */
  handoff: HandoffModule;
  /** Visitor channels: the registry, and `ingestChannelMessage` for channel webhooks. */
  channels: {
    registry: ChannelRegistry;
    ingestChannelMessage: ChannelIngest['ingestChannelMessage'];
    /** WhatsApp / Evolution / Zobot: their durable inbox and the log of what they sent. */
    inbox: ChannelsModule['inbox'];
    messages: ChannelsModule['messages'];
  };
  /** Tickets and callbacks as work, and the service escalation API. */
  work: WorkModule;
  /** Customer memory: contacts, leads, activities, privacy. */
  contacts: ContactsModule;
  engine: Engine;
  worker: ReturnType<typeof createEffectWorker>;
  /** Durable timers (inactivity, SLA reminder); `tick()` fires what is due now. */
  timers: TimerService;
  /** Copies committed turns from Redis into Postgres; null on the embedded default (they are there already). */
  traceSink: TraceSink | null;
  app: ReturnType<typeof createApp>;
  metrics: Metrics;
  listen(): Promise<{ server: Server; url: string }>;
  close(): Promise<void>;
}

const REQUEST_RECEIVE_TIMEOUT_MS = 10_000;

// Built in one light module so replay and coverage get the same behaviour without loading the server.
export { buildDetector, buildMachine } from '../engine/behaviour.build.ts';

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const now = overrides.now ?? (() => new Date());
  const knowledge =
    overrides.knowledge ?? loadKnowledge(config.content.knowledgeFile, config.operators.firstResponseSla);
  const keywordConfig = loadKeywordConfig(config.content.detectionFile);
  const database = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    timeoutMs: config.storage.databaseTimeoutMs,
    owner: 'serve',
    onPoolError: (error) => logger.warn({ err: error }, 'a Postgres connection broke; the pool reconnects'),
  });
  const consumer = `${process.pid}-${randomUUID().slice(0, 8)}`;
  // With REDIS_URL sessions, effects and timers live in Redis (shared by every process); Postgres keeps
  // the records. Without it all of them are tables of the embedded (or configured) Postgres.
  // One Redis connection (a node or a cluster) for the whole process, injected into every Redis user and
  // closed last.
  const redisClient = config.redis.endpoint
    ? await createRedisConnection(config.redis.endpoint, {
        onError: (error) => logger.warn({ err: error }, 'redis connection error (reconnecting)'),
      }).catch(async (error: unknown) => {
        await database.close();
        throw error;
      })
    : null;
  const redis = redisClient
    ? openRedisBackend({
        client: redisClient,
        prefix: config.redis.keyPrefix,
        shards: config.redis.shards,
        sessionTtlSeconds: config.storage.sessionTtlSeconds,
        greetingTtlSeconds: config.storage.greetingTtlSeconds,
        db: database.db,
        now,
        logger,
        consumer,
        leaseMs: config.effects.leaseMs,
        waitReplicas: config.redis.waitReplicas,
      })
    : null;
  const store =
    redis?.store ??
    createPgSessionStore(database.db, {
      sessionTtlSeconds: config.storage.sessionTtlSeconds,
      greetingTtlSeconds: config.storage.greetingTtlSeconds,
      now,
    });
  const effectLog = redis?.effectLog ?? createPgEffectLog(database.db, now);

  // Several processes share live updates through Redis pub/sub; one process needs nothing but memory.
  const realtime = redisClient
    ? await createRedisRealtime({ client: redisClient, prefix: config.redis.keyPrefix, logger })
    : createInProcessRealtime();
  // The LLM layer is on only with an API key; start-up says so once either way (the log line below).
  const classifier =
    overrides.classifier ??
    (config.llm.apiKey
      ? // Loaded only when on: the Gemini SDK is a large share of start-up time.
        (await import('../detection/gemini.classifier.ts')).createGeminiClassifier({
          apiKey: config.llm.apiKey,
          model: config.llm.model,
          baseUrl: config.llm.baseUrl,
          timeoutMs: config.llm.timeoutMs,
          thinkingBudget: config.llm.thinkingBudget,
          historyMessages: config.llm.historyMessages,
          maxMessageChars: config.server.maxMessageChars,
          breaker: { failureThreshold: config.llm.breakerFailures, cooldownMs: config.llm.breakerCooldownMs },
          // With Redis every process shares one breaker: one process's view of a Gemini outage is everyone's.
          ...(redisClient
            ? {
                createBreaker: (o: CircuitBreakerOptions) =>
                  createRedisCircuitBreaker({
                    ...o,
                    client: redisClient,
                    key: `${config.redis.keyPrefix}llm:${config.llm.model}:`,
                    onRedisError: (error) =>
                      logger.warn(
                        { err: error },
                        'shared LLM breaker unreachable: this process decides alone',
                      ),
                  }),
              }
            : {}),
          logger: logger.child({ component: 'llm' }),
        })
      : disabledClassifier);
  const machine = buildMachine(config, knowledge);
  const metrics = createMetrics({
    handoffCounts: createHandoffCountsRepository(database.db),
    effectLog,
    logger,
    defaultMetrics: overrides.defaultMetrics,
  });
  const detector = buildDetector(config, knowledge, metrics.instrumentClassifier(classifier), keywordConfig);

  const allocateTicketNumber = createTicketNumberAllocator(createTicketCountersRepository(database.db), now);
  const channelSessions = createChannelSessionsRepository(database.db, now);
  // The configured channels (WhatsApp, Evolution, the Zobot); a test's own adapters replace them by name.
  const channelMessages = createChannelMessages(database.db, now);
  const channelsModule = createChannelsModule({
    config: config.channels,
    messages: channelMessages,
    inboxRecords: createChannelInboxRepository(database.db),
    logger: logger.child({ component: 'channels' }),
    now,
  });
  const channelRegistry = createChannelRegistry(
    [...channelsModule.adapters, ...(overrides.channels ?? [])],
    channelSessions,
  );
  const sourceOf = async (sessionId: string) => {
    const row = await channelSessions.bySession(sessionId);
    return row
      ? { type: row.channel, externalId: row.externalId, ...(row.phone ? { phone: row.phone } : {}) }
      : { type: 'web' as const };
  };
  const escalationsRepository = createEscalationsRepository(database.db);
  const operatorsRepository = createOperatorsRepository(database.db);
  const queue = createEscalationQueue(escalationsRepository, {
    sla: config.operators.firstResponseSla,
    now,
  });
  const directory = createOperatorDirectory(operatorsRepository, {
    tokenTtlSeconds: config.operators.tokenTtlSeconds,
    now,
  });
  const authors = createMessageAuthors(directory);
  const contacts = createContactsModule({
    db: database.db,
    trace: (sessionId) => store.trace(sessionId),
    recentDays: loadCustomerPriority(config.content.customerPriorityFile).recentDays,
    logger: logger.child({ component: 'contacts' }),
    now,
  });
  const commitSignals = createCommitSignals();
  const engine = createEngine({
    machine,
    store,
    detector,
    knowledge,
    realtime,
    logger,
    now,
    newId: overrides.newId ?? (() => randomUUID()),
    // What a commit sets off (the effect worker, the trace sink) subscribes below, once built.
    onEffectsCommitted: commitSignals.effectsCommitted,
    onCommitted: commitSignals.committed,
    timerChanges: (turn) => timerChanges(turn, config.timers),
    classifierHistory: config.llm.historyMessages,
    onTurn: overrides.engine?.onTurn
      ? (turn) => {
          metrics.observeTurn(turn);
          overrides.engine?.onTurn?.(turn);
        }
      : metrics.observeTurn,
    timeStages: overrides.engine?.timeStages,
    allocateTicketNumber,
    channels: channelRegistry,
    liveChatHolder: queue.externalLiveChat,
    operatorName: authors.name,
    customerFacts: contacts.customerFacts,
  });
  const timers = createTimerService({
    store: redis?.timerStore ?? createPgTimerStore(database.db),
    sessions: store,
    handle: engine.handle,
    logger: logger.child({ component: 'timers' }),
    now,
    settings: config.timers,
  });
  const handoff = await createHandoffModule({
    config: config.handoff,
    db: database.db,
    handoffRecords: createHandoffRecordsRepository(database.db, now),
    deskInbox: createDeskInboxRepository(database.db),
    callbacks: createCallbacksRepository(database.db, now),
    engine,
    store,
    knowledge,
    realtime,
    logger,
    now,
    allocateTicketNumber,
    effectLeaseMs: config.effects.leaseMs,
    redis: redisClient,
    redisPrefix: config.redis.keyPrefix,
    overrides: overrides.handoff,
    sourceOf,
  });
  const tools = createOperatorToolsModule({
    config,
    db: database.db,
    escalations: escalationsRepository,
    presence: createOperatorPresenceRepository(database.db),
    autoAssignPicks: createAutoAssignRepository(database.db),
    engine,
    directory,
    realtime,
    logger,
    now,
  });
  const effectHandlers: Partial<Record<string, EffectHandler>> = {
    [RECORD_DETECTION]: createIntentLogHandler(database.db),
    [DELIVER_TO_VISITOR]: createDeliverToVisitorHandler({
      channels: channelRegistry,
      sessions: channelSessions,
      realtime,
      authorName: authors.name,
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
    ...contacts.handlers,
    ...overrides.effectHandlers,
  };
  // Fails start-up, naming the effect, when the machine can emit something nobody runs.
  assertEffectCatalog(machine, effectHandlers);
  const worker = createEffectWorker({
    log: effectLog,
    handlers: metrics.instrumentEffectHandlers(effectHandlers),
    onGaveUp: handoff.onGaveUp,
    checkParams: checkEffectParams,
    ...overrides.effectWorker,
    logger: logger.child({ component: 'effects' }),
    consumer,
    leaseMs: config.effects.leaseMs,
  });

  const channelIngest = createChannelIngest({
    engine,
    sessions: channelSessions,
    newId: overrides.newId ?? (() => randomUUID()),
    now,
    logger: logger.child({ component: 'channels' }),
  });
  const operators = await createOperatorModule({
    config,
    database,
    engine,
    store,
    realtime,
    redis: redisClient,
    queue,
    directory,
    authors,
    channelMessages,
    presence: tools.presence,
    logger,
    now,
  });
  const work = createWorkModule({
    config,
    db: database.db,
    directory: operators.directory,
    realtime,
    allocateTicketNumber,
    logger,
    now,
    toConversation: handoff.ingestDeskEvent,
  });
  const channelWebhooks = channelsModule.attach({
    conversations: createChannelConversations({
      ingest: channelIngest.ingestChannelMessage,
      sessions: channelSessions,
      engine,
      newId: overrides.newId ?? (() => randomUUID()),
      now,
    }),
    departmentFor: async (sessionId) => {
      const view = await engine.view(sessionId, null);
      if (view.outcome !== 'ok') return null;
      return handoff.routing.department(view.snapshot.context.category ?? null).salesiq ?? null;
    },
    engine,
  });
  let draining = false;

  const app = createApp({
    engine,
    logger,
    authors: operators.authors,
    maxMessageChars: config.server.maxMessageChars,
    trustProxy: config.server.trustProxy,
    routes: [
      ...healthRoutes({
        checks: { postgres: () => ping(database), ...(redis ? { redis: () => redis.ping() } : {}) },
        isDraining: () => draining,
      }),
      ...metricsRoutes(metrics.registry, { token: config.ops.metricsToken }),
      ...operators.routes,
      ...tools.routes,
      ...qaRoutes({ store, machine, readAccess: createReadAccess(engine) }),
      ...analyticsRoutes({ db: database.db, now }),
      ...work.routes,
      ...channelWebhooks.routes,
      ...handoff.routes,
      ...contacts.routes,
    ],
    guards: { ...operatorGuards(operators.directory), ...work.guards },
    widgetAllowedOrigins: config.widget.allowedOrigins,
    sessionMessagesPerMinute: config.widget.messagesPerMinute,
    sessionsPerAddressPerHour: config.widget.sessionsPerAddressPerHour,
    rateLimitPerMinute: config.server.rateLimitPerMinute,
    ...(redis ? { rateLimitStore: redisRateLimitStore(redis.client, `${config.redis.keyPrefix}rl:`) } : {}),
  });
  if (overrides.runWorker !== false) {
    worker.start();
    handoff.start();
    timers.start();
    work.start();
    channelsModule.start();
    redis?.traceSink.start();
  }
  let server: { server: Server; inFlight: ReturnType<typeof trackInFlight> } | null = null;
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
      registry: channelRegistry,
      ingestChannelMessage: channelIngest.ingestChannelMessage,
      inbox: channelsModule.inbox,
      messages: channelsModule.messages,
    },
    engine,
    worker,
    timers,
    traceSink: redis?.traceSink ?? null,
    app,
    metrics,
    listen() {
      return new Promise((resolve, reject) => {
        // A client has 10 s to send its whole request (headers and body): a slow-body client held a
        // connection for Node's default five minutes. Checked every second (Node's default: 30 s).
        const s = createServer(
          {
            requestTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
            headersTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
            connectionsCheckingInterval: 1000,
          },
          app,
        );
        s.once('error', reject);
        s.listen(config.server.port, config.server.host, () => {
          server = { server: s, inFlight: trackInFlight(s) };
          // Said only once the port is bound: a failed start never claims to be ready.
          logger.info(
            {
              storage: database.kind,
              sessions: store.kind,
              effects: effectLog.kind,
              classifier: classifier.enabled ? classifier.model : 'off',
              handoff: handoff.summary,
            },
            classifier.enabled
              ? 'runtime ready'
              : 'runtime ready (LLM classifier off: set GEMINI_API_KEY to turn it on)',
          );
          const address = s.address();
          const port = typeof address === 'object' && address ? address.port : config.server.port;
          resolve({ server: s, url: `http://${config.server.host}:${port}` });
        });
      });
    },
    async close() {
      // Stop taking work, let in-flight turns commit and answer, then stop the worker and close the stores.
      draining = true;
      if (server) {
        const drained = await server.inFlight.drain(config.ops.shutdownGraceMs);
        if (drained.abandoned > 0)
          logger.warn({ ...drained }, 'shutdown grace period over: requests still running were cut');
        else logger.info({ ...drained }, 'HTTP server drained');
      }
      await channelsModule.stop();
      await worker.stop();
      await work.stop();
      await handoff.close();
      await timers.stop();
      await redis?.traceSink.stop();
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
