// One row per year; `insert … on conflict do update set last = last + 1 returning last` hands out
// ticket numbers without gaps or duplicates under any concurrency.
import { integer, pgTable } from 'drizzle-orm/pg-core';

export const ticketCounters = pgTable('ticket_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});
