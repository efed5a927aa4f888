// What the channel webhooks need from the conversation side: hand a visitor message to the session of
// (channel, external id) — started when there is none — and, for the Zobot's "visitor opened the chat",
// open that session without a message. Expected outcomes are values, as everywhere at the edge.
import type { TurnResponse } from '../engine/turn.types.ts';
import type { ChannelInbound, ChannelName, ChannelProfile } from './channel.port.ts';

export type ChannelIngestResult =
  | { outcome: 'ok' | 'duplicate'; sessionId: string; response: TurnResponse }
  /** The engine would not take the message (a button not on offer, a session that is closed…). */
  | { outcome: 'refused'; sessionId: string | null; message: string }
  | { outcome: 'busy'; message: string };

export interface ChannelOpenResult {
  sessionId: string;
  created: boolean;
  response: TurnResponse;
}

export interface ChannelConversations {
  ingest(inbound: ChannelInbound): Promise<ChannelIngestResult>;
  /** The session (channel, external id) is on now; null when that person never wrote. */
  find(channel: ChannelName, externalId: string): Promise<string | null>;
  open(channel: ChannelName, externalId: string, profile?: ChannelProfile): Promise<ChannelOpenResult>;
}
