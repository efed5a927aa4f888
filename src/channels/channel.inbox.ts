// The durable inbox of the channels that cannot answer in their webhook's HTTP response (WhatsApp,
// Evolution): the webhook stores each message and answers 200 at once, so a slow turn never makes the
// vendor retry; a processor then hands the messages to the engine. A person's messages are handled one at
// a time in arrival order (a row is claimable only when no earlier row of the same (channel, external id)
// is still pending), any number of processes may run processors, and a crashed one's claim runs out.
import type { Logger } from 'pino';
import { z } from 'zod';
import { createLeasedPoller, retryDelay } from '../engine/leased.poller.ts';
import type { ChannelInboxRepository } from '../storage/channel-inbox.repository.ts';
import { CHANNEL_NAMES, type ChannelInbound } from './channel.port.ts';

export const channelInboundSchema = z.object({
  channel: z.enum(CHANNEL_NAMES),
  externalId: z.string().min(1),
  clientMessageId: z.string().min(1),
  content: z.union([
    z.object({ text: z.string() }),
    z.object({ button: z.string() }),
    z.object({ unsupported: z.string() }),
  ]),
  profile: z
    .object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional() })
    .optional(),
});

export interface InboxItem {
  id: number;
  inbound: ChannelInbound;
  attempts: number;
}

/** What handling one inbox item came to. */
export type InboxOutcome =
  | { outcome: 'done'; sessionId?: string }
  /** A message type we cannot read: answered politely by the handler, recorded, no turn. */
  | { outcome: 'unsupported'; sessionId?: string }
  | { outcome: 'retry'; error: string; afterMs?: number }
  | { outcome: 'failed'; error: string };

export type InboxHandler = (item: InboxItem) => Promise<InboxOutcome>;

export function createChannelInbox(repository: ChannelInboxRepository, now: () => Date = () => new Date()) {
  return {
    /** Stores one message; `duplicate` when the vendor delivered this message id before. */
    async accept(inbound: ChannelInbound): Promise<'stored' | 'duplicate'> {
      const stored = await repository.insert(
        {
          channel: inbound.channel,
          externalId: inbound.externalId,
          messageId: inbound.clientMessageId,
          inbound,
        },
        now(),
      );
      return stored ? 'stored' : 'duplicate';
    },

    async claim(limit: number, leaseMs: number): Promise<InboxItem[]> {
      const at = now();
      const until = new Date(now().getTime() + leaseMs);
      const items: InboxItem[] = [];
      for (const r of await repository.claim(limit, at, until)) {
        items.push({ id: r.id, inbound: channelInboundSchema.parse(r.inbound), attempts: r.attempts });
      }
      return items.sort((a, b) => a.id - b.id);
    },

    async finish(
      item: InboxItem,
      status: 'done' | 'unsupported' | 'failed',
      detail: { sessionId?: string; error?: string },
    ) {
      await repository.finish(item.id, {
        status,
        processedAt: now(),
        ...(detail.sessionId ? { sessionId: detail.sessionId } : {}),
        ...(detail.error ? { lastError: detail.error.slice(0, 2000) } : {}),
      });
    },

    async retry(item: InboxItem, error: string, delayMs: number) {
      await repository.postpone(item.id, error.slice(0, 2000), new Date(now().getTime() + delayMs));
    },

    pendingCount: (): Promise<number> => repository.pendingCount(),
  };
}

export type ChannelInbox = ReturnType<typeof createChannelInbox>;

export interface InboxProcessorOptions {
  inbox: ChannelInbox;
  handle: InboxHandler;
  logger: Logger;
  leaseMs?: number;
  pollMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Runs claimed inbox items: different people at once, one person's messages one after another. */
export function createInboxProcessor(options: InboxProcessorOptions) {
  const { inbox, logger } = options;
  const retryPolicy = {
    maxAttempts: options.maxAttempts ?? 8,
    baseBackoffMs: options.baseBackoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 60_000,
  };

  async function runOne(item: InboxItem): Promise<void> {
    let outcome: InboxOutcome;
    try {
      outcome = await options.handle(item);
    } catch (error) {
      outcome = { outcome: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.outcome === 'done' || outcome.outcome === 'unsupported') {
      await inbox.finish(item, outcome.outcome, outcome.sessionId ? { sessionId: outcome.sessionId } : {});
      return;
    }
    const delay =
      outcome.outcome === 'retry' ? retryDelay(item.attempts, retryPolicy, outcome.afterMs) : null;
    if (outcome.outcome === 'retry' && delay !== null) {
      logger.warn(
        {
          inboxId: item.id,
          channel: item.inbound.channel,
          attempt: item.attempts,
          delay,
          error: outcome.error,
        },
        'channel message will be retried',
      );
      await inbox.retry(item, outcome.error, delay);
      return;
    }
    logger.error(
      { inboxId: item.id, channel: item.inbound.channel, error: outcome.error },
      'channel message failed for good',
    );
    await inbox.finish(item, 'failed', { error: outcome.error });
  }

  const { kick, start, stop } = createLeasedPoller({
    name: 'channel inbox',
    claim: (limit, leaseMs) => inbox.claim(limit, leaseMs),
    handle: async (batch) => {
      await Promise.all(batch.map(runOne));
    },
    logger,
    batchSize: options.batchSize ?? 20,
    leaseMs: options.leaseMs ?? 30_000,
    pollMs: options.pollMs ?? 250,
    // A person's next message is claimable only once the one before it is handled.
    claimHoldsBack: true,
  });
  return { kick, start, stop };
}

export type InboxProcessor = ReturnType<typeof createInboxProcessor>;
