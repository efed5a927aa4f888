// The channel_sessions and channel_deliveries tables: which session a person on a visitor channel is in,
// and which outbound messages have reached them. Claims are insert-if-absent and replacements are
// compare-and-set on the old session id, so concurrent first messages agree on one session.
import { and, eq, inArray } from 'drizzle-orm';
import type { ChannelName, ChannelProfile } from '../channels/channel.port.ts';
import type { Db } from './database.ts';
import { channelDeliveries, channelSessions } from './schema/index.ts';

export interface ChannelSessionRow {
  channel: ChannelName;
  externalId: string;
  sessionId: string;
  phone: string | null;
  claimedAt: Date;
}

const asRow = (r: typeof channelSessions.$inferSelect): ChannelSessionRow => ({
  channel: r.channel as ChannelName,
  externalId: r.externalId,
  sessionId: r.sessionId,
  phone: r.phone,
  claimedAt: r.claimedAt,
});

export function createChannelSessionsRepository(db: Db, now: () => Date) {
  return {
    async find(channel: ChannelName, externalId: string): Promise<ChannelSessionRow | null> {
      const [row] = await db
        .select()
        .from(channelSessions)
        .where(and(eq(channelSessions.channel, channel), eq(channelSessions.externalId, externalId)));
      return row ? asRow(row) : null;
    },

    async bySession(sessionId: string): Promise<ChannelSessionRow | null> {
      const [row] = await db.select().from(channelSessions).where(eq(channelSessions.sessionId, sessionId));
      return row ? asRow(row) : null;
    },

    /** True when this call claimed (channel, externalId) for `sessionId`; false when someone else has it. */
    async claim(
      channel: ChannelName,
      externalId: string,
      sessionId: string,
      profile: ChannelProfile = {},
    ): Promise<boolean> {
      const at = now();
      const inserted = await db
        .insert(channelSessions)
        .values({
          channel,
          externalId,
          sessionId,
          phone: profile.phone ?? null,
          profileName: profile.name ?? null,
          createdAt: at,
          claimedAt: at,
        })
        .onConflictDoNothing()
        .returning({ sessionId: channelSessions.sessionId });
      return inserted.length > 0;
    },

    /** Points the row at a new session if it still points at `previous` (its session expired). */
    async replace(
      channel: ChannelName,
      externalId: string,
      previous: string,
      next: string,
    ): Promise<boolean> {
      const changed = await db
        .update(channelSessions)
        .set({ sessionId: next, claimedAt: now() })
        .where(
          and(
            eq(channelSessions.channel, channel),
            eq(channelSessions.externalId, externalId),
            eq(channelSessions.sessionId, previous),
          ),
        )
        .returning({ sessionId: channelSessions.sessionId });
      return changed.length > 0;
    },

    /** Message seqs of this session already delivered or failed for good (never sent again). */
    async settledSeqs(sessionId: string, seqs: number[]): Promise<Set<number>> {
      if (seqs.length === 0) return new Set();
      const rows = await db
        .select({ seq: channelDeliveries.messageSeq })
        .from(channelDeliveries)
        .where(and(eq(channelDeliveries.sessionId, sessionId), inArray(channelDeliveries.messageSeq, seqs)));
      return new Set(rows.map((r) => r.seq));
    },

    async recordDeliveries(
      rows: Array<{
        sessionId: string;
        messageSeq: number;
        channel: ChannelName;
        status: 'delivered' | 'failed';
        externalMessageIds?: string[];
        code?: string;
        reason?: string;
      }>,
    ): Promise<void> {
      if (rows.length === 0) return;
      const at = now();
      await db
        .insert(channelDeliveries)
        .values(
          rows.map((r) => ({
            sessionId: r.sessionId,
            messageSeq: r.messageSeq,
            channel: r.channel,
            status: r.status,
            externalMessageIds: r.externalMessageIds ?? [],
            code: r.code ?? null,
            reason: r.reason ?? null,
            at,
          })),
        )
        .onConflictDoNothing();
    },

    /** The last delivery that failed for good on this session, for the console's "can't reach" notice. */
    async lastFailure(sessionId: string) {
      const rows = await db
        .select()
        .from(channelDeliveries)
        .where(and(eq(channelDeliveries.sessionId, sessionId), eq(channelDeliveries.status, 'failed')));
      return rows.sort((a, b) => b.messageSeq - a.messageSeq)[0] ?? null;
    },
  };
}

export type ChannelSessionsRepository = ReturnType<typeof createChannelSessionsRepository>;
