// The replies on a ticket's thread: agents' answers (with how and whether they reached the requester),
// internal notes, and the requester's own answers from their conversation.
import { asc, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type TICKET_REPLY_AUTHORS, ticketReplies } from './schema/index.ts';

export type TicketReplyRow = typeof ticketReplies.$inferSelect;

export interface NewReply {
  ticketId: string;
  authorType: (typeof TICKET_REPLY_AUTHORS)[number];
  authorId: string | null;
  authorName: string | null;
  body: string;
  isPublic: boolean;
  deliveredVia: 'chat' | 'email' | 'none';
  deliveryStatus: 'pending' | 'sent' | 'failed' | 'not_sent';
  deliveryError?: string | null;
  externalMessageId?: string | null;
}

export function createTicketReplies(db: Db, now: () => Date) {
  return {
    async addReply(reply: NewReply): Promise<TicketReplyRow> {
      const [row] = await db
        .insert(ticketReplies)
        .values({ ...reply, createdAt: now() })
        .returning();
      if (!row) throw new Error(`reply to ticket ${reply.ticketId} was not stored`);
      return row;
    },

    /** The requester's answer in their conversation, once per `messageKey`; null when already stored. */
    async addRequesterAnswer(answer: {
      ticketId: string;
      messageKey: string;
      body: string;
      authorName: string | null;
    }): Promise<TicketReplyRow | null> {
      const [row] = await db
        .insert(ticketReplies)
        .values({
          ticketId: answer.ticketId,
          authorType: 'customer',
          authorId: null,
          authorName: answer.authorName,
          body: answer.body,
          isPublic: true,
          deliveredVia: 'chat',
          deliveryStatus: 'sent',
          externalMessageId: answer.messageKey,
          createdAt: now(),
        })
        .onConflictDoNothing()
        .returning();
      return row ?? null;
    },

    async setReplyDelivery(
      id: string,
      delivery: {
        status: 'sent' | 'failed';
        via?: 'chat' | 'email';
        error?: string | null;
        externalMessageId?: string | null;
      },
    ): Promise<void> {
      await db
        .update(ticketReplies)
        .set({
          ...(delivery.via ? { deliveredVia: delivery.via } : {}),
          deliveryStatus: delivery.status,
          deliveryError: delivery.error ?? null,
          externalMessageId: delivery.externalMessageId ?? null,
        })
        .where(eq(ticketReplies.id, id));
    },

    async replies(ticketId: string): Promise<TicketReplyRow[]> {
      return db
        .select()
        .from(ticketReplies)
        .where(eq(ticketReplies.ticketId, ticketId))
        .orderBy(asc(ticketReplies.createdAt), asc(ticketReplies.id));
    },
  };
}
