// updateTicketStatus: a desk changed the ticket's status, and our support_tickets row follows (found by
// the desk's ticket id in the turn's inbound desk event).
import { z } from 'zod';
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import { deskTicketStatusSchema } from '../../machines/conversation.events.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import { TARGET_NAMES } from '../handoff.target.ts';
import { atParams, type HandoffEffectContext } from './handoff-effect.context.ts';

export async function updateTicketStatus(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const trace = (await ctx.store.trace(effect.sessionId)).find((t) => t.seq === effect.seq);
  const inbound = trace?.inbound;
  const status = deskTicketStatusSchema.safeParse(inbound?.kind === 'desk' ? inbound.status : undefined);
  if (inbound?.kind !== 'desk' || !status.success)
    return { outcome: 'failed', error: `turn ${effect.seq} has no desk ticket status` };
  const desk = z.enum(TARGET_NAMES).safeParse(inbound.desk);
  if (!desk.success) return { outcome: 'failed', error: `unknown desk ${inbound.desk}` };
  const found = await ctx.records.byExternalId(desk.data, inbound.externalId);
  if (!found) return { outcome: 'failed', error: `no handoff for ${inbound.desk} ${inbound.externalId}` };
  const { at } = atParams.parse(effect.params);
  await ctx.records.setTicketStatus(found.handoffKey, status.data, new Date(at));
  return { outcome: 'done' };
}
