// Satisfaction ratings: written by the survey's effects (idempotent per conversation segment: a re-run
// effect rewrites the same row), read by the conversation view and the CSAT analytics.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { channelSessions, satisfactionRatings, supportTickets } from './schema/index.ts';

export type SatisfactionRow = typeof satisfactionRatings.$inferSelect;

export function createSatisfactionRepository(db: Db) {
  return {
    async recordRating(input: {
      sessionId: string;
      segment: number;
      rating: number;
      agentId: string | null;
      category: string | null;
      at: Date;
    }): Promise<void> {
      const [channel] = await db
        .select({ channel: channelSessions.channel })
        .from(channelSessions)
        .where(eq(channelSessions.sessionId, input.sessionId))
        .limit(1);
      const [ticket] = await db
        .select({ id: supportTickets.id })
        .from(supportTickets)
        .where(eq(supportTickets.sessionId, input.sessionId))
        .orderBy(desc(supportTickets.createdAt))
        .limit(1);
      await db
        .insert(satisfactionRatings)
        .values({
          sessionId: input.sessionId,
          segment: input.segment,
          rating: input.rating,
          agentId: input.agentId,
          category: input.category,
          channel: channel?.channel ?? 'web',
          ticketId: ticket?.id ?? null,
          createdAt: input.at,
          updatedAt: input.at,
        })
        .onConflictDoUpdate({
          target: [satisfactionRatings.sessionId, satisfactionRatings.segment],
          set: { rating: input.rating, updatedAt: input.at },
        });
    },

    /** Adds the comment to the segment's rating; false when there is no rating (yet) to add it to. */
    async recordComment(input: { sessionId: string; segment: number; comment: string; at: Date }) {
      const changed = await db
        .update(satisfactionRatings)
        .set({ comment: input.comment, updatedAt: input.at })
        .where(
          and(
            eq(satisfactionRatings.sessionId, input.sessionId),
            eq(satisfactionRatings.segment, input.segment),
          ),
        )
        .returning({ id: satisfactionRatings.id });
      return changed.length > 0;
    },

    /** The rating a ticket's requester gave when it was solved (the latest, if they rated twice). */
    async ofTicket(ticketId: string): Promise<SatisfactionRow | null> {
      const [row] = await db
        .select()
        .from(satisfactionRatings)
        .where(eq(satisfactionRatings.ticketId, ticketId))
        .orderBy(desc(satisfactionRatings.updatedAt))
        .limit(1);
      return row ?? null;
    },

    async ofSession(sessionId: string): Promise<SatisfactionRow[]> {
      return db
        .select()
        .from(satisfactionRatings)
        .where(eq(satisfactionRatings.sessionId, sessionId))
        .orderBy(sql`${satisfactionRatings.segment} desc`);
    },
  };
}

export type SatisfactionRepository = ReturnType<typeof createSatisfactionRepository>;

/** A rating as the operator API shows it. */
export const satisfactionItemOf = (row: SatisfactionRow) => ({
  segment: row.segment,
  rating: row.rating,
  comment: row.comment,
  agentId: row.agentId,
  ticketId: row.ticketId,
  ratedAt: row.createdAt.toISOString(),
});
