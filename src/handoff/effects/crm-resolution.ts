// The resolution's note on the visitor's CRM contact, once per resolving effect (its own integration row).
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import { crmPersonOf, resolutionNote } from '../crm.notes.ts';
import { deliverCrmNote, findCrmNote } from '../crm.port.ts';
import { deliverOnce, retryOf } from './deliver-once.ts';
import type { HandoffEffectContext } from './handoff-effect.context.ts';

export interface Resolution {
  at: string;
  agentId?: string;
  notes?: string;
  resolutionCategory?: string;
}

/** Returns the retry when the CRM asks for one; a permanent refusal is recorded there and logged. */
export async function noteResolution(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
  handoffKey: string,
  resolution: Resolution,
): Promise<EffectOutcome | null> {
  const crm = ctx.crm;
  if (!crm) return null;
  const escalation = await ctx.records.findEscalation(handoffKey);
  const person = escalation && crmPersonOf(escalation.packet);
  if (!escalation || !person) return null;
  const note = resolutionNote(escalation.packet, { key: effect.idempotencyKey, ...resolution });
  const result = await deliverOnce(
    ctx,
    effect.idempotencyKey,
    crm.name,
    { id: escalation.id, conversationId: effect.sessionId },
    { deliver: () => deliverCrmNote(crm, person, note), find: () => findCrmNote(crm, person, note) },
  );
  if (result.outcome === 'retry') return retryOf(ctx, crm.name, result);
  if (result.outcome === 'failed')
    ctx.logger.error(
      { key: effect.idempotencyKey, target: crm.name, error: result.error },
      'resolution not noted in the CRM',
    );
  return null;
}
