// The console's queue notices: a new escalation, and a visitor who has waited past the SLA (Slack hears
// that too when configured).
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import { slaReminderText } from '../slack/slack.mapping.ts';
import { escalationOf } from './escalation-of.ts';
import { atParams, type HandoffEffectContext, publishQueueNotice } from './handoff-effect.context.ts';

export async function notifyOperators(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const params = atParams.parse(effect.params);
  // The console subscribes to this channel; the turn itself is published there too, this says "queue changed".
  await publishQueueNotice(ctx, effect, {
    reason: params.reason ?? 'new_escalation',
    state: params.state ?? null,
    at: params.at,
  });
  return { outcome: 'done' };
}

/** A visitor has waited in the queue past the SLA: the console hears it, and Slack when configured. */
export async function remindOperators(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const params = atParams.parse(effect.params);
  await publishQueueNotice(ctx, effect, {
    reason: 'sla_reminder',
    state: params.state ?? null,
    at: params.at,
  });
  const channel = ctx.routing.slack?.channel;
  if (!ctx.desks || !channel) return { outcome: 'done' };
  const found = await escalationOf(ctx, effect);
  if ('outcome' in found) return found;
  const escalation = await ctx.records.findEscalation(found.key);
  if (!escalation) return { outcome: 'done' };
  return ctx.desks.remind(
    effect.idempotencyKey,
    effect.sessionId,
    channel,
    slaReminderText(escalation.packet, params.at),
  );
}
