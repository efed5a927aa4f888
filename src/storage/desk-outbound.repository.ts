// What we posted to the desks (`desk_outbound`): one row per visitor message and desk, claimed before the
// post and confirmed with the vendor's message id, so a re-run posts once and the desk's echo is recognised.
import { and, eq, or } from 'drizzle-orm';
import type { Db } from './database.ts';
import { deskOutbound } from './schema/index.ts';

export interface NewDeskPost {
  key: string;
  desk: string;
  externalId: string;
  conversationId: string;
  fingerprint: string;
}

export function createDeskOutboundRepository(db: Db, now: () => Date) {
  return {
    /** Inserts the post unless its key exists; whether it was new. */
    async insertPost(post: NewDeskPost): Promise<boolean> {
      const inserted = await db
        .insert(deskOutbound)
        .values({
          idempotencyKey: post.key,
          desk: post.desk,
          externalId: post.externalId,
          conversationId: post.conversationId,
          fingerprint: post.fingerprint,
          createdAt: now(),
        })
        .onConflictDoNothing({ target: deskOutbound.idempotencyKey })
        .returning({ id: deskOutbound.id });
      return inserted.length > 0;
    },

    /** Whether the vendor's message id of this post is recorded. */
    async isConfirmed(key: string): Promise<boolean> {
      const [row] = await db
        .select({ vendorMessageId: deskOutbound.vendorMessageId })
        .from(deskOutbound)
        .where(eq(deskOutbound.idempotencyKey, key));
      return row?.vendorMessageId !== null && row?.vendorMessageId !== undefined;
    },

    async confirm(key: string, vendorMessageId: string): Promise<void> {
      await db.update(deskOutbound).set({ vendorMessageId }).where(eq(deskOutbound.idempotencyKey, key));
    },

    async remove(key: string): Promise<void> {
      await db.delete(deskOutbound).where(eq(deskOutbound.idempotencyKey, key));
    },

    /** A post on that desk case with this vendor message id (when given) or this fingerprint. */
    async hasPost(
      desk: string,
      externalId: string,
      match: { fingerprint: string; vendorMessageId?: string },
    ) {
      const byText = eq(deskOutbound.fingerprint, match.fingerprint);
      const [row] = await db
        .select({ id: deskOutbound.id })
        .from(deskOutbound)
        .where(
          and(
            eq(deskOutbound.desk, desk),
            eq(deskOutbound.externalId, externalId),
            match.vendorMessageId
              ? or(eq(deskOutbound.vendorMessageId, match.vendorMessageId), byText)
              : byText,
          ),
        )
        .limit(1);
      return row !== undefined;
    },
  };
}

export type DeskOutboundRepository = ReturnType<typeof createDeskOutboundRepository>;
