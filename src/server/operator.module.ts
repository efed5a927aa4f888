// Everything the operator side adds to a runtime, built in one place so the composition root stays short:
// accounts and tokens, login throttling (Redis when configured, so every process counts the same failures),
// the escalation queue, the operator API, the live streams and the console page's script.

import type { Logger } from 'pino';
import { createChannelReach } from '../channels/channel.reach.ts';
import type { Config } from '../config/env.ts';
import type { Engine } from '../engine/engine.ts';
import type { Realtime } from '../engine/realtime.port.ts';
import type { ChannelMessages } from '../storage/channel-messages.repository.ts';
import { createChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import type { Database } from '../storage/database.ts';
import type { RedisClient } from '../storage/redis-client.ts';
import { createSatisfactionRepository } from '../storage/satisfaction.repository.ts';
import type { SessionStore } from '../storage/session.store.ts';
import { bootstrapAdmin, type OperatorDirectory } from './auth.operators.ts';
import { authRoutes } from './auth.routes.ts';
import { createMemoryLoginThrottle, createRedisLoginThrottle, type LoginThrottle } from './auth.throttle.ts';
import { clientScriptRoute } from './client.bundle.ts';
import type { MessageAuthors } from './message.authors.ts';
import type { EscalationQueue } from './operator.queue.ts';
import { operatorRoutes } from './operator.routes.ts';
import type { Route } from './route.table.ts';
import { type SseRoutesOptions, sseRoutes, WIDGET_STREAM_LIMITS } from './sse.routes.ts';
import { createRedisStreamSlots } from './stream.slots.ts';

export interface OperatorModuleDeps {
  config: Config;
  database: Database;
  engine: Engine;
  store: SessionStore;
  realtime: Realtime;
  /** The process's shared Redis connection, when configured: login failures are then counted for all. */
  redis: RedisClient | null;
  /** Built by the composition root, which the engine also reads from (who holds a live chat, names). */
  queue: EscalationQueue;
  directory: OperatorDirectory;
  authors: MessageAuthors;
  /** What the messaging channels sent (the reply box says whether a WhatsApp visitor can still be reached). */
  channelMessages: ChannelMessages;
  /** Where the console stream reports an operator's open consoles (availability). */
  presence?: SseRoutesOptions['presence'];
  logger: Logger;
  now: () => Date;
}

export interface OperatorModule {
  directory: OperatorDirectory;
  authors: MessageAuthors;
  queue: EscalationQueue;
  throttle: LoginThrottle;
  /** Login, the operator API, the live streams and the console page's script. */
  routes: Route[];
  close(): Promise<void>;
}

export async function createOperatorModule(deps: OperatorModuleDeps): Promise<OperatorModule> {
  const { config, logger } = deps;
  const log = logger.child({ component: 'operators' });
  const { directory, authors } = deps;
  const throttle: LoginThrottle = deps.redis
    ? createRedisLoginThrottle(deps.redis, config.operators.login, config.redis.keyPrefix)
    : createMemoryLoginThrottle(config.operators.login);
  const queue = deps.queue;

  const bootstrap = await bootstrapAdmin(directory, config.operators.bootstrapAdmin);
  if (bootstrap === 'created')
    log.info(
      { email: config.operators.bootstrapAdmin?.email },
      'first admin created from ADMIN_BOOTSTRAP_EMAIL',
    );
  else if (!(await directory.hasAdmin()))
    log.warn(
      'no operator account yet: create the first admin with `switchboard create-admin --email … --password-stdin`',
    );

  const routes = [
    ...authRoutes({ directory, throttle, logger: log }),
    ...operatorRoutes({
      engine: deps.engine,
      store: deps.store,
      directory,
      queue,
      ratings: createSatisfactionRepository(deps.database.db),
      realtime: deps.realtime,
      logger: log,
      now: deps.now,
      maxMessageChars: config.server.maxMessageChars,
      reach: createChannelReach(
        createChannelSessionsRepository(deps.database.db, deps.now),
        deps.channelMessages,
      ),
    }),
    ...sseRoutes({
      engine: deps.engine,
      store: deps.store,
      realtime: deps.realtime,
      authors,
      queue,
      logger: log,
      ...(deps.presence ? { presence: deps.presence } : {}),
      ...(deps.redis
        ? {
            streamSlots: createRedisStreamSlots({
              client: deps.redis,
              prefix: config.redis.keyPrefix,
              limits: WIDGET_STREAM_LIMITS,
              onError: (error) => log.warn({ err: error }, 'event stream slot not renewed or released'),
            }),
          }
        : {}),
    }),
    clientScriptRoute('console', "The operator console's script (the page is /console)"),
  ];

  return {
    directory,
    authors,
    queue,
    throttle,
    routes,
    async close() {
      // Nothing of its own: the Redis connection belongs to the composition root.
    },
  };
}
