// One external delivery, done at most once across retries and re-runs: the integration row under the
// effect's key says what is done, and an attempt left in doubt is looked for before anything is created again.
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { FindResult, TargetName } from '../handoff.target.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import type { HandoffEffectContext } from './handoff-effect.context.ts';

export interface DeliveryAttempt {
  deliver(): Promise<DeliveryResult>;
  find?: () => Promise<FindResult>;
}

type Ctx = Pick<HandoffEffectContext, 'records' | 'logger'>;

/** The worker's retry for a failed step: Retry-After when given, and the settle time when in doubt. */
export function retryOf(
  ctx: Pick<HandoffEffectContext, 'inDoubtDelayMs'>,
  target: string,
  result: Extract<DeliveryResult, { outcome: 'retry' }>,
): Extract<EffectOutcome, { outcome: 'retry' }> {
  const after = Math.max(result.retryAfterMs ?? 0, result.inDoubt ? ctx.inDoubtDelayMs : 0);
  return {
    outcome: 'retry',
    error: `${target}: ${result.error}`,
    ...(after > 0 ? { retryAfterMs: after } : {}),
  };
}

/** One external delivery, done at most once: skip when recorded, look first when in doubt. */
export async function deliverOnce(
  ctx: Ctx,
  key: string,
  name: TargetName,
  escalation: { id: string; conversationId: string },
  attempt: DeliveryAttempt,
): Promise<DeliveryResult> {
  const { records } = ctx;
  const previous = await records.integration(key, name);
  if (previous?.status === 'delivered' && previous.externalId) {
    return {
      outcome: 'delivered',
      externalId: previous.externalId,
      ...(previous.externalUrl ? { externalUrl: previous.externalUrl } : {}),
    };
  }
  if (previous?.status === 'failed')
    return { outcome: 'failed', error: previous.lastError ?? 'failed earlier' };
  await records.beginAttempt(key, name, escalation);
  if (previous?.inDoubt && attempt.find) {
    const found = await lookForEarlierAttempt(ctx, key, name, attempt.find);
    if (found) return found;
  }
  const result = await attempt.deliver();
  await records.recordOutcome(key, name, result);
  return result;
}

/** What an unanswered earlier attempt left at the vendor; null when creating is the way on. */
async function lookForEarlierAttempt(
  ctx: Ctx,
  key: string,
  name: TargetName,
  find: () => Promise<FindResult>,
): Promise<DeliveryResult | null> {
  const found = await find();
  if (found.outcome === 'delivered') {
    ctx.logger.info(
      { key, target: name, externalId: found.externalId },
      'found the handoff an unanswered attempt created',
    );
    await ctx.records.recordOutcome(key, name, found);
    return found;
  }
  if (found.outcome === 'retry') {
    const result: DeliveryResult = { ...found, inDoubt: true };
    await ctx.records.recordOutcome(key, name, result);
    return result;
  }
  if (found.outcome === 'failed') {
    // The lookup itself is refused (a missing read scope, say): a second chat or ticket is better
    // than none, so create. The log says why a duplicate may appear.
    ctx.logger.warn(
      { key, target: name, error: found.error },
      'could not look for an earlier attempt; creating',
    );
  }
  return null;
}
