// The escalation row of a createHandoff effect: found when an earlier run wrote it, otherwise the packet is
// frozen from the session as it stands and recorded, and the console's queue hears of the new row.
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import type { EscalationRecord } from '../handoff.records.ts';
import { buildPacket } from '../packet.ts';
import {
  type CreateHandoffParams,
  type HandoffEffectContext,
  publishQueueNotice,
} from './handoff-effect.context.ts';

/** The escalation of the effect, recorded if it is not yet; null when the session is gone. */
export async function escalationFor(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
  params: CreateHandoffParams,
): Promise<EscalationRecord | null> {
  const { records, logger } = ctx;
  const existing = await records.findEscalation(effect.idempotencyKey);
  if (existing) return existing;
  const view = await ctx.engine.view(effect.sessionId, null);
  if (view.outcome !== 'ok') return null;
  if (view.session.version > effect.seq) {
    // Messages are cut at the handoff's time, but the context (sentiment, priority…) is today's.
    logger.warn(
      { key: effect.idempotencyKey, seq: effect.seq, version: view.session.version },
      'handoff packet built after later turns: its context may include them',
    );
  }
  // The engine allocates the number before it renders the reply; this is only for effects without one.
  const ticketNumber =
    params.channel === 'ticket' ? (params.ticketNumber ?? (await ctx.allocateTicketNumber())) : null;
  const packet = buildPacket({
    handoffKey: effect.idempotencyKey,
    sessionId: effect.sessionId,
    channel: params.channel,
    ticketNumber,
    at: params.at,
    state: params.state,
    context: view.snapshot.context,
    messages: view.messages,
    knowledge: ctx.knowledge,
    traces: await ctx.store.trace(effect.sessionId),
    source: await ctx.sourceOf?.(effect.sessionId),
  });
  const escalation = await records.ensureEscalation(packet);
  // The console's queue is these rows: tell it one just appeared (the turn itself was published earlier).
  await publishQueueNotice(ctx, effect, {
    reason: 'escalation_recorded',
    channel: packet.channel,
    priority: packet.priority,
  }).catch((error: unknown) => logger.warn({ err: error }, 'queue notice not published'));
  return escalation;
}
