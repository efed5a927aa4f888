// updateEscalation: an operator took, resolved or handed back a live chat (or it failed). The row moves
// forward only; the console's queue, the desk thread and (on resolution) the CRM hear of it.
import { z } from 'zod';
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import type { EscalationStatus } from '../handoff.records.ts';
import { noteResolution } from './crm-resolution.ts';
import { escalationOf } from './escalation-of.ts';
import {
  type HandoffEffectContext,
  publishQueueNotice,
  updateEscalationParams,
} from './handoff-effect.context.ts';

/** What the operator event of the turn said beyond the status (who, and how it was resolved). */
const operatorDetails = z
  .object({
    agentId: z.string().optional(),
    notes: z.string().optional(),
    resolutionCategory: z.string().optional(),
  })
  .passthrough();
type OperatorDetails = z.infer<typeof operatorDetails>;

/** The line the desk thread (Slack) gets for each status. */
function threadLine(status: EscalationStatus, agentId: string | undefined): string {
  const who = agentId?.startsWith('slack:') ? `<@${agentId.slice(6)}>` : 'an agent';
  return {
    assigned: `✅ Taken by ${who}.`,
    resolved: `✔️ Resolved by ${who}.`,
    handed_back: '↩️ Handed back to the bot.',
    failed: '⚠️ The live chat could not be delivered; the visitor was offered a callback or a ticket.',
  }[status];
}

export async function updateEscalation(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const { logger } = ctx;
  const params = updateEscalationParams.parse(effect.params);
  const found = await escalationOf(ctx, effect);
  if ('outcome' in found) return found;
  const event = operatorDetails.safeParse(found.trace?.event ?? {});
  const details: OperatorDetails = event.success ? event.data : {};
  const changed = await ctx.records.updateEscalationStatus(found.key, params.status, {
    at: new Date(params.at),
    ...(details.agentId ? { agentId: details.agentId } : {}),
    ...(details.notes !== undefined ? { notes: details.notes } : {}),
    ...(details.resolutionCategory !== undefined ? { resolutionCategory: details.resolutionCategory } : {}),
  });
  if (!changed)
    logger.debug(
      { key: found.key, status: params.status },
      'escalation status change skipped (already further)',
    );
  // The console's queue is these rows: say it moved once the row has, not only when the turn was published
  // (a console that re-read the queue on the turn alone could still see the chat it had just resolved).
  if (changed)
    await publishQueueNotice(ctx, effect, { reason: 'escalation_updated', status: params.status }).catch(
      (error: unknown) => logger.warn({ err: error }, 'queue notice not published'),
    );
  if (changed && ctx.desks)
    await ctx.desks.noteInThread(
      effect.idempotencyKey,
      found.key,
      effect.sessionId,
      threadLine(params.status, details.agentId),
    );
  // After the desk line, which only the first run posts (`changed`): a CRM retry re-runs this effect.
  if (params.status === 'resolved') {
    const noted = await noteResolution(ctx, effect, found.key, {
      at: params.at,
      ...(details.agentId ? { agentId: details.agentId } : {}),
      ...(details.notes ? { notes: details.notes } : {}),
      ...(details.resolutionCategory ? { resolutionCategory: details.resolutionCategory } : {}),
    });
    if (noted) return noted;
  }
  return { outcome: 'done' };
}
