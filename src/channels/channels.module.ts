// Builds the visitor channels the configuration turns on: their adapters (for the delivery effect), their
// webhook routers, and the inbox processor that hands stored WhatsApp/Evolution messages to the engine.
import type { Logger } from 'pino';
import { ConfigError } from '../config/env.ts';
import type { Engine } from '../engine/engine.ts';
import type { Route } from '../server/route.table.ts';
import type { ChannelInboxRepository } from '../storage/channel-inbox.repository.ts';
import type { ChannelMessages } from '../storage/channel-messages.repository.ts';
import type { ChannelConversations } from './channel.conversations.ts';
import {
  createChannelInbox,
  createInboxProcessor,
  type InboxItem,
  type InboxOutcome,
  type InboxProcessor,
} from './channel.inbox.ts';
import { UNSUPPORTED_REPLY } from './channel.ingest.ts';
import type { ChannelName, VisitorChannel } from './channel.port.ts';
import type { ChannelsEnvConfig } from './channels.env.ts';
import { createEvolutionChannel } from './evolution/evolution.channel.ts';
import { createEvolutionClient } from './evolution/evolution.client.ts';
import { evolutionRoutes } from './evolution/evolution.routes.ts';
import { createZobotChannel } from './salesiq/zobot.channel.ts';
import { zobotRoutes } from './salesiq/zobot.routes.ts';
import { salesIqPublicKey } from './webhook.verify.ts';
import { createWhatsAppChannel } from './whatsapp/whatsapp.channel.ts';
import { createWhatsAppClient } from './whatsapp/whatsapp.client.ts';
import { whatsAppRoutes } from './whatsapp/whatsapp.routes.ts';
import { whatsAppContactRoutes } from './whatsapp/whatsapp-contacts.routes.ts';

export interface ChannelsModuleOptions {
  config: ChannelsEnvConfig;
  messages: ChannelMessages;
  inboxRecords: ChannelInboxRepository;
  logger: Logger;
  now?: () => Date;
  inbox?: { pollMs?: number; baseBackoffMs?: number; maxBackoffMs?: number; leaseMs?: number };
}

export interface ChannelWebhookDeps {
  conversations: ChannelConversations;
  /** The SalesIQ department a Zobot chat is forwarded to, by the session's routing. */
  departmentFor: (sessionId: string) => Promise<string | null>;
  /** The bot switch by phone goes through the engine like the console's. */
  engine: Pick<Engine, 'handle' | 'view'>;
}

/**
 * The adapters are built first (the channel registry and the delivery effect need them); the webhooks,
 * which hand messages to the engine, are attached once the engine exists.
 */
export function createChannelsModule(options: ChannelsModuleOptions) {
  const { config, logger, messages } = options;
  const now = options.now ?? (() => new Date());
  const inbox = createChannelInbox(options.inboxRecords, now);
  const adapters = new Map<ChannelName, VisitorChannel>();

  if (config.whatsapp) {
    const client = createWhatsAppClient({ ...config.whatsapp, timeoutMs: config.httpTimeoutMs });
    adapters.set('whatsapp', createWhatsAppChannel({ client, messages }));
  }
  if (config.evolution) {
    const client = createEvolutionClient({ ...config.evolution, timeoutMs: config.httpTimeoutMs });
    adapters.set('evolution', createEvolutionChannel({ client, messages }));
  }
  adapters.set('salesiq', createZobotChannel());

  let publicKey: ReturnType<typeof salesIqPublicKey> | null = null;
  try {
    publicKey = config.zobot.publicKey ? salesIqPublicKey(config.zobot.publicKey) : null;
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  SALESIQ_ZOBOT_PUBLIC_KEY: not a readable public key (${error instanceof Error ? error.message : String(error)}); paste the key from SalesIQ's webhook settings`,
    );
  }

  let processor: InboxProcessor | null = null;

  function attach(deps: ChannelWebhookDeps): { routes: Route[] } {
    async function handle(item: InboxItem): Promise<InboxOutcome> {
      const { inbound } = item;
      if ('unsupported' in inbound.content) {
        const channel = adapters.get(inbound.channel);
        if (!channel) return { outcome: 'failed', error: `channel ${inbound.channel} is not configured` };
        // Not a turn: the inbox row is the record. The delivery is keyed by the row, so a retry sends it once.
        const delivery = await channel.deliver(
          { channel: inbound.channel, externalId: inbound.externalId, sessionId: `inbox:${item.id}` },
          [{ seq: 0, role: 'system', text: UNSUPPORTED_REPLY }],
        );
        if (delivery.outcome === 'retry')
          return {
            outcome: 'retry',
            error: delivery.reason,
            ...(delivery.afterMs !== undefined ? { afterMs: delivery.afterMs } : {}),
          };
        if (delivery.outcome === 'failed') return { outcome: 'failed', error: delivery.reason };
        return { outcome: 'unsupported' };
      }
      const result = await deps.conversations.ingest(inbound);
      switch (result.outcome) {
        case 'ok':
        case 'duplicate':
          return { outcome: 'done', sessionId: result.sessionId };
        case 'refused':
          // A press of a button that is no longer on offer, a message to a closed session: nothing to retry.
          logger.info({ channel: inbound.channel, message: result.message }, 'channel message not taken');
          return { outcome: 'done', ...(result.sessionId ? { sessionId: result.sessionId } : {}) };
        case 'busy':
          return { outcome: 'retry', error: result.message };
      }
    }

    const inboxProcessor = createInboxProcessor({
      inbox,
      handle,
      logger: logger.child({ component: 'channel-inbox' }),
      ...options.inbox,
    });
    processor = inboxProcessor;
    const routes: Route[] = [];
    if (config.whatsapp) {
      routes.push(
        ...whatsAppRoutes({
          appSecret: config.whatsapp.appSecret,
          verifyToken: config.whatsapp.verifyToken,
          inbox,
          messages,
          onAccepted: () => inboxProcessor.kick(),
          logger,
        }),
      );
    }
    if (config.evolution) {
      routes.push(
        ...evolutionRoutes({
          webhookToken: config.evolution.webhookToken,
          inbox,
          onAccepted: () => inboxProcessor.kick(),
        }),
      );
    }
    routes.push(
      ...zobotRoutes({
        publicKey,
        conversations: deps.conversations,
        departmentFor: deps.departmentFor,
        logger,
      }),
    );
    routes.push(...whatsAppContactRoutes({ engine: deps.engine, conversations: deps.conversations }));
    return { routes };
  }

  return {
    adapters: [...adapters.values()],
    messages,
    inbox,
    attach,
    summary: [...adapters.keys()],
    start: () => processor?.start(),
    stop: async () => {
      await processor?.stop();
    },
  };
}

export type ChannelsModule = ReturnType<typeof createChannelsModule>;
