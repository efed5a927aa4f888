// The ticket work API: list, open one, change it along its lifecycle, reply. Who may change a ticket is
// the one policy's `workMay` (src/engine/conversation.policy.ts: an agent works the tickets they hold or
// take; an admin any), and every change is applied only if the ticket is still as it was checked (409 when
// a colleague was faster).
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { DeskEvent } from '../handoff/desk-event.port.ts';
import type { Mailer } from '../handoff/mail/mail.client.ts';
import { type SatisfactionRepository, satisfactionItemOf } from '../storage/satisfaction.repository.ts';
import type { TicketsRepository } from '../storage/tickets.repository.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import type { SlaSeconds } from './operator.queue.ts';
import { type Route, route } from './route.table.ts';
import { changeTicket } from './ticket.change.ts';
import { replyItem, ticketItemOf } from './ticket.item.ts';
import { replyToTicket } from './ticket.reply.ts';
import { sendTicketNotFound } from './ticket.workable.ts';
import {
  ticketDetail,
  ticketItem,
  ticketListResponse,
  ticketPatchBody,
  ticketQuery,
  ticketReplyBody,
  ticketReplyResponse,
} from './tickets.schemas.ts';

export interface TicketRoutesOptions {
  tickets: TicketsRepository;
  ratings: Pick<SatisfactionRepository, 'ofTicket'>;
  directory: OperatorDirectory;
  mailer: Mailer | null;
  sla: SlaSeconds;
  logger: Logger;
  now: () => Date;
  /**
   * The ticket's conversation, told what happened to the ticket as a desk event (our console is the
   * ticket's desk): a reply reaches the requester in their live chat when the conversation takes it, and
   * resolving tells them and asks for a rating. Absent: e-mail only.
   */
  toConversation?: (event: DeskEvent) => Promise<{ outcome: string }>;
}

async function listTickets(
  { tickets, sla }: Pick<TicketRoutesOptions, 'tickets' | 'sla'>,
  res: Response,
  f: z.output<typeof ticketQuery>,
) {
  const me = operatorOf(res);
  const assignee = f.assignee === 'me' ? me.id : f.assignee === 'none' ? null : f.assignee;
  const { rows, total } = await tickets.list({ ...f, assignee, q: f.q || undefined });
  res.json({
    items: rows.map((r) => ticketItemOf(r, sla, me)),
    page: f.page,
    pageSize: f.pageSize,
    total,
  });
}

async function sendTicket(
  { tickets, ratings, sla }: Pick<TicketRoutesOptions, 'tickets' | 'ratings' | 'sla'>,
  id: string,
  res: Response,
) {
  const ticket = await tickets.get(id);
  if (!ticket) return sendTicketNotFound(res);
  const [replies, rating] = await Promise.all([tickets.replies(ticket.id), ratings.ofTicket(ticket.id)]);
  res.json({
    ...ticketItemOf(ticket, sla, operatorOf(res)),
    replies: replies.map(replyItem),
    satisfaction: rating ? satisfactionItemOf(rating) : null,
  });
}

export function ticketRoutes(options: TicketRoutesOptions): Route[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/tickets',
      summary: 'Support tickets, most urgent first, then oldest',
      tags: ['tickets'],
      auth: 'operator',
      responses: { '200': { description: 'A page of tickets', schema: ticketListResponse } },
      query: ticketQuery,
      handler: ({ res, query }) => listTickets(options, res, query),
    }),
    route({
      method: 'get',
      path: '/api/v1/tickets/{id}',
      summary: 'One ticket by id or number (TKT-2026-0001), with its replies and notes',
      tags: ['tickets'],
      auth: 'operator',
      responses: {
        '200': { description: 'The ticket', schema: ticketDetail },
        '404': { description: 'No such ticket' },
      },
      handler: ({ req, res }) => sendTicket(options, String(req.params.id), res),
    }),
    route({
      method: 'patch',
      path: '/api/v1/tickets/{id}',
      summary:
        'Change status (open → in_progress → awaiting_customer → resolved → closed), assignee, priority, resolution',
      tags: ['tickets'],
      auth: 'operator',
      responses: {
        '200': { description: 'The changed ticket', schema: ticketItem },
        '403': { description: "An agent changing a colleague's ticket, or assigning to someone else" },
        '404': { description: 'No such ticket' },
        '409': {
          description: 'A status move the lifecycle does not allow (details.allowed), or changed meanwhile',
        },
      },
      body: ticketPatchBody,
      handler: ({ req, res, body }) => changeTicket(options, String(req.params.id), res, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/tickets/{id}/replies',
      summary: 'Reply to the requester (their live conversation, else e-mail) or add an internal note',
      tags: ['tickets'],
      auth: 'operator',
      responses: {
        '201': { description: 'Stored, with how it was delivered', schema: ticketReplyResponse },
        '403': { description: 'The ticket is held by another agent, or not taken yet' },
        '404': { description: 'No such ticket' },
        '409': { description: 'The ticket is closed' },
      },
      body: ticketReplyBody,
      handler: ({ req, res, body }) => replyToTicket(options, String(req.params.id), res, body),
    }),
  ];
}
