// The worker gave up on an effect (failed for good, or retries exhausted). For a live chat whose main
// delivery never happened, the visitor is told and offered a callback or a ticket instead.
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import { createHandoffParams, type HandoffEffectContext } from './handoff-effect.context.ts';

export async function onHandoffGaveUp(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
  error: string,
): Promise<void> {
  const { records, logger } = ctx;
  if (effect.type !== 'createHandoff') return;
  const params = createHandoffParams.safeParse(effect.params);
  if (!params.success) return;
  await records.failUndelivered(effect.idempotencyKey, error);
  if (params.data.channel !== 'instant_chat') {
    logger.error(
      { key: effect.idempotencyKey, channel: params.data.channel, error },
      'handoff delivery gave up',
    );
    return;
  }
  const primary = ctx.routing.instantChat;
  const delivered = await records.integration(effect.idempotencyKey, primary);
  if (delivered?.status === 'delivered') return;
  const result = await ctx.engine.handle(effect.sessionId, {
    kind: 'handoff',
    result: 'failed',
    target: primary,
    reason: error.slice(0, 500),
    handoffKey: effect.idempotencyKey,
  });
  logger.warn(
    { key: effect.idempotencyKey, target: primary, error, outcome: result.outcome },
    'live chat handoff failed for good; the visitor was offered a callback or a ticket',
  );
}
