// The WhatsApp Cloud API as a visitor channel: every outbound message is sent through the Graph API from the
// outbox (nothing is answered in the webhook's HTTP response), part by part (outbox.channel.ts).

import type { ChannelMessages } from '../../storage/channel-messages.repository.ts';
import type { VisitorChannel } from '../channel.port.ts';
import { createOutboxChannel } from '../outbox.channel.ts';
import type { WhatsAppClient } from './whatsapp.client.ts';
import { toGraphMessages } from './whatsapp.mapping.ts';

export function createWhatsAppChannel(deps: {
  client: WhatsAppClient;
  messages: ChannelMessages;
}): VisitorChannel {
  return createOutboxChannel({
    name: 'whatsapp',
    send: (body) => deps.client.send(body),
    parts: toGraphMessages,
    messages: deps.messages,
  });
}
