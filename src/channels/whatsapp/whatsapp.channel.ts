// The WhatsApp Cloud API as a visitor channel: every outbound message is sent through the Graph API from the
// outbox (nothing is answered in the webhook's HTTP response). Each Graph message a transcript message
// becomes is recorded when sent, so a redelivered effect sends only the parts that did not go out.

import type { ChannelAddress, ChannelDelivery, OutboundMessage, VisitorChannel } from '../channel.port.ts';
import type { ChannelMessages } from '../channel-messages.repo.ts';
import type { WhatsAppClient } from './whatsapp.client.ts';
import { toGraphMessages } from './whatsapp.mapping.ts';

export function createWhatsAppChannel(deps: {
  client: WhatsAppClient;
  messages: ChannelMessages;
}): VisitorChannel {
  return {
    name: 'whatsapp',
    answersInline: false,
    async deliver(address: ChannelAddress, messages: OutboundMessage[]): Promise<ChannelDelivery> {
      const ids: string[] = [];
      for (const message of messages) {
        const already = await deps.messages.sentParts(address.sessionId, message.seq);
        const parts = toGraphMessages(address.externalId, message);
        for (const [part, body] of parts.entries()) {
          const sent = already.get(part);
          if (sent) {
            ids.push(sent);
            continue;
          }
          const result = await deps.client.send(body);
          if (result.outcome === 'retry') {
            return {
              outcome: 'retry',
              reason: result.reason,
              ...(result.afterMs !== undefined ? { afterMs: result.afterMs } : {}),
            };
          }
          if (result.outcome === 'failed')
            return { outcome: 'failed', reason: result.reason, code: result.code };
          await deps.messages.recordSent({
            sessionId: address.sessionId,
            seq: message.seq,
            part,
            channel: 'whatsapp',
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
