// One routed step of a handoff: the local targets (console queue, callback list, ticket record) are done by
// being written; a vendor target is delivered once through its adapter.

import type { EscalationRecord } from '../handoff.records.ts';
import type { HandoffPacket } from '../packet.ts';
import type { Step } from '../routing.ts';
import type { DeliveryResult } from '../vendor.http.ts';
import { deliverOnce } from './deliver-once.ts';
import type { HandoffEffectContext } from './handoff-effect.context.ts';

type Ctx = Pick<HandoffEffectContext, 'records' | 'logger' | 'targets'>;
type Owner = { id: string; conversationId: string };

export async function runStep(ctx: Ctx, step: Step, escalation: EscalationRecord): Promise<DeliveryResult> {
  const { records } = ctx;
  const packet = escalation.packet;
  const key = packet.handoffKey;
  const ref = { id: escalation.id, conversationId: packet.sessionId };
  switch (step.target) {
    case 'console':
      // The console's queue is the escalations row itself (status queued).
      await records.recordLocal(key, 'console', ref, escalation.id);
      return { outcome: 'delivered', externalId: escalation.id };
    case 'callback': {
      await records.scheduleCallback(packet, escalation.id);
      await records.recordLocal(key, 'callback', ref, escalation.id, {
        phone: packet.visitor.phone ?? null,
        window: packet.visitor.callbackWindow ?? null,
      });
      return { outcome: 'delivered', externalId: escalation.id };
    }
    case 'salesiq':
      if (packet.source?.type === 'salesiq') {
        // The Zobot answered SalesIQ with a forward: the chat is with a SalesIQ operator already.
        const chatId = packet.source.externalId ?? packet.sessionId;
        await records.recordLocal(key, 'salesiq', ref, chatId, { forwardedBy: 'zobot' });
        return { outcome: 'delivered', externalId: chatId };
      }
      return runTarget(ctx, step, packet, ref);
    case 'ticket': {
      const { ticketNumber } = await records.ensureSupportTicket(packet);
      await records.recordLocal(key, 'ticket', ref, ticketNumber);
      return { outcome: 'delivered', externalId: ticketNumber };
    }
    default:
      return runTarget(ctx, step, packet, ref);
  }
}

function runTarget(ctx: Ctx, step: Step, packet: HandoffPacket, ref: Owner): Promise<DeliveryResult> {
  const target = ctx.targets[step.target];
  if (!target)
    return Promise.resolve<DeliveryResult>({
      outcome: 'failed',
      error: `target ${step.target} is routed to but not configured`,
    });
  const find = target.find;
  return deliverOnce(ctx, packet.handoffKey, target.name, ref, {
    deliver: () => target.deliver(packet),
    ...(find ? { find: () => find.call(target, packet) } : {}),
  });
}
