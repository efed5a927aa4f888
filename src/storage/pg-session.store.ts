// SessionStore on Postgres (or PGlite) through Drizzle. A turn commits in one transaction: the session row
// moves from version N to N+1 only if it is still at N, together with its messages, trace entry, outbox
// effects and timer changes. A duplicate clientMessageId hits the unique index and returns the first answer.
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import {
  type ChatMessage,
  chatMessageSchema,
  type TraceEntry,
  traceEntrySchema,
  turnResponseSchema,
} from '../engine/turn.types.ts';
import type { Db } from './database.ts';
import { applyPgTimerChanges } from './pg-timer.store.ts';
import { messages, outbox, sessions, traces } from './schema/index.ts';
import type {
  CommitOutcome,
  EffectRecord,
  NewSession,
  SessionStore,
  StoredSession,
  TurnCommit,
} from './session.store.ts';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface PgSessionStoreOptions {
  /** Idle sessions expire after this long (the row stays for analytics; `load` ignores nothing). */
  sessionTtlSeconds: number;
}

export function createPgSessionStore(db: Db, options: PgSessionStoreOptions): SessionStore {
  const expiry = (at: string) => new Date(Date.parse(at) + options.sessionTtlSeconds * 1000);

  async function writeTurnRows(
    tx: Tx,
    sessionId: string,
    seq: number,
    clientMessageId: string | null,
    c: Pick<TurnCommit, 'messages' | 'trace' | 'response' | 'effects' | 'timers' | 'at'>,
  ) {
    const at = new Date(c.at);
    await tx
      .insert(traces)
      .values({ sessionId, seq, clientMessageId, entry: c.trace, response: c.response, createdAt: at });
    if (c.messages.length > 0) {
      await tx.insert(messages).values(
        c.messages.map((m) => ({
          sessionId,
          seq: m.seq,
          role: m.role,
          text: m.text,
          buttons: m.buttons ?? null,
          agentId: m.agentId ?? null,
          createdAt: new Date(m.at),
        })),
      );
    }
    if (c.effects.length > 0) {
      await tx
        .insert(outbox)
        .values(c.effects.map((e: EffectRecord) => ({ ...e, availableAt: at, createdAt: at })));
    }
    if (c.timers && c.timers.length > 0) await applyPgTimerChanges(tx, sessionId, seq, c.timers);
  }

  return {
    kind: 'postgres',
    async create(s: NewSession) {
      await db.transaction(async (tx) => {
        await tx.insert(sessions).values({
          id: s.id,
          tokenHash: s.tokenHash,
          schemaVersion: s.schemaVersion,
          version: 1,
          state: s.state,
          owner: s.owner,
          snapshot: s.snapshot,
          messageCount: s.messages.length,
          createdAt: new Date(s.at),
          updatedAt: new Date(s.at),
          expiresAt: expiry(s.at),
        });
        await writeTurnRows(tx, s.id, 1, null, s);
      });
    },

    async load(sessionId) {
      const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId)).limit(1);
      return row ? storedSessionFromRow(row) : null;
    },

    findTurn: (sessionId, clientMessageId) => findPgTurn(db, sessionId, clientMessageId),

    async commit(c): Promise<CommitOutcome> {
      const seq = c.expectedVersion + 1;
      try {
        const committed = await db.transaction(async (tx) => {
          const updated = await tx
            .update(sessions)
            .set({
              version: seq,
              schemaVersion: c.schemaVersion,
              state: c.state,
              owner: c.owner,
              snapshot: c.snapshot,
              messageCount: sql`${sessions.messageCount} + ${c.messages.length}`,
              updatedAt: new Date(c.at),
              expiresAt: expiry(c.at),
            })
            .where(and(eq(sessions.id, c.sessionId), eq(sessions.version, c.expectedVersion)))
            .returning({ version: sessions.version });
          if (updated.length === 0) return false;
          await writeTurnRows(tx, c.sessionId, seq, c.clientMessageId, c);
          return true;
        });
        return committed ? { outcome: 'committed' } : { outcome: 'conflict' };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another process committed this clientMessageId (or this seq) first: answer like it did.
        if (c.clientMessageId) {
          const response = await this.findTurn(c.sessionId, c.clientMessageId);
          if (response) return { outcome: 'duplicate', response };
        }
        return { outcome: 'conflict' };
      }
    },

    async messages(sessionId, opts = {}): Promise<ChatMessage[]> {
      const where =
        opts.afterSeq !== undefined
          ? and(eq(messages.sessionId, sessionId), gt(messages.seq, opts.afterSeq))
          : eq(messages.sessionId, sessionId);
      const query = db.select().from(messages).where(where);
      const rows =
        opts.limit !== undefined
          ? (await query.orderBy(desc(messages.seq)).limit(opts.limit)).reverse()
          : await query.orderBy(asc(messages.seq));
      return rows.map((r) =>
        chatMessageSchema.parse({
          seq: r.seq,
          role: r.role,
          text: r.text,
          at: r.createdAt.toISOString(),
          ...(r.buttons ? { buttons: r.buttons } : {}),
          ...(r.agentId ? { agentId: r.agentId } : {}),
        }),
      );
    },

    async trace(sessionId): Promise<TraceEntry[]> {
      const rows = await db
        .select({ entry: traces.entry })
        .from(traces)
        .where(eq(traces.sessionId, sessionId))
        .orderBy(asc(traces.seq));
      return rows.map((r) => traceEntrySchema.parse(r.entry));
    },

    async close() {},
  };
}

export function storedSessionFromRow(row: typeof sessions.$inferSelect): StoredSession {
  return {
    id: row.id,
    tokenHash: row.tokenHash,
    schemaVersion: row.schemaVersion,
    version: row.version,
    state: row.state,
    owner: row.owner === 'human' ? 'human' : 'bot',
    snapshot: row.snapshot,
    messageCount: row.messageCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The stored answer of a committed turn, by its clientMessageId. */
export async function findPgTurn(db: Db, sessionId: string, clientMessageId: string) {
  const [row] = await db
    .select({ response: traces.response })
    .from(traces)
    .where(and(eq(traces.sessionId, sessionId), eq(traces.clientMessageId, clientMessageId)))
    .limit(1);
  return row ? turnResponseSchema.parse(row.response) : null;
}
