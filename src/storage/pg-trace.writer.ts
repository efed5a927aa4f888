// Writes trace-sink batches into the Postgres records, idempotently (a redelivered entry changes
// nothing): trace rows and transcript messages are insert-if-absent, and the per-session mirror row only
// ever moves forward in version.
import { asc, eq, sql } from 'drizzle-orm';
import type { TraceRecord, TraceWriter } from '../engine/trace-sink.ts';
import { type TraceEntry, traceEntrySchema } from '../engine/turn.types.ts';
import type { Db } from './database.ts';
import { messages, sessions, traces } from './schema/index.ts';

export function createPgTraceWriter(db: Db, options: { sessionTtlSeconds: number }): TraceWriter {
  return {
    async write(records: TraceRecord[]) {
      if (records.length === 0) return;
      const latest = new Map<string, TraceRecord>();
      for (const r of records) {
        const seen = latest.get(r.sessionId);
        if (!seen || seen.session.version < r.session.version) latest.set(r.sessionId, r);
      }
      const messageRows = records.flatMap((r) =>
        r.messages.map((m) => ({
          sessionId: r.sessionId,
          seq: m.seq,
          role: m.role,
          text: m.text,
          buttons: m.buttons ?? null,
          agentId: m.agentId ?? null,
          createdAt: new Date(m.at),
        })),
      );
      await db.transaction(async (tx) => {
        await tx
          .insert(traces)
          .values(
            records.map((r) => ({
              sessionId: r.sessionId,
              seq: r.seq,
              clientMessageId: r.clientMessageId,
              entry: r.entry,
              response: r.response,
              createdAt: new Date(r.at),
            })),
          )
          .onConflictDoNothing();
        if (messageRows.length > 0) await tx.insert(messages).values(messageRows).onConflictDoNothing();
        await tx
          .insert(sessions)
          .values(
            [...latest.values()].map(({ sessionId, session: s }) => ({
              id: sessionId,
              tokenHash: s.tokenHash,
              schemaVersion: s.schemaVersion,
              version: s.version,
              state: s.state,
              owner: s.owner,
              snapshot: s.snapshot,
              messageCount: s.messageCount,
              createdAt: new Date(s.createdAt),
              updatedAt: new Date(s.updatedAt),
              expiresAt: new Date(Date.parse(s.updatedAt) + options.sessionTtlSeconds * 1000),
            })),
          )
          .onConflictDoUpdate({
            target: sessions.id,
            set: {
              schemaVersion: sql`excluded.schema_version`,
              version: sql`excluded.version`,
              state: sql`excluded.state`,
              owner: sql`excluded.owner`,
              snapshot: sql`excluded.snapshot`,
              messageCount: sql`excluded.message_count`,
              updatedAt: sql`excluded.updated_at`,
              expiresAt: sql`excluded.expires_at`,
            },
            setWhere: sql`${sessions.version} < excluded.version`,
          });
      });
    },
  };
}

/** The trace of a session as recorded in Postgres, in turn order. */
export async function readPgTraces(db: Db, sessionId: string): Promise<TraceEntry[]> {
  const rows = await db
    .select({ entry: traces.entry })
    .from(traces)
    .where(eq(traces.sessionId, sessionId))
    .orderBy(asc(traces.seq));
  return rows.map((r) => traceEntrySchema.parse(r.entry));
}
