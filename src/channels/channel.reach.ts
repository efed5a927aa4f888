// What operators are told about reaching a channel visitor: the channel they wrote from and, when the last
// delivery failed for good after the visitor's last message, why — in words, not codes.
import type { ChatMessage } from '../engine/turn.types.ts';
import type { ChannelMessages } from '../storage/channel-messages.repository.ts';
import type { ChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import { ZOBOT_NO_PUSH_CODE } from './salesiq/zobot.channel.ts';
import { WINDOW_CLOSED_CODE } from './whatsapp/whatsapp.client.ts';

/** The console's sentence for a failure code; unknown codes show the channel's own reason. */
export const DELIVERY_FAILURE_TEXT: Record<string, string> = {
  [WINDOW_CLOSED_CODE]: "can't reach this visitor on WhatsApp until they write again",
  [ZOBOT_NO_PUSH_CODE]: 'the SalesIQ bot cannot send this; answer the visitor in SalesIQ',
};

export interface ChannelReach {
  source: { type: string; externalId: string | null; phone: string | null };
  /** The delivery problem an operator must know about before writing; null when none stands. */
  unreachable: { code: string | null; message: string; seq: number; at: string } | null;
}

/** Graph's code in a `failed` status webhook for a closed window: the same notice as a refused send. */
const STATUS_CODES: Record<string, string> = { '131047': WINDOW_CLOSED_CODE };

export function createChannelReach(
  sessions: Pick<ChannelSessionsRepository, 'bySession' | 'lastFailure'>,
  sent: Pick<ChannelMessages, 'forSession'>,
) {
  return async (sessionId: string, messages: ChatMessage[]): Promise<ChannelReach> => {
    const row = await sessions.bySession(sessionId);
    if (!row) return { source: { type: 'web', externalId: null, phone: null }, unreachable: null };
    const lastVisitorSeq = messages.filter((m) => m.role === 'visitor').at(-1)?.seq ?? 0;
    // A send refused at once (channel_deliveries), or one WhatsApp accepted and later reported failed.
    const refused = await sessions.lastFailure(sessionId);
    const reported = (await sent.forSession(sessionId)).filter((m) => m.status === 'failed').at(-1);
    const candidates = [
      ...(refused
        ? [{ code: refused.code, reason: refused.reason, seq: refused.messageSeq, at: refused.at }]
        : []),
      ...(reported
        ? [
            {
              code: (reported.errorCode && STATUS_CODES[reported.errorCode]) || reported.errorCode,
              reason: reported.errorTitle,
              seq: reported.seq,
              at: reported.statusAt,
            },
          ]
        : []),
    ].sort((a, b) => b.seq - a.seq);
    const failure = candidates[0];
    // The visitor wrote after the failure: the window is open again, the notice no longer stands.
    const stands = failure && failure.seq > lastVisitorSeq;
    return {
      source: { type: row.channel, externalId: row.externalId, phone: row.phone },
      unreachable: stands
        ? {
            code: failure.code,
            message:
              (failure.code && DELIVERY_FAILURE_TEXT[failure.code]) || failure.reason || 'delivery failed',
            seq: failure.seq,
            at: failure.at.toISOString(),
          }
        : null,
    };
  };
}
