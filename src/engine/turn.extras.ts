// Values from outside the machine that a turn's replies include (a ticket number, the joining agent's
// name): looked up once per attempt, before the render, and traced so replay renders the same text.
import type { EngineContext } from './engine.context.ts';
import type { RenderExtras } from './reply.render.ts';
import type { ConversationSnapshot } from './snapshot.codec.ts';
import type { MachineAction } from './turn.output.ts';
import type { Planned } from './turn.plan.ts';

const isTicketHandoff = (a: MachineAction) =>
  a.type === 'createHandoff' && (a.params as { channel?: unknown } | undefined)?.channel === 'ticket';

const saysAgentJoined = (a: MachineAction) =>
  a.type === 'say' && (a.params as { key?: unknown } | undefined)?.key === 'escalated.assigned';

export async function extrasFor(
  ctx: EngineContext,
  sessionId: string,
  planned: Planned,
  next: ConversationSnapshot,
  actions: ReadonlyArray<MachineAction>,
): Promise<RenderExtras> {
  const { deps } = ctx;
  const extras: RenderExtras = { ...planned.extras };
  if (deps.allocateTicketNumber && actions.some(isTicketHandoff)) {
    // Allocated before the commit so the reply can say it. If this attempt then loses the version
    // compare-and-set, the redo allocates again and this number is never used: a gap, never a duplicate.
    try {
      extras.ticketNumber = await deps.allocateTicketNumber();
    } catch (error) {
      // The handoff handler allocates one later; the reply goes out without the number.
      ctx.logger.error({ err: error, sessionId }, 'ticket number allocation failed');
    }
  }
  const joined = next.context.assignedAgentId;
  if (deps.operatorName && joined && !extras.agentName && actions.some(saysAgentJoined)) {
    // Looked up before the render and recorded in the trace's extras, so replay renders the same text.
    const name = await deps.operatorName(joined).catch(() => null);
    if (name) extras.agentName = name;
  }
  return extras;
}
