// The one check before any change to a ticket: it exists, and the one policy lets this operator run the
// commands on it (conversation.policy.ts `workMay`). Answers 404 / 403 itself.
import type { Response } from 'express';
import { type WorkCommand, workMay } from '../engine/conversation.policy.ts';
import type { TicketRow, TicketsRepository } from '../storage/tickets.repository.ts';
import type { Operator } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError } from './http.errors.ts';
import { actorOf, ticketFactsOf } from './ticket.item.ts';

export const sendTicketNotFound = (res: Response) =>
  sendError(res, 404, 'ticket_not_found', 'No ticket with this id or number (like TKT-2026-0001).');

/** The ticket, if this operator may run these commands on it; null after answering 404 / 403. */
export async function workableTicket(
  tickets: TicketsRepository,
  id: string,
  res: Response,
  commands: (me: Operator) => WorkCommand[],
): Promise<{ ticket: TicketRow; me: Operator } | null> {
  const ticket = await tickets.get(id);
  if (!ticket) {
    sendTicketNotFound(res);
    return null;
  }
  const me = operatorOf(res);
  for (const command of commands(me)) {
    const may = workMay('ticket', actorOf(me), command, ticketFactsOf(ticket));
    if (!may.allowed) {
      sendError(res, 403, may.code, may.message);
      return null;
    }
  }
  return { ticket, me };
}
