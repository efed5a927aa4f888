// Builds the handoff side from the configuration: routing, the vendor targets that are switched on
// (handoff.vendors.ts), the desks' inbound side, the effect handlers and the routes. The runtime registers
// what this returns.
import type { Logger } from 'pino';
import type { Knowledge } from '../content/knowledge.ts';
import type { Engine } from '../engine/engine.ts';
import type { Realtime } from '../engine/realtime.port.ts';
import type { Route } from '../server/route.table.ts';
import type { CallbacksRepository } from '../storage/callbacks.repository.ts';
import type { Db } from '../storage/database.ts';
import type { DeskInboxRepository } from '../storage/desk-inbox.repository.ts';
import type { HandoffRecordsRepository } from '../storage/handoff-records.repository.ts';
import type { RedisClient } from '../storage/redis-client.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { createDeskModule, type DeskModuleOptions } from './desk/desk.module.ts';
import type { DeskApplyOutcome } from './desk/desk-inbox.worker.ts';
import { createDeskIngest, type DeskIngest, type DeskIngestResult } from './desk.ingest.ts';
import type { HandoffEnvConfig } from './handoff.env.ts';
import { createHandoffHandlers, type HandoffHandlerDeps } from './handoff.handlers.ts';
import { createHandoffRecords } from './handoff.records.ts';
import { createVendors } from './handoff.vendors.ts';
import { loadRouting, type Routing } from './routing.ts';
import type { Fetch } from './vendor.http.ts';
import type { TokenCache } from './zoho/token-cache.port.ts';
import type { ZohoTokenProviderOptions } from './zoho/zoho-token.provider.ts';

/** Knobs tests turn (short waits); production uses the defaults. */
export interface HandoffModuleOverrides {
  tokenCache?: TokenCache;
  token?: Partial<
    Pick<
      ZohoTokenProviderOptions,
      'refreshMarginMs' | 'lockTtlMs' | 'waitMs' | 'pollMs' | 'throttleCooldownMs'
    >
  >;
  notYetMs?: number;
  fetch?: Fetch;
  slackNowSeconds?: () => number;
  /** Desk inbox pacing (tests retry an unknown desk id after milliseconds, not seconds). */
  deskWorker?: DeskModuleOptions['worker'];
}

export interface HandoffModuleOptions {
  config: HandoffEnvConfig;
  db: Db;
  handoffRecords: HandoffRecordsRepository;
  deskInbox: DeskInboxRepository;
  callbacks: CallbacksRepository;
  /** The engine, built before this module: its commits reach the effect worker through commit signals. */
  engine: Pick<Engine, 'view' | 'handle'>;
  store: Pick<SessionStore, 'trace'>;
  knowledge: Knowledge;
  realtime: Realtime;
  logger: Logger;
  now: () => Date;
  allocateTicketNumber: () => Promise<string>;
  /** The effect worker's lease: one handoff attempt must finish inside it, or another worker may start it too. */
  effectLeaseMs?: number;
  /** The process's shared Redis connection when one is configured (the Zoho token is then shared too). */
  redis?: RedisClient | null;
  redisPrefix?: string;
  /** Applies a desk event to its conversation (the engine); see desk/desk-inbox.worker.ts. */
  applyDeskEvent?: DeskModuleOptions['apply'];
  overrides?: HandoffModuleOverrides;
  /** Where a session's visitor writes from (recorded on escalations and tickets; Zobot chats stay in SalesIQ). */
  sourceOf?: HandoffHandlerDeps['sourceOf'];
}

export interface HandoffModule {
  routing: Routing;
  handlers: ReturnType<typeof createHandoffHandlers>['handlers'];
  onGaveUp: ReturnType<typeof createHandoffHandlers>['onGaveUp'];
  /** What a desk's webhook calls with a mapped DeskEvent (src/handoff/desk-event.port.ts). */
  ingestDeskEvent: DeskIngest['ingestDeskEvent'];
  routes: Route[];
  /** Which targets are on, for the start-up log line. */
  summary: Record<string, string>;
  /** Starts applying desk events from the inbox (the runtime's background loops). */
  start(): void;
  close(): Promise<void>;
}

/** What the engine made of a desk event, as the inbox worker acts on it. */
function deskOutcome(result: DeskIngestResult): DeskApplyOutcome {
  switch (result.outcome) {
    case 'unknown_conversation':
      return { outcome: 'not_found' };
    case 'ok':
      return { outcome: 'applied' };
    case 'duplicate':
      return { outcome: 'duplicate' };
    case 'not_found':
      return { outcome: 'not_found' };
    case 'busy':
      return { outcome: 'busy' };
    case 'not_accepted':
    case 'forbidden':
      return { outcome: 'not_accepted', message: result.message };
    default:
      return { outcome: 'not_accepted', message: result.outcome };
  }
}

/** One SalesIQ attempt must fit in the effect lease, or another worker may start the same handoff too. */
function warnOnShortLease(config: HandoffEnvConfig, effectLeaseMs: number | undefined, log: Logger) {
  const timeoutMs = config.httpTimeoutMs;
  // Worst SalesIQ attempt: refresh + create, invalid token, refresh + create again.
  const worstAttemptMs = 2 * (Math.max(timeoutMs, 10_000) + timeoutMs);
  if (config.salesiq && effectLeaseMs !== undefined && effectLeaseMs < worstAttemptMs) {
    log.warn(
      { effectLeaseMs, worstAttemptMs },
      'EFFECT_LEASE_MS is shorter than the slowest SalesIQ handoff attempt: raise it or lower HANDOFF_HTTP_TIMEOUT_MS, or a slow attempt may be run twice',
    );
  }
}

/** Which targets are on, for the start-up log line. */
function summaryOf(routing: Routing, deskWebhooks: string): Record<string, string> {
  return {
    instantChat: routing.instantChat,
    tickets: routing.tickets === 'local' ? 'local' : `local+${routing.tickets}`,
    callbacks: routing.callbacks === 'local' ? 'console' : `console+${routing.callbacks}`,
    slack: routing.slack ? `on (${routing.slack.notify.join(', ')})` : 'off',
    crm: routing.crm ?? 'off',
    deskWebhooks,
  };
}

export async function createHandoffModule(options: HandoffModuleOptions): Promise<HandoffModule> {
  const { config, logger } = options;
  const log = logger.child({ component: 'handoff' });
  const routing = loadRouting(config);
  const o = options.overrides ?? {};
  warnOnShortLease(config, options.effectLeaseMs, log);
  const records = createHandoffRecords({
    repository: options.handoffRecords,
    callbacks: options.callbacks,
    now: options.now,
  });
  const vendors = createVendors({
    config,
    routing,
    overrides: o,
    log,
    redis: options.redis,
    redisPrefix: options.redisPrefix,
    records,
    engine: options.engine,
  });
  const { salesiq, zendesk, freshdesk, slack, crm } = vendors;

  // What desk webhooks (SalesIQ, Zendesk, Freshdesk, Slack) call with a mapped DeskEvent: the inbox worker.
  const { ingestDeskEvent } = createDeskIngest({ engine: options.engine, records, now: options.now });
  const desks = createDeskModule({
    db: options.db,
    inbox: options.deskInbox,
    webhooks: config.webhooks,
    ...(config.slack?.signingSecret ? { slackSigningSecret: config.slack.signingSecret } : {}),
    clients: {
      ...(zendesk ? { zendesk } : {}),
      ...(freshdesk ? { freshdesk } : {}),
      ...(slack ? { slack } : {}),
    },
    apply: options.applyDeskEvent ?? (async (event) => deskOutcome(await ingestDeskEvent(event))),
    logger: log,
    now: options.now,
    ...(o.slackNowSeconds ? { nowSeconds: o.slackNowSeconds } : {}),
    ...(o.deskWorker ? { worker: o.deskWorker } : {}),
  });

  const { handlers, onGaveUp } = createHandoffHandlers({
    desks: desks.forwarder,
    ...(crm ? { crm } : {}),
    engine: options.engine,
    store: options.store,
    records,
    routing,
    targets: vendors.targets,
    ...(salesiq ? { salesiq } : {}),
    knowledge: options.knowledge,
    realtime: options.realtime,
    logger: log,
    allocateTicketNumber: options.allocateTicketNumber,
    ...(options.sourceOf ? { sourceOf: options.sourceOf } : {}),
    inDoubtDelayMs: config.inDoubtDelayMs,
    ...(o.notYetMs !== undefined ? { notYetMs: o.notYetMs } : {}),
  });

  return {
    routing,
    handlers,
    onGaveUp,
    ingestDeskEvent,
    routes: [...vendors.routes, ...desks.routes],
    summary: summaryOf(routing, desks.summary),
    start() {
      desks.worker.start();
    },
    async close() {
      await desks.worker.stop();
      for (const close of vendors.closers) await close();
    },
  };
}
