// Evolution API as a visitor channel: like WhatsApp Cloud, every outbound message goes out from the outbox,
// part by part (outbox.channel.ts).

import type { ChannelMessages } from '../../storage/channel-messages.repository.ts';
import type { VisitorChannel } from '../channel.port.ts';
import { createOutboxChannel } from '../outbox.channel.ts';
import type { EvolutionClient } from './evolution.client.ts';
import { toEvolutionTexts } from './evolution.mapping.ts';

export function createEvolutionChannel(deps: {
  client: EvolutionClient;
  messages: ChannelMessages;
}): VisitorChannel {
  return createOutboxChannel({
    name: 'evolution',
    send: (body) => deps.client.send(body),
    parts: toEvolutionTexts,
    messages: deps.messages,
  });
}
