// Conversations by visitor channel (web, whatsapp, evolution, salesiq) over time: how many started, were
// handed to a human, and were resolved by the bot. The channel is the one the conversation started on, as
// its first trace entry records it (entries without one are web widget sessions, as before channels).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.ts';
import { traces } from '../schema/index.ts';
import { at, bucketOf, instant, int, type Period, queryRows } from './analytics.query.ts';

export interface ChannelsRow {
  bucket: string;
  channel: string;
  conversations: number;
  escalated: number;
  resolvedByBot: number;
  /** escalated / conversations */
  escalationRate: number;
}

const row = z.object({
  bucket: instant,
  channel: z.string(),
  conversations: int,
  escalated: int,
  resolved_by_bot: int,
});

export async function conversationsByChannel(db: Db, period: Period): Promise<ChannelsRow[]> {
  const rows = await queryRows(
    db,
    sql`with started as (
      select ${traces.sessionId} as session_id, ${traces.createdAt} as started_at,
        coalesce(${traces.entry}->'inbound'->>'channel', 'web') as channel
      from ${traces}
      where ${traces.seq} = 1 and ${traces.createdAt} >= ${at(period.from)} and ${traces.createdAt} < ${at(period.to)}
    ),
    conv as (
      select s.session_id, s.channel, ${bucketOf(sql`s.started_at`, period.bucket)} as bucket,
        exists (select 1 from ${traces} t where t.session_id = s.session_id
                and (t.entry->>'to' like 'escalated.%' or t.entry->>'to' in ('callback_scheduled', 'ticket_created'))) as escalated,
        exists (select 1 from ${traces} t where t.session_id = s.session_id and t.entry->>'to' = 'resolved') as resolved
      from started s
    )
    select bucket, channel, count(*) as conversations,
      count(*) filter (where escalated) as escalated,
      count(*) filter (where resolved and not escalated) as resolved_by_bot
    from conv group by bucket, channel order by bucket, channel`,
    row,
  );
  return rows.map((r) => ({
    bucket: r.bucket,
    channel: r.channel,
    conversations: r.conversations,
    escalated: r.escalated,
    resolvedByBot: r.resolved_by_bot,
    escalationRate: r.conversations ? r.escalated / r.conversations : 0,
  }));
}
