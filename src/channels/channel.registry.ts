// The visitor channels this process serves, by name. The web widget is always there; the channel
// adapters (WhatsApp, Evolution, SalesIQ Zobot) register when configured. Also the rule for which
// messages need a `deliverToVisitor` effect, and the engine's view of which channel a session is on.
import type { ChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import type { ChannelName, VisitorChannel } from './channel.port.ts';
import { webChannel } from './web/web.channel.ts';

export interface ChannelRegistry {
  get(name: ChannelName): VisitorChannel | undefined;
  names(): ChannelName[];
  /**
   * Whether a turn's bot, operator and system messages must be delivered by effect: never on a channel
   * whose live stream carries them (web); outside the visitor's own turn on one that answers inline
   * (SalesIQ Zobot); always on one that cannot answer inline (WhatsApp, Evolution).
   */
  needsDelivery(channel: ChannelName, visitorTurn: boolean): boolean;
  /** The channel a session is on; web when it has no channel row. Cached: it never changes. */
  channelOf(sessionId: string): Promise<ChannelName>;
}

const CACHE_LIMIT = 10_000;

export function createChannelRegistry(
  adapters: VisitorChannel[],
  sessions: Pick<ChannelSessionsRepository, 'bySession'>,
): ChannelRegistry {
  const byName = new Map<ChannelName, VisitorChannel>([['web', webChannel]]);
  for (const adapter of adapters) byName.set(adapter.name, adapter);
  const cache = new Map<string, ChannelName>();
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    needsDelivery(channel, visitorTurn) {
      const adapter = byName.get(channel);
      if (!adapter || adapter.pushesLive) return false;
      return !adapter.answersInline || !visitorTurn;
    },
    async channelOf(sessionId) {
      // Only non-web sessions have rows, and a row is claimed before its session exists: a cached "web"
      // can never be wrong.
      if (byName.size === 1) return 'web';
      const cached = cache.get(sessionId);
      if (cached) return cached;
      const row = await sessions.bySession(sessionId);
      const channel = row?.channel ?? 'web';
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value ?? '');
      cache.set(sessionId, channel);
      return channel;
    },
  };
}
