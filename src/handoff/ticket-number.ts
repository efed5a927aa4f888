// Ticket numbers TKT-YYYY-NNNN, race-free across processes: one counter row per year, bumped by a single
// upsert (`insert … on conflict do update set last = ticket_counters.last + 1 returning last`). Postgres
// locks the row for the statement, so concurrent callers always get distinct numbers.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../storage/database.ts';
import { rowsOf } from '../storage/pg-effect.log.ts';

export function formatTicketNumber(year: number, n: number): string {
  // Four digits as the format promises; the 10 000th ticket of a year simply gets five.
  return `TKT-${year}-${String(n).padStart(4, '0')}`;
}

export function createTicketNumberAllocator(db: Db, now: () => Date = () => new Date()) {
  return async function allocateTicketNumber(): Promise<string> {
    const year = now().getUTCFullYear();
    const result = await db.execute(sql`
      insert into ticket_counters (year, last) values (${year}, 1)
      on conflict (year) do update set last = ticket_counters.last + 1
      returning last`);
    const [row] = rowsOf(result);
    const { last } = z.object({ last: z.coerce.number().int().positive() }).parse(row);
    return formatTicketNumber(year, last);
  };
}
