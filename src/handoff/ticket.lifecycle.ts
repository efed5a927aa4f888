// The ticket lifecycle of the source document: open → in_progress → awaiting_customer → resolved → closed,
// with the moves back that real work needs (the requester answers, a resolved ticket is reopened). Pure:
// the repository applies a change only if the status is still the one this rule was checked against.
import type { TICKET_STATUSES } from '../storage/schema/index.ts';

export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['in_progress', 'awaiting_customer', 'resolved', 'closed'],
  in_progress: ['awaiting_customer', 'resolved', 'open'],
  awaiting_customer: ['in_progress', 'resolved', 'closed'],
  resolved: ['closed', 'in_progress'],
  closed: [],
};

export type TicketMove =
  | { outcome: 'ok' }
  | { outcome: 'unchanged' }
  | { outcome: 'not_allowed'; from: TicketStatus; to: TicketStatus; allowed: readonly TicketStatus[] };

export function checkTicketMove(from: TicketStatus, to: TicketStatus): TicketMove {
  if (from === to) return { outcome: 'unchanged' };
  const allowed = TICKET_TRANSITIONS[from];
  return allowed.includes(to) ? { outcome: 'ok' } : { outcome: 'not_allowed', from, to, allowed };
}

/** A ticket is open work until it is resolved or closed. */
export const isOpenTicket = (status: TicketStatus) => status !== 'resolved' && status !== 'closed';

/** The requester answered: a ticket that waited on them is worked again; any other status stays. */
export const statusAfterRequesterAnswer = (status: TicketStatus): TicketStatus | null =>
  status === 'awaiting_customer' ? 'in_progress' : null;
