// PATCH /api/v1/tickets/{id}: status along the lifecycle, assignee, priority, resolution. The change is
// applied only if the ticket is still as it was checked (409 when a colleague was faster); resolving or
// closing a ticket from a conversation tells that conversation.
import type { Response } from 'express';
import type { z } from 'zod';
import { checkTicketMove, type TicketStatus } from '../handoff/ticket.lifecycle.ts';
import type { TicketPatch, TicketRow } from '../storage/tickets.repository.ts';
import type { Operator } from './auth.operators.ts';
import { sendError } from './http.errors.ts';
import { ticketItemOf } from './ticket.item.ts';
import { workableTicket } from './ticket.workable.ts';
import type { TicketRoutesOptions } from './tickets.routes.ts';
import type { ticketPatchBody } from './tickets.schemas.ts';

type TicketPatchBody = z.output<typeof ticketPatchBody>;

type TicketChangeDeps = Pick<
  TicketRoutesOptions,
  'tickets' | 'directory' | 'sla' | 'logger' | 'toConversation'
>;

/** Why a change is refused, as the error answer says it. */
interface Refusal {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

const assigneeOf = (b: TicketPatchBody, me: Operator) => (b.assignee === 'me' ? me.id : (b.assignee ?? null));

/** The patch the body asks for, checked against the directory and the lifecycle, or why not. */
async function ticketPatchOf(
  directory: TicketChangeDeps['directory'],
  ticket: TicketRow,
  me: Operator,
  b: TicketPatchBody,
): Promise<{ patch: TicketPatch } | { refusal: Refusal }> {
  const patch: TicketPatch = {};
  if (b.assignee !== undefined) {
    const assignee = assigneeOf(b, me);
    if (assignee !== null && assignee !== me.id && !(await directory.get(assignee)))
      return {
        refusal: {
          status: 400,
          code: 'unknown_agent',
          message: `assignee: no active operator has the id ${assignee}.`,
        },
      };
    patch.assignedToAgentId = assignee;
  }
  let status: TicketStatus | undefined = b.status;
  // Taking an open ticket starts the work on it.
  if (!status && patch.assignedToAgentId && ticket.status === 'open') status = 'in_progress';
  if (status) {
    const move = checkTicketMove(ticket.status, status);
    if (move.outcome === 'not_allowed')
      return {
        refusal: {
          status: 409,
          code: 'status_not_allowed',
          message: move.allowed.length
            ? `A ${move.from} ticket can move to ${move.allowed.join(', ')}, not ${move.to}.`
            : `A ${move.from} ticket is final: it cannot move to ${move.to}.`,
          details: { from: move.from, allowed: move.allowed },
        },
      };
    if (move.outcome === 'ok') patch.status = status;
  }
  if (patch.status === 'resolved' && !(b.resolutionNotes ?? ticket.resolutionNotes))
    return {
      refusal: {
        status: 400,
        code: 'invalid_request',
        message: 'resolutionNotes: say what was done when you resolve a ticket',
      },
    };
  if (b.priority) patch.priority = b.priority;
  if (b.resolutionNotes !== undefined) patch.resolutionNotes = b.resolutionNotes;
  if (b.resolutionCategory !== undefined) patch.resolutionCategory = b.resolutionCategory;
  return { patch };
}

/** The ticket's conversation learns it was solved or closed (a failure is logged: the change stands). */
async function tellConversationOfEnd(
  { toConversation, logger }: TicketChangeDeps,
  updated: TicketRow,
  status: 'resolved' | 'closed',
  me: Operator,
) {
  if (!updated.sessionId || !toConversation) return;
  await toConversation({
    desk: 'ticket',
    kind: 'ticket_status_changed',
    eventId: `status:${updated.id}:${status}:${updated.updatedAt.toISOString()}`,
    externalId: updated.ticketNumber,
    status: status === 'resolved' ? 'solved' : 'closed',
    agent: { id: me.id, name: me.displayName },
  }).catch((error: unknown) =>
    logger.warn({ err: error, ticket: updated.ticketNumber }, 'telling the conversation failed'),
  );
}

export async function changeTicket(deps: TicketChangeDeps, id: string, res: Response, b: TicketPatchBody) {
  const found = await workableTicket(deps.tickets, id, res, (me) => [
    { action: 'change' },
    ...(b.assignee !== undefined ? [{ action: 'assign' as const, agentId: assigneeOf(b, me) }] : []),
  ]);
  if (!found) return;
  const { ticket, me } = found;
  const asked = await ticketPatchOf(deps.directory, ticket, me, b);
  if ('refusal' in asked) {
    const { status, code, message, details } = asked.refusal;
    return sendError(res, status, code, message, details);
  }
  const { patch } = asked;
  const updated = await deps.tickets.update(
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
  deps.logger.info({ ticket: ticket.ticketNumber, by: me.id, patch }, 'ticket changed');
  if (patch.status === 'resolved' || patch.status === 'closed')
    await tellConversationOfEnd(deps, updated, patch.status, me);
  res.json(ticketItemOf(updated, deps.sla, me));
}
