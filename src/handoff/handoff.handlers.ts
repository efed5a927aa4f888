// The effect handlers of the handoff: they run from the committed outbox through the effect worker, which
// retries them with backoff. Every handler is idempotent on its effect: the escalation row, the frozen
// packet and one integration row per target record what is done, so a retry (or a re-run after a crash)
// only does what is still missing, and a vendor in doubt is asked before anything is created again.
// Each effect's handler is in src/handoff/effects/; this is their registry.
import type { EffectHandler, EffectOutcome } from '../engine/effect.worker.ts';
import type { ClaimedEffect } from '../storage/effect.log.ts';
import { createHandoff } from './effects/create-handoff.ts';
import { forwardToDesk, forwardToOperator } from './effects/forward-visitor.ts';
import { onHandoffGaveUp } from './effects/gave-up.ts';
import {
  type HandoffEffectContext,
  type HandoffHandlerDeps,
  handoffEffectContext,
} from './effects/handoff-effect.context.ts';
import { deliverOperatorMessage } from './effects/operator-message.ts';
import { notifyOperators, remindOperators } from './effects/queue-notices.ts';
import { updateTicketStatus } from './effects/ticket-status.ts';
import { updateEscalation } from './effects/update-escalation.ts';

export type { HandoffHandlerDeps };

type HandoffEffect = (ctx: HandoffEffectContext, effect: ClaimedEffect) => Promise<EffectOutcome>;

const HANDOFF_EFFECTS: Record<string, HandoffEffect> = {
  createHandoff,
  updateEscalation,
  deliverOperatorMessage,
  notifyOperators,
  forwardToOperator,
  updateTicketStatus,
  remindOperators,
  forwardToDesk,
};

export function createHandoffHandlers(deps: HandoffHandlerDeps) {
  const ctx = handoffEffectContext(deps);
  const handlers: Record<string, EffectHandler> = Object.fromEntries(
    Object.entries(HANDOFF_EFFECTS).map(([type, run]) => [type, (effect: ClaimedEffect) => run(ctx, effect)]),
  );
  const onGaveUp = (effect: ClaimedEffect, error: string) => onHandoffGaveUp(ctx, effect, error);
  return { handlers, onGaveUp };
}
