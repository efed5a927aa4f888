// The deliverToVisitor effect: sends a committed turn's messages through the session's channel, at least
// once (the effect worker retries) and at most once per (session, message seq) as far as we can know
// (channel_deliveries records each seq delivered or failed for good, and settled seqs are never re-sent).
// A delivery the channel refuses for good is recorded with its code and told to the operators.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { EffectHandler } from '../engine/effect.worker.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import { publicButtonSchema } from '../engine/turn.types.ts';
import type { ChannelSessionsRepository } from '../storage/channel-sessions.repository.ts';
import type { ChannelRegistry } from './channel.registry.ts';

export const deliverToVisitorParams = z.object({
  messages: z.array(
    z.object({
      seq: z.number().int(),
      role: z.enum(['bot', 'operator', 'system']),
      text: z.string(),
      buttons: z.array(publicButtonSchema).optional(),
      agentId: z.string().optional(),
    }),
  ),
  state: z.string(),
  at: z.string(),
});

export function createDeliverToVisitorHandler(deps: {
  channels: Pick<ChannelRegistry, 'get'>;
  sessions: Pick<ChannelSessionsRepository, 'bySession' | 'settledSeqs' | 'recordDeliveries'>;
  realtime: Realtime;
  logger: Logger;
  /** The operator's display name, so a channel can say who wrote (WhatsApp: "*Alice:* …"). */
  authorName?: (agentId: string) => Promise<string | null>;
}): EffectHandler {
  return async (effect) => {
    const params = deliverToVisitorParams.parse(effect.params);
    const row = await deps.sessions.bySession(effect.sessionId);
    if (!row) return { outcome: 'failed', error: `session ${effect.sessionId} is on no visitor channel` };
    const channel = deps.channels.get(row.channel);
    if (!channel)
      return { outcome: 'retry', error: `channel ${row.channel} is not configured in this process` };
    const settled = await deps.sessions.settledSeqs(
      effect.sessionId,
      params.messages.map((m) => m.seq),
    );
    const pending = params.messages.filter((m) => !settled.has(m.seq));
    if (pending.length === 0) return { outcome: 'done' };
    const address = { channel: row.channel, externalId: row.externalId, sessionId: effect.sessionId };
    const outbound = await Promise.all(
      pending.map(async ({ agentId, ...m }) => {
        const author = agentId && m.role === 'operator' ? await deps.authorName?.(agentId) : null;
        return author ? { ...m, author } : m;
      }),
    );
    const result = await channel.deliver(address, outbound);
    const base = { sessionId: effect.sessionId, channel: row.channel };
    if (result.outcome === 'retry')
      return {
        outcome: 'retry',
        error: `${row.channel}: ${result.reason}`,
        ...(result.afterMs !== undefined ? { retryAfterMs: result.afterMs } : {}),
      };
    if (result.outcome === 'delivered') {
      await deps.sessions.recordDeliveries(
        pending.map((m) => ({
          ...base,
          messageSeq: m.seq,
          status: 'delivered',
          externalMessageIds: result.externalMessageIds,
        })),
      );
      return { outcome: 'done' };
    }
    await deps.sessions.recordDeliveries(
      pending.map((m) => ({
        ...base,
        messageSeq: m.seq,
        status: 'failed',
        reason: result.reason,
        ...(result.code ? { code: result.code } : {}),
      })),
    );
    deps.logger.warn(
      { sessionId: effect.sessionId, channel: row.channel, code: result.code, reason: result.reason },
      'visitor message could not be delivered',
    );
    await deps.realtime
      .publish(OPERATORS_CHANNEL, {
        sessionId: effect.sessionId,
        seq: effect.seq,
        kind: 'queue',
        payload: {
          reason: 'delivery_failed',
          channel: row.channel,
          code: result.code ?? null,
          detail: result.reason,
          seqs: pending.map((m) => m.seq),
        },
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'delivery failure notice not published'));
    return { outcome: 'done' };
  };
}
