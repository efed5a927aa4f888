// Evolution API as a visitor channel: like WhatsApp Cloud, every outbound message goes out from the outbox,
// each part recorded when sent so a redelivered effect sends only what did not go out.

import type { ChannelAddress, ChannelDelivery, OutboundMessage, VisitorChannel } from '../channel.port.ts';
import type { ChannelMessages } from '../channel-messages.repo.ts';
import type { EvolutionClient } from './evolution.client.ts';
import { toEvolutionTexts } from './evolution.mapping.ts';

export function createEvolutionChannel(deps: {
  client: EvolutionClient;
  messages: ChannelMessages;
}): VisitorChannel {
  return {
    name: 'evolution',
    answersInline: false,
    async deliver(address: ChannelAddress, messages: OutboundMessage[]): Promise<ChannelDelivery> {
      const ids: string[] = [];
      for (const message of messages) {
        const already = await deps.messages.sentParts(address.sessionId, message.seq);
        for (const [part, body] of toEvolutionTexts(address.externalId, message).entries()) {
          const sent = already.get(part);
          if (sent) {
            ids.push(sent);
            continue;
          }
          const result = await deps.client.send(body);
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
            channel: 'evolution',
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
