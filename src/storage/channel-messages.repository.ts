// What the messaging channels sent and what the vendor said became of it. A delivery looks up the parts of
// a message already sent before sending (at least once from the outbox, but each part once), and the
// vendor's status webhooks (sent → delivered → read, or failed) move a part's status forward only.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { ChannelName } from '../channels/channel.port.ts';
import type { Db } from './database.ts';
import { type CHANNEL_MESSAGE_STATUSES, channelMessages, channelStatusEvents } from './schema/index.ts';

export type ChannelMessageStatus = (typeof CHANNEL_MESSAGE_STATUSES)[number];

export interface StatusReport {
  channel: ChannelName;
  externalMessageId: string;
  status: ChannelMessageStatus;
  recipient: string | null;
  at: string;
  errorCode: string | null;
  errorTitle: string | null;
}

/** Later statuses win; `failed` wins over anything (a message can fail after it was sent). */
const RANK: Record<ChannelMessageStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export function createChannelMessages(db: Db, now: () => Date = () => new Date()) {
  async function apply(report: StatusReport): Promise<boolean> {
    const rank = sql`case ${channelMessages.status} when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else 4 end`;
    const rows = await db
      .update(channelMessages)
      .set({
        status: report.status,
        statusAt: new Date(report.at),
        ...(report.errorCode ? { errorCode: report.errorCode } : {}),
        ...(report.errorTitle ? { errorTitle: report.errorTitle } : {}),
      })
      .where(
        and(
          eq(channelMessages.channel, report.channel),
          eq(channelMessages.externalMessageId, report.externalMessageId),
          sql`${rank} < ${RANK[report.status]}`,
        ),
      )
      .returning({ sessionId: channelMessages.sessionId });
    return rows.length > 0;
  }

  return {
    /** Parts of (session, seq) already sent: part → vendor message id. */
    async sentParts(sessionId: string, seq: number): Promise<Map<number, string>> {
      const rows = await db
        .select({ part: channelMessages.part, id: channelMessages.externalMessageId })
        .from(channelMessages)
        .where(and(eq(channelMessages.sessionId, sessionId), eq(channelMessages.seq, seq)));
      return new Map(rows.map((r) => [r.part, r.id]));
    },

    async recordSent(sent: {
      sessionId: string;
      seq: number;
      part: number;
      channel: ChannelName;
      externalId: string;
      externalMessageId: string;
    }): Promise<void> {
      const at = now();
      await db
        .insert(channelMessages)
        .values({ ...sent, status: 'sent', sentAt: at, statusAt: at })
        .onConflictDoNothing();
      // A status webhook can overtake the answer to our send: apply what already arrived.
      const early = await db
        .select()
        .from(channelStatusEvents)
        .where(
          and(
            eq(channelStatusEvents.channel, sent.channel),
            eq(channelStatusEvents.externalMessageId, sent.externalMessageId),
          ),
        )
        .orderBy(asc(channelStatusEvents.at));
      for (const e of early)
        await apply({ ...e, channel: sent.channel, at: e.at.toISOString(), status: e.status });
    },

    /** Records a vendor status; true when it matched a message we sent. */
    async recordStatus(report: StatusReport): Promise<boolean> {
      await db
        .insert(channelStatusEvents)
        .values({
          channel: report.channel,
          externalMessageId: report.externalMessageId,
          status: report.status,
          recipient: report.recipient,
          errorCode: report.errorCode,
          errorTitle: report.errorTitle,
          at: new Date(report.at),
        })
        .onConflictDoNothing();
      return apply(report);
    },

    async forSession(sessionId: string) {
      return db
        .select()
        .from(channelMessages)
        .where(eq(channelMessages.sessionId, sessionId))
        .orderBy(asc(channelMessages.seq), asc(channelMessages.part));
    },
  };
}

export type ChannelMessages = ReturnType<typeof createChannelMessages>;
