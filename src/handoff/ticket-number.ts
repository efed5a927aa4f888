// Ticket numbers TKT-YYYY-NNNN, race-free across processes: the year's counter row is bumped by one upsert
// (src/storage/ticket-counters.repository.ts).
import type { TicketCountersRepository } from '../storage/ticket-counters.repository.ts';

export function formatTicketNumber(year: number, n: number): string {
  // Four digits as the format promises; the 10 000th ticket of a year simply gets five.
  return `TKT-${year}-${String(n).padStart(4, '0')}`;
}

export function createTicketNumberAllocator(
  counters: TicketCountersRepository,
  now: () => Date = () => new Date(),
) {
  return async function allocateTicketNumber(): Promise<string> {
    const year = now().getUTCFullYear();
    return formatTicketNumber(year, await counters.next(year));
  };
}
