// A visitor channel whose every outbound message goes out from the outbox through a vendor's send API
// (WhatsApp Cloud, Evolution): each transcript message becomes one or more vendor messages ("parts"), and
// each part is recorded when sent, so a redelivered effect sends only the parts that did not go out.

import type { ChannelMessages } from '../storage/channel-messages.repository.ts';
import type {
  ChannelAddress,
  ChannelDelivery,
  ChannelName,
  OutboundMessage,
  VisitorChannel,
} from './channel.port.ts';

/** What a vendor's send API answers for one part. */
export type VendorSend =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'retry'; reason: string; afterMs?: number }
  | { outcome: 'failed'; reason: string; code: string };

export function createOutboxChannel<Body>(deps: {
  name: ChannelName;
  send: (body: Body) => Promise<VendorSend>;
  /** The vendor messages one transcript message becomes, in order. */
  parts: (externalId: string, message: OutboundMessage) => Body[];
  messages: ChannelMessages;
}): VisitorChannel {
  return {
    name: deps.name,
    answersInline: false,
    async deliver(address: ChannelAddress, messages: OutboundMessage[]): Promise<ChannelDelivery> {
      const ids: string[] = [];
      for (const message of messages) {
        const already = await deps.messages.sentParts(address.sessionId, message.seq);
        for (const [part, body] of deps.parts(address.externalId, message).entries()) {
          const sent = already.get(part);
          if (sent) {
            ids.push(sent);
            continue;
          }
          const result = await deps.send(body);
          if (result.outcome === 'retry')
            return {
              outcome: 'retry',
              reason: result.reason,
              ...(result.afterMs !== undefined ? { afterMs: result.afterMs } : {}),
            };
          if (result.outcome === 'failed')
            return { outcome: 'failed', reason: result.reason, code: result.code };
          await deps.messages.recordSent({
            sessionId: address.sessionId,
            seq: message.seq,
            part,
            channel: deps.name,
            externalId: address.externalId,
            externalMessageId: result.messageId,
          });
          ids.push(result.messageId);
        }
      }
      return { outcome: 'delivered', externalMessageIds: ids };
    },
  };
}
