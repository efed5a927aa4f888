// What every handoff effect handler is given: the dependencies the module wires, with the waits resolved,
// and the params each effect carries (the machine's actions, as the engine stored them).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Knowledge } from '../../content/knowledge.ts';
import type { Engine } from '../../engine/engine.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../../engine/realtime.port.ts';
import { ESCALATION_OPTIONS } from '../../machines/conversation.events.ts';
import type { ClaimedEffect } from '../../storage/effect.log.ts';
import type { SessionStore } from '../../storage/session.store.ts';
import type { CrmPort } from '../crm.port.ts';
import type { DeskForwarder } from '../desk/desk-forward.ts';
import type { HandoffRecords } from '../handoff.records.ts';
import type { HandoffTarget, TargetName } from '../handoff.target.ts';
import type { HandoffPacket } from '../packet.ts';
import type { Routing } from '../routing.ts';
import type { SalesIqClient } from '../salesiq/salesiq.client.ts';

export interface HandoffHandlerDeps {
  engine: Pick<Engine, 'view' | 'handle'>;
  store: Pick<SessionStore, 'trace'>;
  records: HandoffRecords;
  routing: Routing;
  targets: Partial<Record<TargetName, HandoffTarget>>;
  /** For visitor messages into a SalesIQ conversation (forwardToOperator). */
  salesiq?: SalesIqClient;
  /** For visitor messages onto the Zendesk / Freshdesk ticket and into the Slack thread of the case. */
  desks?: DeskForwarder;
  /** The external CRM that hears of resolutions (handovers reach it as a routed target). */
  crm?: CrmPort;
  knowledge: Knowledge;
  realtime: Realtime;
  logger: Logger;
  allocateTicketNumber: () => Promise<string>;
  /** How long to wait before looking again for an escalation another effect has not written yet. */
  notYetMs?: number;
  /**
   * After an unanswered request (timeout, dropped connection, 5xx), how long to wait before the next attempt
   * looks for what it may have created. The vendor may still be working on the abandoned request: looking
   * too soon finds nothing and creates a second chat or ticket.
   */
  inDoubtDelayMs?: number;
  /** Where a session's visitor writes from (the channel registry); absent: every session is a web one. */
  sourceOf?: (sessionId: string) => Promise<HandoffPacket['source']>;
}

export type HandoffEffectContext = Omit<HandoffHandlerDeps, 'notYetMs' | 'inDoubtDelayMs'> & {
  notYetMs: number;
  inDoubtDelayMs: number;
};

export function handoffEffectContext(deps: HandoffHandlerDeps): HandoffEffectContext {
  return { ...deps, notYetMs: deps.notYetMs ?? 250, inDoubtDelayMs: deps.inDoubtDelayMs ?? 20_000 };
}

export const createHandoffParams = z.object({
  channel: z.enum(ESCALATION_OPTIONS),
  state: z.string(),
  at: z.string(),
  ticketNumber: z.string().optional(),
});
export type CreateHandoffParams = z.infer<typeof createHandoffParams>;

export const updateEscalationParams = z.object({
  status: z.enum(['assigned', 'resolved', 'handed_back', 'failed']),
  at: z.string(),
});

export const atParams = z.object({
  at: z.string(),
  reason: z.string().optional(),
  state: z.string().optional(),
});

/** Tells the console's queue (the escalations rows) that it changed, for the turn that emitted the effect. */
export function publishQueueNotice(
  ctx: Pick<HandoffEffectContext, 'realtime'>,
  effect: ClaimedEffect,
  payload: Record<string, unknown>,
): Promise<void> {
  return ctx.realtime.publish(OPERATORS_CHANNEL, {
    sessionId: effect.sessionId,
    seq: effect.seq,
    kind: 'queue',
    payload,
  });
}
