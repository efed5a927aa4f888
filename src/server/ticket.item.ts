// A ticket and its replies as the work API answers them; `allowed` says what the asking operator may do
// with the ticket, from the same policy that checks their changes (conversation.policy.ts `workMay`).
import type { Priority } from '../detection/detection.types.ts';
import { allowedWork, type WorkFacts } from '../engine/conversation.policy.ts';
import { TICKET_TRANSITIONS } from '../handoff/ticket.lifecycle.ts';
import type { TicketReplyRow, TicketRow } from '../storage/tickets.repository.ts';
import type { Operator } from './auth.operators.ts';
import type { SlaSeconds } from './operator.queue.ts';
import type { TicketItem } from './tickets.schemas.ts';

const asPriority = (p: string): Priority => (p === 'urgent' || p === 'high' || p === 'medium' ? p : 'low');

export const ticketFactsOf = (row: TicketRow): WorkFacts => ({
  label: `ticket ${row.ticketNumber}`,
  assignedTo: row.assignedToAgentId,
});
export const actorOf = (me: Operator) => ({ operatorId: me.id, role: me.role });

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
    allowed: allowedWork('ticket', actorOf(me), ticketFactsOf(row)),
  };
}

export const replyItem = (r: TicketReplyRow) => ({
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
