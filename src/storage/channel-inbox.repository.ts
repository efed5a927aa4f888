// The durable inbox of channel messages (`channel_inbox`): idempotent writes by vendor message id, leased
// claims that keep one person's messages in arrival order (a row is claimable only when no earlier row of
// the same channel and external id is pending), and the row's outcome.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.ts';
import { rowsOf } from './pg-effect.log.ts';
import { channelInbox } from './schema/index.ts';

export interface NewChannelInboxRecord {
  channel: string;
  externalId: string;
  messageId: string;
  inbound: unknown;
}

export interface ClaimedChannelInboxRecord {
  id: number;
  /** As stored; the caller parses it. */
  inbound: unknown;
  attempts: number;
}

const claimedRow = z.object({
  id: z.union([z.string(), z.number()]).transform(Number),
  inbound: z.unknown(),
  attempts: z.number(),
});

export function createChannelInboxRepository(db: Db) {
  return {
    /** False when a row with this message id exists (the vendor delivered it before). */
    async insert(values: NewChannelInboxRecord, receivedAt: Date): Promise<boolean> {
      const rows = await db
        .insert(channelInbox)
        .values({ ...values, receivedAt })
        .onConflictDoNothing()
        .returning({ id: channelInbox.id });
      return rows.length > 0;
    },

    /** Leases up to `limit` claimable rows until `until`; a row whose lease ran out is claimable again. */
    async claim(limit: number, at: Date, until: Date): Promise<ClaimedChannelInboxRecord[]> {
      const result = await db.execute(sql`
        update ${channelInbox} set locked_until = ${until.toISOString()}, attempts = attempts + 1
        where id in (
          select i.id from ${channelInbox} i
          where i.status = 'pending' and (i.locked_until is null or i.locked_until < ${at.toISOString()})
            and not exists (
              select 1 from ${channelInbox} e
              where e.status = 'pending' and e.channel = i.channel and e.external_id = i.external_id
                and e.id < i.id)
          order by i.id limit ${limit}
          for update skip locked)
        returning id, inbound, attempts`);
      return rowsOf(result).map((row) => claimedRow.parse(row));
    },

    async finish(
      id: number,
      outcome: {
        status: 'done' | 'unsupported' | 'failed';
        processedAt: Date;
        sessionId?: string;
        lastError?: string;
      },
    ): Promise<void> {
      await db
        .update(channelInbox)
        .set({ ...outcome, lockedUntil: null })
        .where(eq(channelInbox.id, id));
    },

    /** A pending row left locked until `lockedUntil` (its retry delay). */
    async postpone(id: number, lastError: string, lockedUntil: Date): Promise<void> {
      await db
        .update(channelInbox)
        .set({ lastError, lockedUntil })
        .where(and(eq(channelInbox.id, id), eq(channelInbox.status, 'pending')));
    },

    async pendingCount(): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(channelInbox)
        .where(eq(channelInbox.status, 'pending'));
      return row?.n ?? 0;
    },
  };
}

export type ChannelInboxRepository = ReturnType<typeof createChannelInboxRepository>;
