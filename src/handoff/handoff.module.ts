// Builds the handoff side from the configuration: routing, the vendor targets that are switched on, the
// shared Zoho token (Redis when REDIS_URL is set, this process's memory otherwise), the effect handlers and
// the Slack interaction route. The runtime registers what this returns.
import { createHash } from 'node:crypto';
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
import type { CrmPort } from './crm.port.ts';
import { createCrmTarget } from './crm.target.ts';
import { createDeskModule, type DeskModuleOptions } from './desk/desk.module.ts';
import type { DeskApplyOutcome } from './desk/desk-inbox.worker.ts';
import { createDeskIngest, type DeskIngest, type DeskIngestResult } from './desk.ingest.ts';
import { createFreshdeskClient, type FreshdeskClient } from './freshdesk/freshdesk.client.ts';
import { createFreshdeskTarget } from './freshdesk/freshdesk.target.ts';
import type { HandoffEnvConfig } from './handoff.env.ts';
import { createHandoffHandlers, type HandoffHandlerDeps } from './handoff.handlers.ts';
import { createHandoffRecords } from './handoff.records.ts';
import type { HandoffTarget, TargetName } from './handoff.target.ts';
import { createHubSpotClient } from './hubspot/hubspot.client.ts';
import { createHubSpotCrm } from './hubspot/hubspot.crm.ts';
import { loadRouting, type Routing } from './routing.ts';
import { createSalesIqClient, type SalesIqClient } from './salesiq/salesiq.client.ts';
import { createSalesIqTarget } from './salesiq/salesiq.target.ts';
import { createSlackClient, type SlackClient } from './slack/slack.client.ts';
import { slackRoutes } from './slack/slack.routes.ts';
import { createSlackTarget } from './slack/slack.target.ts';
import type { Fetch } from './vendor.http.ts';
import { createZendeskClient, type ZendeskClient } from './zendesk/zendesk.client.ts';
import { createZendeskTarget } from './zendesk/zendesk.target.ts';
import { createMemoryTokenCache } from './zoho/memory-token.cache.ts';
import { createRedisTokenCache } from './zoho/redis-token.cache.ts';
import type { TokenCache } from './zoho/token-cache.port.ts';
import { createZohoOAuthClient } from './zoho/zoho-oauth.client.ts';
import { createZohoTokenProvider, type ZohoTokenProviderOptions } from './zoho/zoho-token.provider.ts';

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

/** A stable cache key per Zoho credential set, without putting a secret into Redis key names. */
function tokenKey(c: { accountsUrl: string; clientId: string; refreshToken: string }): string {
  return createHash('sha256')
    .update(`${c.accountsUrl}\n${c.clientId}\n${c.refreshToken}`)
    .digest('hex')
    .slice(0, 24);
}

export async function createHandoffModule(options: HandoffModuleOptions): Promise<HandoffModule> {
  const { config, logger } = options;
  const log = logger.child({ component: 'handoff' });
  const routing = loadRouting(config);
  const o = options.overrides ?? {};
  const timeoutMs = config.httpTimeoutMs;
  // Worst SalesIQ attempt: refresh + create, invalid token, refresh + create again.
  const worstAttemptMs = 2 * (Math.max(timeoutMs, 10_000) + timeoutMs);
  if (config.salesiq && options.effectLeaseMs !== undefined && options.effectLeaseMs < worstAttemptMs) {
    log.warn(
      { effectLeaseMs: options.effectLeaseMs, worstAttemptMs },
      'EFFECT_LEASE_MS is shorter than the slowest SalesIQ handoff attempt: raise it or lower HANDOFF_HTTP_TIMEOUT_MS, or a slow attempt may be run twice',
    );
  }
  const targets: Partial<Record<TargetName, HandoffTarget>> = {};
  const closers: Array<() => Promise<void>> = [];
  let salesiq: SalesIqClient | undefined;

  if (config.salesiq) {
    const s = config.salesiq;
    const cache =
      o.tokenCache ??
      (options.redis
        ? createRedisTokenCache({ client: options.redis, prefix: options.redisPrefix ?? 'switchboard:' })
        : createMemoryTokenCache());
    if (!o.tokenCache) closers.push(() => cache.close());
    const oauth = createZohoOAuthClient({
      accountsUrl: s.accountsUrl,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      refreshToken: s.refreshToken,
      // A refresh that times out after Zoho issued the token spends one of the ~10 tokens per 10 minutes
      // for nothing: give it more time than ordinary calls (still well inside the refresh lock's lifetime).
      timeoutMs: Math.max(timeoutMs, 10_000),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    const tokens = createZohoTokenProvider({
      cache,
      refresh: () => oauth.refresh(),
      key: tokenKey(s),
      logger: log.child({ target: 'zoho' }),
      ...o.token,
    });
    salesiq = createSalesIqClient({
      serverUrl: s.serverUrl,
      screenName: s.screenName,
      tokens,
      timeoutMs,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    targets.salesiq = createSalesIqTarget({
      client: salesiq,
      appId: s.appId,
      departmentFor: (packet) => routing.department(packet.category).salesiq ?? s.departmentId,
    });
  }
  let zendesk: ZendeskClient | undefined;
  let freshdesk: FreshdeskClient | undefined;
  let slack: SlackClient | undefined;
  if (config.zendesk) {
    zendesk = createZendeskClient({ ...config.zendesk, timeoutMs, ...(o.fetch ? { fetch: o.fetch } : {}) });
    targets.zendesk = createZendeskTarget({
      client: zendesk,
      groupFor: (packet) => routing.department(packet.category).zendeskGroup,
      fields: routing.zendeskFields,
    });
  }
  if (config.freshdesk) {
    freshdesk = createFreshdeskClient({
      ...config.freshdesk,
      timeoutMs,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    targets.freshdesk = createFreshdeskTarget({
      client: freshdesk,
      groupFor: (packet) => routing.department(packet.category).freshdeskGroup,
      fields: routing.freshdeskFields,
    });
  }
  let crm: CrmPort | undefined;
  if (config.hubspot) {
    crm = createHubSpotCrm(createHubSpotClient({ ...config.hubspot, timeoutMs }));
    targets.hubspot = createCrmTarget(crm);
  }
  const records = createHandoffRecords({
    repository: options.handoffRecords,
    callbacks: options.callbacks,
    now: options.now,
  });
  const routes: Route[] = [];
  if (config.slack && routing.slack) {
    const slackConfig = routing.slack;
    const client = createSlackClient({
      apiUrl: config.slack.apiUrl,
      botToken: config.slack.botToken,
      timeoutMs,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    slack = client;
    targets.slack = createSlackTarget({
      client,
      channelFor: () => slackConfig.channel,
      linksFor: async (packet) => {
        const links: Array<{ label: string; url: string }> = [];
        for (const name of ['zendesk', 'freshdesk'] as const) {
          const row = await records.integration(packet.handoffKey, name);
          if (row?.externalUrl)
            links.push({
              label: `${name === 'zendesk' ? 'Zendesk' : 'Freshdesk'} ticket`,
              url: row.externalUrl,
            });
        }
        return links;
      },
    });
    if (config.slack.signingSecret) {
      routes.push(
        ...slackRoutes({
          signingSecret: config.slack.signingSecret,
          engine: options.engine,
          client,
          logger: log.child({ target: 'slack' }),
          ...(o.slackNowSeconds ? { nowSeconds: o.slackNowSeconds } : {}),
        }),
      );
    } else {
      log.warn(
        'SLACK_SIGNING_SECRET is not set: the "Take case" button is shown but its clicks are not accepted',
      );
    }
  }

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
  routes.push(...desks.routes);

  const { handlers, onGaveUp } = createHandoffHandlers({
    desks: desks.forwarder,
    ...(crm ? { crm } : {}),
    engine: options.engine,
    store: options.store,
    records,
    routing,
    targets,
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
    routes,
    summary: {
      instantChat: routing.instantChat,
      tickets: routing.tickets === 'local' ? 'local' : `local+${routing.tickets}`,
      callbacks: routing.callbacks === 'local' ? 'console' : `console+${routing.callbacks}`,
      slack: routing.slack ? `on (${routing.slack.notify.join(', ')})` : 'off',
      crm: routing.crm ?? 'off',
      deskWebhooks: desks.summary,
    },
    start() {
      desks.worker.start();
    },
    async close() {
      await desks.worker.stop();
      for (const close of closers) await close();
    },
  };
}
