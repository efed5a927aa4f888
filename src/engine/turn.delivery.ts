// Whether a turn's messages go out as a deliverToVisitor effect: never for the web widget, which shows
// them in its HTTP answer and live stream.
import type { ChannelName } from '../channels/channel.port.ts';
import type { EngineContext } from './engine.context.ts';
import type { Inbound } from './inbound.ts';

/** `inbound` null: the session's start. */
export async function deliversTo(
  ctx: EngineContext,
  sessionId: string,
  inbound: Inbound | null,
  channel?: ChannelName,
) {
  const channels = ctx.deps.channels;
  if (!channels) return false;
  const on = channel ?? (inbound?.kind === 'visitor' ? inbound.channel : await channels.channelOf(sessionId));
  // A start is asked for by the visitor's channel edge (a first message, the Zobot's trigger): a channel
  // that answers inline shows the greeting in that answer, as it does a visitor turn's replies.
  return channels.needsDelivery(on, inbound === null || inbound.kind === 'visitor');
}
