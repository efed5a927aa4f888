// What the Tickets tab knows of a ticket: the API's shapes, the status names an operator reads, and the
// first-reply SLA as words.
import type { z } from 'zod';
import type { TicketStatus } from '../../handoff/ticket.lifecycle.ts';
import type { ticketDetail } from '../tickets.schemas.ts';
import { formatDuration } from './console.store.ts';

export type Ticket = z.infer<typeof ticketDetail>;
export type TicketListItem = Omit<Ticket, 'replies' | 'satisfaction'>;
export type Reply = Ticket['replies'][number];

/** The status filter's default: every ticket someone still has to work on. */
export const OPEN_WORK = 'open,in_progress,awaiting_customer';

export const STATUS_NAMES: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  awaiting_customer: 'Awaiting customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const isOpenWork = (t: TicketListItem) => t.status !== 'resolved' && t.status !== 'closed';

/** "3m left", "overdue 12m", "answered": the ticket's first-reply SLA, from its `slaDueAt`. */
export function slaText(item: Pick<TicketListItem, 'slaDueAt' | 'firstResponseAt'>, now: number) {
  if (item.firstResponseAt) return { text: 'answered', tone: 'ok' };
  const left = Date.parse(item.slaDueAt) - now;
  return left >= 0
    ? { text: `SLA ${formatDuration(left)} left`, tone: left < 5 * 60_000 ? 'soon' : 'ok' }
    : { text: `SLA overdue ${formatDuration(-left)}`, tone: 'late' };
}
