// Ticket numbers TKT-YYYY-NNNN from the ticket_counters upsert. Risks covered: two tickets with one number
// under concurrency (a read-then-write counter would do that), numbers not restarting per year, and the
// embedded database (PGlite) behaving differently from a real Postgres server.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTicketNumberAllocator, formatTicketNumber } from '../../src/handoff/ticket-number.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { createTicketCountersRepository } from '../../src/storage/ticket-counters.repository.ts';
import { databaseUrl, freshPostgresDatabase } from '../support/servers.ts';
import { freshDataDir } from '../support/templates.ts';

async function fiftyAtOnce(database: Database) {
  const allocate = createTicketNumberAllocator(
    createTicketCountersRepository(database.db),
    () => new Date('2031-06-01T12:00:00Z'),
  );
  const numbers = await Promise.all(Array.from({ length: 50 }, () => allocate()));
  expect(new Set(numbers).size).toBe(50);
  expect([...numbers].sort()).toEqual(Array.from({ length: 50 }, (_, i) => formatTicketNumber(2031, i + 1)));
  const nextYear = createTicketNumberAllocator(
    createTicketCountersRepository(database.db),
    () => new Date('2032-01-01T00:00:01Z'),
  );
  expect(await nextYear()).toBe('TKT-2032-0001');
  expect(await allocate()).toBe('TKT-2031-0051');
}

describe('ticket numbers', () => {
  it('format: four digits, more when a year runs past 9999', () => {
    expect(formatTicketNumber(2025, 7)).toBe('TKT-2025-0007');
    expect(formatTicketNumber(2025, 12345)).toBe('TKT-2025-12345');
  });

  it('50 concurrent allocations on PGlite are unique and gapless', async () => {
    const dir = await freshDataDir('sb-tickets-');
    const database = await openDatabase({ dataDir: dir });
    try {
      await fiftyAtOnce(database);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(Boolean(databaseUrl))(
    '50 concurrent allocations on a real Postgres (a pool of connections) are unique and gapless',
    async () => {
      const fresh = await freshPostgresDatabase();
      const database = await openDatabase({ databaseUrl: fresh.url, dataDir: '', poolSize: 20 });
      try {
        await fiftyAtOnce(database);
      } finally {
        await database.close();
        await fresh.drop();
      }
    },
  );
});
