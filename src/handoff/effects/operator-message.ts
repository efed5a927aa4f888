// deliverOperatorMessage: the first operator reply sets the escalation's first response time.
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import { escalationOf } from './escalation-of.ts';
import { atParams, type HandoffEffectContext } from './handoff-effect.context.ts';

export async function deliverOperatorMessage(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const { at } = atParams.parse(effect.params);
  const found = await escalationOf(ctx, effect);
  if ('outcome' in found) return found;
  await ctx.records.setFirstResponse(found.key, new Date(at));
  return { outcome: 'done' };
}
