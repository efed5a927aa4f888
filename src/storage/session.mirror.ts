// The Postgres mirror of the Redis session store: every committed turn is written through to it before
// the turn is acknowledged, and a session Redis no longer has (restart without persistence, eviction, a
// failover that lost writes) is rebuilt from it. So losing Redis's data loses no acknowledged message.
import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { TraceRecord } from '../engine/trace-sink.ts';
import {
  type ChatMessage,
  MESSAGE_ROLES,
  publicButtonSchema,
  type TurnResponse,
} from '../engine/turn.types.ts';
import type { Db } from './database.ts';
import { groupCommit } from './group.commit.ts';
import { findPgTurn, storedSessionFromRow } from './pg-session.store.ts';
import { createPgTraceWriter } from './pg-trace.writer.ts';
import { messages, sessions } from './schema/index.ts';
import type { StoredSession } from './session.store.ts';
import type { SessionTtl } from './session.ttl.ts';

export interface MirroredSession {
  session: StoredSession;
  messages: ChatMessage[];
  expiresAt: Date;
}

export interface SessionMirror {
  /** Writes one committed turn (idempotent: the trace sink may write the same record again later). */
  write(record: TraceRecord): Promise<void>;
  /** The latest mirrored state of a session that has not expired, with its transcript. */
  load(sessionId: string, now: Date): Promise<MirroredSession | null>;
  /** The stored answer of a turn, by its clientMessageId. */
  findTurn(sessionId: string, clientMessageId: string): Promise<TurnResponse | null>;
}

const roleSchema = z.enum(MESSAGE_ROLES);
const buttonsSchema = z.array(publicButtonSchema);

export function createPgSessionMirror(db: Db, options: SessionTtl): SessionMirror {
  const writer = createPgTraceWriter(db, options);
  // Concurrent turns share a transaction; two in flight so one slow commit does not stall the next batch.
  const write = groupCommit<TraceRecord>((records) => writer.write(records), {
    concurrency: 2,
    maxBatch: 64,
  });
  return {
    write,

    async load(sessionId, now) {
      const [row] = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)))
        .limit(1);
      if (!row) return null;
      const rows = await db
        .select()
        .from(messages)
        .where(eq(messages.sessionId, sessionId))
        .orderBy(asc(messages.seq));
      const transcript: ChatMessage[] = rows.flatMap((m) => {
        const role = roleSchema.safeParse(m.role);
        if (!role.success) return [];
        const message: ChatMessage = {
          seq: m.seq,
          role: role.data,
          text: m.text,
          at: m.createdAt.toISOString(),
        };
        const buttons = buttonsSchema.safeParse(m.buttons);
        if (m.buttons !== null && buttons.success) message.buttons = buttons.data;
        if (m.agentId !== null) message.agentId = m.agentId;
        return [message];
      });
      return {
        session: storedSessionFromRow(row),
        messages: transcript,
        expiresAt: row.expiresAt,
      };
    },

    findTurn: (sessionId, clientMessageId) => findPgTurn(db, sessionId, clientMessageId),
  };
}
