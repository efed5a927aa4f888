// The ticket work API: list, open one, change it along its lifecycle, reply. Who may change a ticket is
// the one policy's `workMay` (src/engine/conversation.policy.ts: an agent works the tickets they hold or
// take; an admin any), and every change is applied only if the ticket is still as it was checked (409 when
// a colleague was faster).
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Priority } from '../detection/detection.types.ts';
import { allowedWork, type WorkCommand, type WorkFacts, workMay } from '../engine/conversation.policy.ts';
import type { DeskEvent } from '../handoff/desk-event.port.ts';
import type { Mailer } from '../handoff/mail/mail.client.ts';
import { checkTicketMove, TICKET_TRANSITIONS, type TicketStatus } from '../handoff/ticket.lifecycle.ts';
import { type SatisfactionRepository, satisfactionItemOf } from '../storage/satisfaction.repository.ts';
import type {
  TicketPatch,
  TicketReplyRow,
  TicketRow,
  TicketsRepository,
} from '../storage/tickets.repository.ts';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError } from './http.errors.ts';
import type { SlaSeconds } from './operator.queue.ts';
import { type Route, route } from './route.table.ts';
import {
  type TicketItem,
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

const asPriority = (p: string): Priority => (p === 'urgent' || p === 'high' || p === 'medium' ? p : 'low');

const factsOf = (row: TicketRow): WorkFacts => ({
  label: `ticket ${row.ticketNumber}`,
  assignedTo: row.assignedToAgentId,
});
const actorOf = (me: Operator) => ({ operatorId: me.id, role: me.role });

/** The ticket as an operator sees it: `allowed` says what this operator may do with it. */
export function ticketItemOf(row: TicketRow, sla: SlaSeconds, me: Operator): TicketItem {
  return {
    id: row.id,
    ticketNumber: row.ticketNumber,
    status: row.status,
    allowedStatuses: [...TICKET_TRANSITIONS[row.status]],
    priority: row.priority,
    subject: row.subject,
    description: row.description,
    category: row.escalationCategory,
    channel: row.sourceType,
    customerId: row.customerId,
    customerEmail: row.customerEmail,
    sourcePhoneNumber: row.sourcePhoneNumber,
    sourceReferenceId: row.sourceReferenceId,
    sessionId: row.sessionId,
    assignedTo: row.assignedToAgentId,
    escalationReason: row.escalationReason,
    sentiment: row.botDetectedSentiment,
    journeyStage: row.customerJourneyStage,
    firstResponseAt: row.firstResponseAt?.toISOString() ?? null,
    resolutionNotes: row.resolutionNotes,
    resolutionCategory: row.resolutionCategory,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    slaDueAt: new Date(row.createdAt.getTime() + sla[asPriority(row.priority)] * 1000).toISOString(),
    allowed: allowedWork('ticket', actorOf(me), factsOf(row)),
  };
}

const replyItem = (r: TicketReplyRow) => ({
  id: r.id,
  authorType: r.authorType,
  authorId: r.authorId,
  authorName: r.authorName,
  body: r.body,
  public: r.isPublic,
  deliveredVia: r.deliveredVia,
  deliveryStatus: r.deliveryStatus,
  deliveryError: r.deliveryError,
  createdAt: r.createdAt.toISOString(),
});

const notFound = (res: Response) =>
  sendError(res, 404, 'ticket_not_found', 'No ticket with this id or number (like TKT-2026-0001).');

export function ticketRoutes(options: TicketRoutesOptions): Route[] {
  const { tickets, directory, sla, logger } = options;
  const routes: Route[] = [];

  routes.push(
    route({
      method: 'get',
      path: '/api/v1/tickets',
      summary: 'Support tickets, most urgent first, then oldest',
      tags: ['tickets'],
      auth: 'operator',
      responses: { '200': { description: 'A page of tickets', schema: ticketListResponse } },
      query: ticketQuery,
      handler: async ({ res, query }) => {
        const f = query;
        const me = operatorOf(res);
        const assignee = f.assignee === 'me' ? me.id : f.assignee === 'none' ? null : f.assignee;
        const { rows, total } = await tickets.list({ ...f, assignee, q: f.q || undefined });
        res.json({
          items: rows.map((r) => ticketItemOf(r, sla, me)),
          page: f.page,
          pageSize: f.pageSize,
          total,
        });
      },
    }),
  );

  routes.push(
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
      handler: async ({ req, res }) => {
        const ticket = await tickets.get(String(req.params.id));
        if (!ticket) return notFound(res);
        const [replies, rating] = await Promise.all([
          tickets.replies(ticket.id),
          options.ratings.ofTicket(ticket.id),
        ]);
        res.json({
          ...ticketItemOf(ticket, sla, operatorOf(res)),
          replies: replies.map(replyItem),
          satisfaction: rating ? satisfactionItemOf(rating) : null,
        });
      },
    }),
  );

  /** The ticket, if this operator may run these commands on it; null after answering 404 / 403. */
  async function workable(
    req: Request,
    res: Response,
    commands: (me: Operator) => WorkCommand[],
  ): Promise<{ ticket: TicketRow; me: Operator } | null> {
    const ticket = await tickets.get(String(req.params.id));
    if (!ticket) {
      notFound(res);
      return null;
    }
    const me = operatorOf(res);
    for (const command of commands(me)) {
      const may = workMay('ticket', actorOf(me), command, factsOf(ticket));
      if (!may.allowed) {
        sendError(res, 403, may.code, may.message);
        return null;
      }
    }
    return { ticket, me };
  }

  routes.push(
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
      handler: async ({ req, res, body }) => {
        const b = body;
        const assigneeOf = (me: Operator) => (b.assignee === 'me' ? me.id : (b.assignee ?? null));
        const found = await workable(req, res, (me) => [
          { action: 'change' },
          ...(b.assignee !== undefined ? [{ action: 'assign' as const, agentId: assigneeOf(me) }] : []),
        ]);
        if (!found) return;
        const { ticket, me } = found;
        const patch: TicketPatch = {};
        if (b.assignee !== undefined) {
          const assignee = assigneeOf(me);
          if (assignee !== null && assignee !== me.id && !(await directory.get(assignee)))
            return sendError(
              res,
              400,
              'unknown_agent',
              `assignee: no active operator has the id ${assignee}.`,
            );
          patch.assignedToAgentId = assignee;
        }
        let status: TicketStatus | undefined = b.status;
        // Taking an open ticket starts the work on it.
        if (!status && patch.assignedToAgentId && ticket.status === 'open') status = 'in_progress';
        if (status) {
          const move = checkTicketMove(ticket.status, status);
          if (move.outcome === 'not_allowed')
            return sendError(
              res,
              409,
              'status_not_allowed',
              move.allowed.length
                ? `A ${move.from} ticket can move to ${move.allowed.join(', ')}, not ${move.to}.`
                : `A ${move.from} ticket is final: it cannot move to ${move.to}.`,
              { from: move.from, allowed: move.allowed },
            );
          if (move.outcome === 'ok') patch.status = status;
        }
        if (patch.status === 'resolved' && !(b.resolutionNotes ?? ticket.resolutionNotes))
          return sendError(
            res,
            400,
            'invalid_request',
            'resolutionNotes: say what was done when you resolve a ticket',
          );
        if (b.priority) patch.priority = b.priority;
        if (b.resolutionNotes !== undefined) patch.resolutionNotes = b.resolutionNotes;
        if (b.resolutionCategory !== undefined) patch.resolutionCategory = b.resolutionCategory;
        const updated = await tickets.update(
          ticket.id,
          { status: ticket.status, assignee: ticket.assignedToAgentId },
          patch,
        );
        if (!updated)
          return sendError(
            res,
            409,
            'changed_meanwhile',
            `Ticket ${ticket.ticketNumber} was changed by someone else a moment ago; reload it and try again.`,
          );
        logger.info({ ticket: ticket.ticketNumber, by: me.id, patch }, 'ticket changed');
        if (
          (patch.status === 'resolved' || patch.status === 'closed') &&
          updated.sessionId &&
          options.toConversation
        )
          await options
            .toConversation({
              desk: 'ticket',
              kind: 'ticket_status_changed',
              eventId: `status:${updated.id}:${patch.status}:${updated.updatedAt.toISOString()}`,
              externalId: updated.ticketNumber,
              status: patch.status === 'resolved' ? 'solved' : 'closed',
              agent: { id: me.id, name: me.displayName },
            })
            .catch((error: unknown) =>
              logger.warn({ err: error, ticket: updated.ticketNumber }, 'telling the conversation failed'),
            );
        res.json(ticketItemOf(updated, sla, me));
      },
    }),
  );

  routes.push(
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
      handler: async ({ req, res, body }) => {
        const found = await workable(req, res, () => [{ action: 'reply' }]);
        if (!found) return;
        const { ticket, me } = found;
        if (ticket.status === 'closed')
          return sendError(
            res,
            409,
            'ticket_closed',
            `Ticket ${ticket.ticketNumber} is closed: open a new one.`,
          );
        const { body: text, public: isPublic } = body;
        const at = options.now();
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
          reply = await deliver(ticket, reply, me);
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
        res.status(201).json({ ticket: ticketItemOf(current, sla, me), reply: replyItem(reply) });
      },
    }),
  );

  async function deliver(ticket: TicketRow, reply: TicketReplyRow, agent: Operator): Promise<TicketReplyRow> {
    const inChat =
      ticket.sessionId && options.toConversation
        ? await options.toConversation({
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
    if (!ticket.customerEmail || !options.mailer) {
      const error = !ticket.customerEmail
        ? 'the requester left no e-mail address and is not in a live conversation'
        : 'e-mail is off (set SMTP_URL and MAIL_FROM)';
      await tickets.setReplyDelivery(reply.id, { status: 'failed', error });
      return { ...reply, deliveryStatus: 'failed', deliveryError: error };
    }
    const sent = await options.mailer.send({
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

  return routes;
}
