// The visitor channel port: where a visitor writes from (web widget, WhatsApp Cloud API, Evolution API,
// SalesIQ Zobot). A channel maps its inbound payload to a ChannelInbound, and delivers what the
// conversation says back to the visitor. The engine never knows which channel it serves: a turn's output
// for a channel that cannot answer in its HTTP response becomes a `deliverToVisitor` effect.
import type { PublicButton } from '../engine/turn.types.ts';

export const CHANNEL_NAMES = ['web', 'whatsapp', 'evolution', 'salesiq'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** What the visitor told the channel about themselves (WhatsApp profile name and number, SalesIQ visitor). */
export interface ChannelProfile {
  name?: string;
  /** E.164 (`+447700900123`). */
  phone?: string;
  email?: string;
}

export type ChannelContent =
  | { text: string }
  | { button: string }
  /** A message we cannot read (image, audio, location…): recorded, answered politely, never a turn. */
  | { unsupported: string };

/** One visitor message as the channel's mapping produced it, before any session is known. */
export interface ChannelInbound {
  channel: ChannelName;
  /** The channel's id of the person or conversation: phone (WhatsApp), remoteJid (Evolution), SalesIQ conversation id. */
  externalId: string;
  /** The vendor's message id (`wamid…`, Evolution `key.id`, SalesIQ message id): a redelivery is one turn. */
  clientMessageId: string;
  content: ChannelContent;
  profile?: ChannelProfile;
}

/** One message to show the visitor, in transcript order. */
export interface OutboundMessage {
  /** Transcript seq of the message: with the session id, the idempotency key of its delivery. */
  seq: number;
  role: 'bot' | 'operator' | 'system';
  text: string;
  /** Quick replies offered with this message (the last bot message of a turn). */
  buttons?: PublicButton[];
  /** The operator's display name for operator messages. */
  author?: string;
}

/** Where a visitor is reached on a channel: the channel's external id plus what sending needs. */
export interface ChannelAddress {
  channel: ChannelName;
  externalId: string;
  sessionId: string;
}

export type ChannelDelivery =
  | { outcome: 'delivered'; externalMessageIds: string[] }
  /** Worth retrying from the outbox (429, 5xx, a timeout): `afterMs` when the vendor said how long. */
  | { outcome: 'retry'; reason: string; afterMs?: number }
  /** Will not work by retrying (bad number, WhatsApp's 24-hour window closed): shown to operators. */
  | { outcome: 'failed'; reason: string; code?: string };

export interface VisitorChannel {
  readonly name: ChannelName;
  /**
   * True when the visitor gets the turn's replies in the HTTP answer or over SSE (web widget, Zobot):
   * then only messages that arrive outside a visitor's own turn (an operator's reply, a notice) need a
   * delivery. False (WhatsApp, Evolution): every outbound message is a `deliverToVisitor` effect.
   */
  readonly answersInline: boolean;
  /**
   * True when the channel's own live stream already carries every message outside the visitor's turn
   * (the web widget's SSE): then nothing is ever delivered. Absent means false.
   */
  readonly pushesLive?: boolean;
  deliver(address: ChannelAddress, messages: OutboundMessage[]): Promise<ChannelDelivery>;
}
