// One counter row per year (`ticket_counters`), bumped by a single upsert: Postgres locks the row for the
// statement, so concurrent callers in any process always get distinct numbers.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.ts';
import { rowsOf } from './pg-effect.log.ts';
import { ticketCounters } from './schema/index.ts';

export function createTicketCountersRepository(db: Db) {
  return {
    /** The year's next number, 1 for its first ticket. */
    async next(year: number): Promise<number> {
      const result = await db.execute(sql`
      insert into ticket_counters (year, last) values (${year}, 1)
      on conflict (year) do update set last = ticket_counters.last + 1
      returning last`);
      const [row] = rowsOf(result);
      return z.object({ last: z.coerce.number().int().positive() }).parse(row).last;
    },
    /** Every year starts again at 1 (QA specs, so a golden trace does not depend on what ran before). */
    async restartNumbering(): Promise<void> {
      await db.delete(ticketCounters);
    },
  };
}

export type TicketCountersRepository = ReturnType<typeof createTicketCountersRepository>;
