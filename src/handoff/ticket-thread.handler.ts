// The requester's answer after a person replied on their ticket: it lands in that ticket's thread
// (ticket_replies), a ticket that waited on them is worked again (awaiting_customer → in_progress), and
// the operators' consoles hear of it. An effect runs at least once: the answer is keyed by the effect, so a
// re-run stores it once, and the status move is guarded by the status it was checked against.
import type { Logger } from 'pino';
import { EFFECT_PARAMS } from '../engine/effect.catalog.ts';
import type { EffectHandler } from '../engine/effect.worker.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import type { Db } from '../storage/database.ts';
import { createTicketsRepository } from '../storage/tickets.repository.ts';
import { statusAfterRequesterAnswer } from './ticket.lifecycle.ts';

export interface TicketThreadDeps {
  db: Db;
  realtime: Realtime;
  logger: Logger;
  now: () => Date;
}

export function createTicketThreadHandlers(deps: TicketThreadDeps): Record<string, EffectHandler> {
  const tickets = createTicketsRepository(deps.db, deps.now);
  return {
    addToTicketThread: async (effect) => {
      const p = EFFECT_PARAMS.addToTicketThread.safeParse(effect.params);
      if (!p.success) return { outcome: 'failed', error: `addToTicketThread params: ${p.error.message}` };
      const ticket = await tickets.ofSession(effect.sessionId);
      if (!ticket)
        return {
          outcome: 'retry',
          error: 'the ticket of this conversation is not stored yet',
          retryAfterMs: 500,
        };
      const stored = await tickets.addRequesterAnswer({
        ticketId: ticket.id,
        messageKey: effect.idempotencyKey,
        body: p.data.text,
        authorName: null,
      });
      const next = statusAfterRequesterAnswer(ticket.status);
      const moved = next
        ? await tickets.update(
            ticket.id,
            { status: ticket.status, assignee: ticket.assignedToAgentId },
            { status: next },
          )
        : null;
      if (!stored && !moved) return { outcome: 'done' };
      deps.logger.info(
        { ticket: ticket.ticketNumber, status: moved?.status ?? ticket.status },
        "the requester's answer is on the ticket",
      );
      await deps.realtime
        .publish(OPERATORS_CHANNEL, {
          sessionId: effect.sessionId,
          seq: effect.seq,
          kind: 'queue',
          payload: {
            kind: 'ticket_answer',
            ticketId: ticket.id,
            ticketNumber: ticket.ticketNumber,
            assignedTo: ticket.assignedToAgentId,
            status: moved?.status ?? ticket.status,
          },
        })
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'operator notification failed'));
      return { outcome: 'done' };
    },
  };
}
