// The HTTP side of a runtime: the operator API (accounts, queue, streams), tickets and callbacks as work,
// the channels' webhooks, and the app that mounts every module's routes behind the shared guards.

import type { HandoffModule } from '../handoff/handoff.module.ts';
import { qaRoutes } from '../qa/qa.routes.ts';
import { ping } from '../storage/database.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { createApp } from './app.ts';
import { operatorGuards } from './auth.routes.ts';
import { createReadAccess } from './conversation.access.ts';
import { healthRoutes } from './health.routes.ts';
import { metricsRoutes } from './metrics.routes.ts';
import { createOperatorModule } from './operator.module.ts';
import { redisRateLimitStore } from './rate-limit.redis.ts';
import { attachChannelEdges } from './runtime.channels.ts';
import type { EffectParts, OperatorTools } from './runtime.effects.ts';
import type { Serving } from './runtime.serving.ts';
import type { RuntimeContext } from './runtime.types.ts';
import { createWorkModule } from './work.module.ts';

export interface HttpParts extends EffectParts {
  handoff: HandoffModule;
  tools: OperatorTools;
  serving: Serving;
}

export async function buildHttpModules(ctx: RuntimeContext, parts: HttpParts) {
  const { config, database, store, realtime, redis, logger, now } = ctx;
  const { engine, handoff, tools, people } = parts;
  const operators = await createOperatorModule({
    config,
    database,
    engine,
    store,
    realtime,
    redis: ctx.redisClient,
    queue: people.queue,
    directory: people.directory,
    authors: people.authors,
    channelMessages: parts.channels.messages,
    presence: tools.presence,
    logger,
    now,
  });
  const work = createWorkModule({
    config,
    db: database.db,
    directory: operators.directory,
    realtime,
    allocateTicketNumber: parts.allocateTicketNumber,
    logger,
    now,
    toConversation: handoff.ingestDeskEvent,
  });
  const channelEdges = attachChannelEdges(ctx, parts.channels, engine, handoff);
  const app = createApp({
    engine,
    logger,
    authors: operators.authors,
    maxMessageChars: config.server.maxMessageChars,
    trustProxy: config.server.trustProxy,
    routes: [
      ...healthRoutes({
        checks: { postgres: () => ping(database), ...(redis ? { redis: () => redis.ping() } : {}) },
        isDraining: parts.serving.isDraining,
      }),
      ...metricsRoutes(parts.metrics.registry, { token: config.ops.metricsToken }),
      ...operators.routes,
      ...tools.routes,
      ...qaRoutes({ store, machine: parts.machine, readAccess: createReadAccess(engine) }),
      ...analyticsRoutes({ db: database.db, now }),
      ...work.routes,
      ...channelEdges.webhooks.routes,
      ...handoff.routes,
      ...parts.contacts.routes,
    ],
    guards: { ...operatorGuards(operators.directory), ...work.guards },
    widgetAllowedOrigins: config.widget.allowedOrigins,
    sessionMessagesPerMinute: config.widget.messagesPerMinute,
    sessionsPerAddressPerHour: config.widget.sessionsPerAddressPerHour,
    rateLimitPerMinute: config.server.rateLimitPerMinute,
    ...(redis ? { rateLimitStore: redisRateLimitStore(redis.client, `${config.redis.keyPrefix}rl:`) } : {}),
  });
  return { operators, work, channelEdges, app };
}
