// The visitor channels of a runtime: the configured ones (WhatsApp, Evolution, the Zobot) plus a test's own
// adapters, which replace them by name; then, once the engine and handoff exist, their webhooks and ingest.
import { createChannelConversations } from '../channels/channel.conversations.ts';
import { createChannelIngest } from '../channels/channel.ingest.ts';
import { createChannelRegistry } from '../channels/channel.registry.ts';
import { createChannelsModule } from '../channels/channels.module.ts';
import type { Engine } from '../engine/engine.ts';
import type { HandoffModule } from '../handoff/handoff.module.ts';
import { createChannelInboxRepository } from '../storage/channel-inbox.repository.ts';
import { createChannelMessages } from '../storage/channel-messages.repository.ts';
import { createChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import type { RuntimeContext } from './runtime.types.ts';

export type RuntimeChannels = ReturnType<typeof createRuntimeChannels>;

export function createRuntimeChannels({ config, database, logger, now, overrides }: RuntimeContext) {
  const sessions = createChannelSessionsRepository(database.db, now);
  const messages = createChannelMessages(database.db, now);
  const module = createChannelsModule({
    config: config.channels,
    messages,
    inboxRecords: createChannelInboxRepository(database.db),
    logger: logger.child({ component: 'channels' }),
    now,
  });
  const registry = createChannelRegistry([...module.adapters, ...(overrides.channels ?? [])], sessions);
  /** Where a session's visitor writes from, for the handoff packet. */
  const sourceOf = async (sessionId: string) => {
    const row = await sessions.bySession(sessionId);
    return row
      ? { type: row.channel, externalId: row.externalId, ...(row.phone ? { phone: row.phone } : {}) }
      : { type: 'web' as const };
  };
  return { module, registry, sessions, messages, sourceOf };
}

/** Channel messages into the engine, and the channels' webhook routes (SalesIQ departments by category). */
export function attachChannelEdges(
  { logger, now, newId }: RuntimeContext,
  channels: RuntimeChannels,
  engine: Engine,
  handoff: HandoffModule,
) {
  const ingest = createChannelIngest({
    engine,
    sessions: channels.sessions,
    newId,
    now,
    logger: logger.child({ component: 'channels' }),
  });
  const webhooks = channels.module.attach({
    conversations: createChannelConversations({
      ingest: ingest.ingestChannelMessage,
      sessions: channels.sessions,
      engine,
      newId,
      now,
    }),
    departmentFor: async (sessionId) => {
      const view = await engine.view(sessionId, null);
      if (view.outcome !== 'ok') return null;
      return handoff.routing.department(view.snapshot.context.category ?? null).salesiq ?? null;
    },
    engine,
  });
  return { ingest, webhooks };
}
