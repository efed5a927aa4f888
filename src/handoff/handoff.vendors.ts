// The vendor side of the handoff, built from the configuration: one builder per vendor that is switched on
// (SalesIQ with its shared Zoho token, Zendesk, Freshdesk, HubSpot as CRM, Slack with its interaction
// route), each giving its client and its handoff target.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.ts';
import type { Route } from '../server/route.table.ts';
import type { RedisClient } from '../storage/redis-client.ts';
import type { CrmPort } from './crm.port.ts';
import { createCrmTarget } from './crm.target.ts';
import { createFreshdeskClient, type FreshdeskClient } from './freshdesk/freshdesk.client.ts';
import { createFreshdeskTarget } from './freshdesk/freshdesk.target.ts';
import type { HandoffEnvConfig } from './handoff.env.ts';
import type { HandoffModuleOverrides } from './handoff.module.ts';
import type { HandoffRecords } from './handoff.records.ts';
import type { HandoffTarget, TargetName } from './handoff.target.ts';
import { createHubSpotClient } from './hubspot/hubspot.client.ts';
import { createHubSpotCrm } from './hubspot/hubspot.crm.ts';
import type { HandoffPacket } from './packet.ts';
import type { Routing } from './routing.ts';
import { createSalesIqClient, type SalesIqClient } from './salesiq/salesiq.client.ts';
import { createSalesIqTarget } from './salesiq/salesiq.target.ts';
import { createSlackClient, type SlackClient } from './slack/slack.client.ts';
import { slackRoutes } from './slack/slack.routes.ts';
import { createSlackTarget } from './slack/slack.target.ts';
import { createZendeskClient, type ZendeskClient } from './zendesk/zendesk.client.ts';
import { createZendeskTarget } from './zendesk/zendesk.target.ts';
import { createMemoryTokenCache } from './zoho/memory-token.cache.ts';
import { createRedisTokenCache } from './zoho/redis-token.cache.ts';
import { createZohoOAuthClient } from './zoho/zoho-oauth.client.ts';
import { createZohoTokenProvider } from './zoho/zoho-token.provider.ts';

export interface VendorOptions {
  config: HandoffEnvConfig;
  routing: Routing;
  overrides: HandoffModuleOverrides;
  log: Logger;
  /** The process's shared Redis connection when one is configured (the Zoho token is then shared too). */
  redis?: RedisClient | null;
  redisPrefix?: string;
  /** Slack's notice links to the tickets the same handoff opened. */
  records: Pick<HandoffRecords, 'integration'>;
  /** Slack's "Take case" button assigns through the engine. */
  engine: Pick<Engine, 'handle'>;
}

export interface Vendors {
  targets: Partial<Record<TargetName, HandoffTarget>>;
  salesiq?: SalesIqClient;
  zendesk?: ZendeskClient;
  freshdesk?: FreshdeskClient;
  slack?: SlackClient;
  crm?: CrmPort;
  routes: Route[];
  closers: Array<() => Promise<void>>;
}

/** Vendor HTTP knobs every client takes: the timeout, and the tests' fetch. */
function httpOf(options: VendorOptions) {
  const { fetch } = options.overrides;
  return { timeoutMs: options.config.httpTimeoutMs, ...(fetch ? { fetch } : {}) };
}

/** A stable cache key per Zoho credential set, without putting a secret into Redis key names. */
function tokenKey(c: { accountsUrl: string; clientId: string; refreshToken: string }): string {
  return createHash('sha256')
    .update(`${c.accountsUrl}\n${c.clientId}\n${c.refreshToken}`)
    .digest('hex')
    .slice(0, 24);
}

function salesIqVendor(
  options: VendorOptions,
  s: NonNullable<HandoffEnvConfig['salesiq']>,
  vendors: Vendors,
) {
  const o = options.overrides;
  const http = httpOf(options);
  const cache =
    o.tokenCache ??
    (options.redis
      ? createRedisTokenCache({ client: options.redis, prefix: options.redisPrefix ?? 'switchboard:' })
      : createMemoryTokenCache());
  if (!o.tokenCache) vendors.closers.push(() => cache.close());
  const oauth = createZohoOAuthClient({
    accountsUrl: s.accountsUrl,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    refreshToken: s.refreshToken,
    ...http,
    // A refresh that times out after Zoho issued the token spends one of the ~10 tokens per 10 minutes
    // for nothing: give it more time than ordinary calls (still well inside the refresh lock's lifetime).
    timeoutMs: Math.max(http.timeoutMs, 10_000),
  });
  const tokens = createZohoTokenProvider({
    cache,
    refresh: () => oauth.refresh(),
    key: tokenKey(s),
    logger: options.log.child({ target: 'zoho' }),
    ...o.token,
  });
  const client = createSalesIqClient({ serverUrl: s.serverUrl, screenName: s.screenName, tokens, ...http });
  vendors.salesiq = client;
  vendors.targets.salesiq = createSalesIqTarget({
    client,
    appId: s.appId,
    departmentFor: (packet) => options.routing.department(packet.category).salesiq ?? s.departmentId,
  });
}

function ticketDeskVendors(options: VendorOptions, vendors: Vendors) {
  const { config, routing } = options;
  if (config.zendesk) {
    const client = createZendeskClient({ ...config.zendesk, ...httpOf(options) });
    vendors.zendesk = client;
    vendors.targets.zendesk = createZendeskTarget({
      client,
      groupFor: (packet) => routing.department(packet.category).zendeskGroup,
      fields: routing.zendeskFields,
    });
  }
  if (config.freshdesk) {
    const client = createFreshdeskClient({ ...config.freshdesk, ...httpOf(options) });
    vendors.freshdesk = client;
    vendors.targets.freshdesk = createFreshdeskTarget({
      client,
      groupFor: (packet) => routing.department(packet.category).freshdeskGroup,
      fields: routing.freshdeskFields,
    });
  }
}

function hubSpotVendor(
  options: VendorOptions,
  hubspot: NonNullable<HandoffEnvConfig['hubspot']>,
  vendors: Vendors,
) {
  const crm = createHubSpotCrm(createHubSpotClient({ ...hubspot, timeoutMs: options.config.httpTimeoutMs }));
  vendors.crm = crm;
  vendors.targets.hubspot = createCrmTarget(crm);
}

/** The links a Slack notice carries: the Zendesk / Freshdesk tickets the same handoff opened. */
async function ticketLinks(records: VendorOptions['records'], packet: HandoffPacket) {
  const links: Array<{ label: string; url: string }> = [];
  for (const name of ['zendesk', 'freshdesk'] as const) {
    const row = await records.integration(packet.handoffKey, name);
    if (row?.externalUrl)
      links.push({ label: `${name === 'zendesk' ? 'Zendesk' : 'Freshdesk'} ticket`, url: row.externalUrl });
  }
  return links;
}

function slackVendor(
  options: VendorOptions,
  slack: NonNullable<HandoffEnvConfig['slack']>,
  slackConfig: NonNullable<Routing['slack']>,
  vendors: Vendors,
) {
  const { log, overrides: o } = options;
  const client = createSlackClient({ apiUrl: slack.apiUrl, botToken: slack.botToken, ...httpOf(options) });
  vendors.slack = client;
  vendors.targets.slack = createSlackTarget({
    client,
    channelFor: () => slackConfig.channel,
    linksFor: (packet) => ticketLinks(options.records, packet),
  });
  if (!slack.signingSecret) {
    log.warn(
      'SLACK_SIGNING_SECRET is not set: the "Take case" button is shown but its clicks are not accepted',
    );
    return;
  }
  vendors.routes.push(
    ...slackRoutes({
      signingSecret: slack.signingSecret,
      engine: options.engine,
      client,
      logger: log.child({ target: 'slack' }),
      ...(o.slackNowSeconds ? { nowSeconds: o.slackNowSeconds } : {}),
    }),
  );
}

export function createVendors(options: VendorOptions): Vendors {
  const { config, routing } = options;
  const vendors: Vendors = { targets: {}, routes: [], closers: [] };
  if (config.salesiq) salesIqVendor(options, config.salesiq, vendors);
  ticketDeskVendors(options, vendors);
  if (config.hubspot) hubSpotVendor(options, config.hubspot, vendors);
  if (config.slack && routing.slack) slackVendor(options, config.slack, routing.slack, vendors);
  return vendors;
}
