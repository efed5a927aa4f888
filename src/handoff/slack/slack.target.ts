// Slack as a notification target: tells the team about a handoff that needs eyes now (urgent ones by
// default). Slack has no idempotency key and no cheap way to look a message up, so a retry after an
// unanswered attempt may repeat the notice; a notice is the one thing we prefer twice over never.
import type { HandoffTarget } from '../handoff.target.ts';
import type { HandoffPacket } from '../packet.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { SlackClient } from './slack.client.ts';
import { toSlackMessage } from './slack.mapping.ts';

export interface SlackTargetOptions {
  client: SlackClient;
  channelFor: (packet: HandoffPacket) => string;
  /** Links to where the case lives (helpdesk ticket, SalesIQ chat), when already known. */
  linksFor?: (packet: HandoffPacket) => Promise<Array<{ label: string; url: string }>>;
}

export function createSlackTarget(options: SlackTargetOptions): HandoffTarget {
  return {
    name: 'slack',
    async deliver(packet): Promise<DeliveryResult> {
      const links = options.linksFor ? await options.linksFor(packet) : [];
      const result = await options.client.postMessage(
        toSlackMessage(packet, { channel: options.channelFor(packet), links }),
      );
      if (!result.ok) return result.result;
      return {
        outcome: 'delivered',
        externalId: `${result.channel}:${result.ts}`,
        metadata: { channel: result.channel, ts: result.ts },
      };
    },
  };
}
