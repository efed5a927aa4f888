// POST /api/v1/tickets/{id}/replies: an internal note, or an answer to the requester, delivered in their
// live conversation when it takes it, else by e-mail; the reply row records how (or why not).
import type { Response } from 'express';
import type { z } from 'zod';
import type { TicketReplyRow, TicketRow } from '../storage/tickets.repository.ts';
import type { Operator } from './auth.operators.ts';
import { sendError } from './http.errors.ts';
import { replyItem, ticketItemOf } from './ticket.item.ts';
import { workableTicket } from './ticket.workable.ts';
import type { TicketRoutesOptions } from './tickets.routes.ts';
import type { ticketReplyBody } from './tickets.schemas.ts';

type TicketReplyDeps = Pick<
  TicketRoutesOptions,
  'tickets' | 'mailer' | 'sla' | 'logger' | 'now' | 'toConversation'
>;

/** Sends a public reply: the live conversation first, else e-mail; the row says how it went. */
async function deliverReply(
  { tickets, mailer, logger, toConversation }: TicketReplyDeps,
  ticket: TicketRow,
  reply: TicketReplyRow,
  agent: Operator,
): Promise<TicketReplyRow> {
  const inChat =
    ticket.sessionId && toConversation
      ? await toConversation({
          desk: 'ticket',
          kind: 'agent_replied',
          eventId: `reply:${reply.id}`,
          externalId: ticket.ticketNumber,
          agent: { id: agent.id, name: agent.displayName },
          text: reply.body,
        })
      : null;
  if (inChat?.outcome === 'ok' || inChat?.outcome === 'duplicate') {
    await tickets.setReplyDelivery(reply.id, { status: 'sent', via: 'chat' });
    return { ...reply, deliveredVia: 'chat', deliveryStatus: 'sent' };
  }
  if (!ticket.customerEmail || !mailer) {
    const error = !ticket.customerEmail
      ? 'the requester left no e-mail address and is not in a live conversation'
      : 'e-mail is off (set SMTP_URL and MAIL_FROM)';
    await tickets.setReplyDelivery(reply.id, { status: 'failed', error });
    return { ...reply, deliveryStatus: 'failed', deliveryError: error };
  }
  const sent = await mailer.send({
    to: ticket.customerEmail,
    subject: `[${ticket.ticketNumber}] Re: ${ticket.subject}`,
    text: `${reply.body}\n\n— ${agent.displayName}\n\nReply to this e-mail or write in the chat; please keep the number ${ticket.ticketNumber}.`,
    references: `<${ticket.id}@switchboard>`,
  });
  if (sent.outcome === 'sent') {
    await tickets.setReplyDelivery(reply.id, { status: 'sent', externalMessageId: sent.messageId });
    return { ...reply, deliveryStatus: 'sent', externalMessageId: sent.messageId };
  }
  logger.warn({ ticket: ticket.ticketNumber, error: sent.error }, 'ticket reply e-mail failed');
  await tickets.setReplyDelivery(reply.id, { status: 'failed', error: sent.error });
  return { ...reply, deliveryStatus: 'failed', deliveryError: sent.error };
}

export async function replyToTicket(
  deps: TicketReplyDeps,
  id: string,
  res: Response,
  body: z.output<typeof ticketReplyBody>,
) {
  const { tickets } = deps;
  const found = await workableTicket(tickets, id, res, () => [{ action: 'reply' }]);
  if (!found) return;
  const { ticket, me } = found;
  if (ticket.status === 'closed')
    return sendError(res, 409, 'ticket_closed', `Ticket ${ticket.ticketNumber} is closed: open a new one.`);
  const { body: text, public: isPublic } = body;
  const at = deps.now();
  let reply = await tickets.addReply({
    ticketId: ticket.id,
    authorType: 'agent',
    authorId: me.id,
    authorName: me.displayName,
    body: text,
    isPublic,
    deliveredVia: isPublic ? 'email' : 'none',
    deliveryStatus: isPublic ? 'pending' : 'not_sent',
  });
  if (isPublic) {
    reply = await deliverReply(deps, ticket, reply, me);
    await tickets.markFirstResponse(ticket.id, at);
  }
  let current = (await tickets.get(ticket.id)) ?? ticket;
  // A public answer waits for the requester; their next message moves it back to in_progress.
  if (isPublic && (current.status === 'open' || current.status === 'in_progress')) {
    current =
      (await tickets.update(
        current.id,
        { status: current.status, assignee: current.assignedToAgentId },
        { status: 'awaiting_customer' },
      )) ?? current;
  }
  res.status(201).json({ ticket: ticketItemOf(current, deps.sla, me), reply: replyItem(reply) });
}
