// The SalesIQ Zobot as a visitor channel: SalesIQ waits for the bot's answer to each visitor message, so a
// turn's replies go back in the webhook's HTTP response. The Zobot API has no push: a message outside the
// visitor's own turn (a console reply, a notice) cannot reach them, and says so instead of pretending.
import type { ChannelDelivery, VisitorChannel } from '../channel.port.ts';

export const ZOBOT_NO_PUSH_CODE = 'salesiq_zobot_no_push';

export function createZobotChannel(): VisitorChannel {
  return {
    name: 'salesiq',
    answersInline: true,
    async deliver(): Promise<ChannelDelivery> {
      return {
        outcome: 'failed',
        code: ZOBOT_NO_PUSH_CODE,
        reason:
          'the SalesIQ Zobot can only answer a visitor message; after a forward the chat is answered in SalesIQ itself',
      };
    },
  };
}
