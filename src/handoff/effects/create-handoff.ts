// createHandoff: records the escalation and runs its routed steps in order. A critical step (the main
// delivery) that must be retried holds back the rest; a side delivery that fails for good is only logged.
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import { stepsFor } from '../routing.ts';
import { retryOf } from './deliver-once.ts';
import { createHandoffParams, type HandoffEffectContext } from './handoff-effect.context.ts';
import { escalationFor } from './handoff-escalation.ts';
import { runStep } from './handoff-steps.ts';

type Retry = Extract<EffectOutcome, { outcome: 'retry' }>;

export async function createHandoff(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const { logger } = ctx;
  const params = createHandoffParams.parse(effect.params);
  const escalation = await escalationFor(ctx, effect, params);
  if (!escalation) return { outcome: 'failed', error: `session ${effect.sessionId} not found` };
  const steps = stepsFor(ctx.routing, escalation.packet);
  let retry: Retry | null = null;
  for (const step of steps) {
    const result = await runStep(ctx, step, escalation);
    if (result.outcome === 'retry') {
      const next = retryOf(ctx, step.target, result);
      const after = Math.max(retry?.retryAfterMs ?? 0, next.retryAfterMs ?? 0);
      retry = { ...next, ...(after > 0 ? { retryAfterMs: after } : {}) };
      // The team hears about a case only once its main delivery exists.
      if (step.critical) break;
    } else if (result.outcome === 'failed') {
      if (step.critical) return { outcome: 'failed', error: `${step.target}: ${result.error}` };
      logger.error(
        { key: effect.idempotencyKey, target: step.target, error: result.error },
        'handoff side delivery failed for good',
      );
    }
  }
  if (retry) return retry;
  logger.info(
    { key: effect.idempotencyKey, channel: params.channel, targets: steps.map((s) => s.target) },
    'handoff delivered',
  );
  return { outcome: 'done' };
}
