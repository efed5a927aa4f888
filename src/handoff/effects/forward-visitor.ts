// The visitor's messages after a handoff, out to the humans holding the case: mirrored to the desks (ticket
// comment, Slack thread) and, for a SalesIQ live chat, posted into the SalesIQ conversation.
import type { EffectOutcome } from '../../engine/effect.worker.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import type { SalesIqClient } from '../salesiq/salesiq.client.ts';
import { deliverOnce, retryOf } from './deliver-once.ts';
import { escalationOf } from './escalation-of.ts';
import { atParams, type HandoffEffectContext } from './handoff-effect.context.ts';

/** The visitor's words of the turn that emitted the effect. */
async function visitorTextAt(ctx: HandoffEffectContext, effect: ClaimedEffect, at: string): Promise<string> {
  const view = await ctx.engine.view(effect.sessionId, null);
  if (view.outcome !== 'ok') return '';
  return view.messages
    .filter((m) => m.role === 'visitor' && m.at === at)
    .map((m) => m.text)
    .join('\n');
}

/** Mirrors the visitor's message to the desks holding the case (ticket comment, Slack thread). */
export async function forwardToDesk(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const { at } = atParams.parse(effect.params);
  if (!ctx.desks) return { outcome: 'done' };
  const text = await visitorTextAt(ctx, effect, at);
  if (!text) return { outcome: 'done' };
  return ctx.desks.forward(effect.idempotencyKey, effect.sessionId, text);
}

export async function forwardToOperator(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
): Promise<EffectOutcome> {
  const mirrored = await forwardToDesk(ctx, effect);
  const forwarded = await forwardToSalesIq(ctx, effect);
  return mirrored.outcome === 'retry' ? mirrored : forwarded;
}

async function forwardToSalesIq(ctx: HandoffEffectContext, effect: ClaimedEffect): Promise<EffectOutcome> {
  const { records } = ctx;
  const { at } = atParams.parse(effect.params);
  const client = ctx.salesiq;
  if (ctx.routing.instantChat !== 'salesiq' || !client) return { outcome: 'done' };
  const found = await escalationOf(ctx, effect);
  if ('outcome' in found) return found;
  // A Zobot chat: SalesIQ has the visitor's messages itself (after the forward it no longer asks the bot).
  if ((await records.findEscalation(found.key))?.packet.source?.type === 'salesiq')
    return { outcome: 'done' };
  const chat = await records.integration(found.key, 'salesiq');
  // Routed to the console (the routing changed since): the console reads the transcript itself.
  if (!chat && (await records.integration(found.key, 'console'))) return { outcome: 'done' };
  if (!chat || chat.status === 'pending') {
    // The SalesIQ conversation does not exist yet: keep the message until it does (order is kept by time).
    return {
      outcome: 'retry',
      error: 'SalesIQ conversation not created yet',
      retryAfterMs: Math.max(ctx.notYetMs, 1000),
    };
  }
  if (chat.status === 'failed' || !chat.externalId) return { outcome: 'done' };
  const text = await visitorTextAt(ctx, effect, at);
  if (!text) return { outcome: 'done' };
  const escalation = await records.findEscalation(found.key);
  if (!escalation) return { outcome: 'done' };
  return postToSalesIq(ctx, effect, client, {
    escalationId: escalation.id,
    conversationId: chat.externalId,
    text,
  });
}

/** Recorded under this effect's own key: a re-run does not post the same message twice. */
async function postToSalesIq(
  ctx: HandoffEffectContext,
  effect: ClaimedEffect,
  client: SalesIqClient,
  message: { escalationId: string; conversationId: string; text: string },
): Promise<EffectOutcome> {
  const { conversationId, text } = message;
  const result = await deliverOnce(
    ctx,
    effect.idempotencyKey,
    'salesiq',
    { id: message.escalationId, conversationId: effect.sessionId },
    {
      async deliver() {
        const sent = await client.sendVisitorMessage(conversationId, text);
        return sent.ok ? { outcome: 'delivered', externalId: conversationId } : sent.result;
      },
    },
  );
  if (result.outcome === 'retry') return retryOf(ctx, 'salesiq', result);
  if (result.outcome === 'failed')
    ctx.logger.error(
      { key: effect.idempotencyKey, error: result.error },
      'visitor message not forwarded to SalesIQ',
    );
  return { outcome: 'done' };
}
