// What the customer priority rules know about the person in a conversation: their tier and lifetime
// value, their open tickets and their recent escalations.
import { and, eq, gte, inArray, notInArray, or, sql } from 'drizzle-orm';
import type { CustomerFacts } from '../contacts/contact.types.ts';
import { contactRow, conversationIdsOf } from './contact-links.repository.ts';
import type { Db } from './database.ts';
import { escalations, supportTickets } from './schema/index.ts';

const DAY_MS = 86_400_000;

async function openTicketCount(db: Db, sessionIds: string[], email: string | null): Promise<number> {
  const [open] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(supportTickets)
    .where(
      and(
        or(
          sessionIds.length > 0 ? inArray(supportTickets.sessionId, sessionIds) : sql`false`,
          ...(email ? [eq(supportTickets.customerEmail, email)] : []),
        ),
        notInArray(supportTickets.status, ['resolved', 'closed']),
      ),
    );
  return open?.n ?? 0;
}

async function escalationCountSince(db: Db, sessionIds: string[], since: Date): Promise<number> {
  const [recent] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(escalations)
    .where(
      and(
        sessionIds.length > 0 ? inArray(escalations.conversationId, sessionIds) : sql`false`,
        gte(escalations.createdAt, since),
      ),
    );
  return recent?.n ?? 0;
}

/** The facts of a known contact; null when there is no such contact. */
export async function customerFactsOf(
  db: Db,
  contactId: string,
  recentDays: number,
  now: () => Date,
): Promise<CustomerFacts | null> {
  const row = await contactRow(db, contactId);
  if (!row) return null;
  const ids = await conversationIdsOf(db, [contactId]);
  const since = new Date(now().getTime() - recentDays * DAY_MS);
  return {
    contactId,
    tier: row.tier,
    lifetimeValue: row.lifetimeValue,
    openTickets: await openTicketCount(db, ids, row.email),
    recentEscalations: await escalationCountSince(db, ids, since),
  };
}
