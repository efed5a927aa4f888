// SessionStore on Postgres (or PGlite) through Drizzle. A turn commits in one statement: the session row
// moves from version N to N+1 only if it is still at N, together with its messages, trace entry, outbox
// effects and timer changes. A duplicate clientMessageId hits the unique index and returns the first answer.
import { and, asc, desc, eq, gt, type SQL, sql } from 'drizzle-orm';
import {
  type ChatMessage,
  chatMessageSchema,
  type TraceEntry,
  traceEntrySchema,
  turnResponseSchema,
} from '../engine/turn.types.ts';
import type { Db } from './database.ts';
import { isUniqueViolation } from './pg.errors.ts';
import { rowsOf } from './pg-effect.log.ts';
import { messages, sessions, traces } from './schema/index.ts';
import type {
  CommitOutcome,
  EffectRecord,
  NewSession,
  SessionStore,
  StoredSession,
  TurnCommit,
} from './session.store.ts';
import { expiryOf, GREETING_STATE, type SessionTtl } from './session.ttl.ts';

export interface PgSessionStoreOptions extends SessionTtl {
  /**
   * Idle sessions expire after this long. The row stays for analytics; `load` no longer finds a
   * greeting-only session past its expiry (as Redis would have dropped it), and ignores it for the others.
   */
  sessionTtlSeconds: number;
  /** The engine's clock (expiry is computed from the turns' own times). */
  now?: () => Date;
}

/**
 * One turn's rows as ONE statement (one round trip, one implicit transaction — on PGlite one WAL flush
 * instead of one per statement): `head` is the CTE that writes the session row and returns its id — the
 * insert of a new session, or the compare-and-set update — and the trace, messages, outbox effects and
 * timer changes are written only if it returned a row. A duplicate clientMessageId (or seq) fails the
 * whole statement on the unique index, writing nothing.
 */
function turnStatement(
  head: SQL,
  seq: number,
  clientMessageId: string | null,
  c: Pick<TurnCommit, 'messages' | 'trace' | 'response' | 'effects' | 'timers' | 'at'>,
): SQL {
  const messageRows = c.messages.map((m) => ({
    seq: m.seq,
    role: m.role,
    text: m.text,
    buttons: m.buttons ?? null,
    agent_id: m.agentId ?? null,
    created_at: m.at,
  }));
  const effectRows = c.effects.map((e: EffectRecord) => ({
    seq: e.seq,
    idempotency_key: e.idempotencyKey,
    type: e.type,
    params: e.params,
  }));
  const timers = c.timers ?? [];
  const arms = timers.flatMap((t) =>
    t.op === 'arm' ? [{ kind: t.kind, due_at: t.dueAt.toISOString() }] : [],
  );
  const cancels = timers.flatMap((t) => (t.op === 'cancel' ? [t.kind] : []));
  return sql`
with u as (${head}),
t as (
  insert into traces (session_id, seq, client_message_id, entry, response, created_at)
  select u.id, ${seq}::int, ${clientMessageId}::text, ${JSON.stringify(c.trace)}::jsonb,
    ${JSON.stringify(c.response)}::jsonb, ${c.at}::timestamptz
  from u
), m as (
  insert into messages (session_id, seq, role, text, buttons, agent_id, created_at)
  select u.id, x.seq, x.role, x.text, x.buttons, x.agent_id, x.created_at
  from u, json_to_recordset(${JSON.stringify(messageRows)}::json) as x(seq int, role text, text text,
    buttons jsonb, agent_id text, created_at timestamptz)
), o as (
  insert into outbox (session_id, seq, idempotency_key, type, params, available_at, created_at)
  select u.id, x.seq, x.idempotency_key, x.type, x.params, ${c.at}::timestamptz, ${c.at}::timestamptz
  from u, json_to_recordset(${JSON.stringify(effectRows)}::json) as x(seq int, idempotency_key text,
    type text, params jsonb)
), armed as (
  insert into timers (session_id, kind, due_at, armed_at_version, locked_until)
  select u.id, x.kind, x.due_at, ${seq}::int, null
  from u, json_to_recordset(${JSON.stringify(arms)}::json) as x(kind text, due_at timestamptz)
  on conflict (session_id, kind) do update set due_at = excluded.due_at,
    armed_at_version = excluded.armed_at_version, locked_until = null
  where timers.armed_at_version <= excluded.armed_at_version
), cancelled as (
  delete from timers using u
  where timers.session_id = u.id
    and timers.kind in (select json_array_elements_text(${JSON.stringify(cancels)}::json))
    and timers.armed_at_version <= ${seq}::int
)
select count(*)::int as n from u`;
}

export function createPgSessionStore(db: Db, options: PgSessionStoreOptions): SessionStore {
  const expiry = (at: string, state: string) => expiryOf(options, state, at).toISOString();
  const now = options.now ?? (() => new Date());

  return {
    kind: 'postgres',
    async create(s: NewSession) {
      const head = sql`
        insert into sessions (id, token_hash, schema_version, version, state, owner, snapshot, message_count,
          created_at, updated_at, expires_at)
        values (${s.id}, ${s.tokenHash}, ${s.schemaVersion}::int, 1, ${s.state}, ${s.owner},
          ${JSON.stringify(s.snapshot)}::jsonb, ${s.messages.length}::int, ${s.at}::timestamptz,
          ${s.at}::timestamptz, ${expiry(s.at, s.state)}::timestamptz)
        returning id`;
      await db.execute(turnStatement(head, 1, null, s));
    },

    async load(sessionId) {
      const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId)).limit(1);
      if (!row) return null;
      if (row.state === GREETING_STATE && row.expiresAt <= now()) return null;
      return storedSessionFromRow(row);
    },

    findTurn: (sessionId, clientMessageId) => findPgTurn(db, sessionId, clientMessageId),

    async commit(c): Promise<CommitOutcome> {
      const seq = c.expectedVersion + 1;
      try {
        const head = sql`
          update sessions set version = ${seq}::int, schema_version = ${c.schemaVersion}::int,
            state = ${c.state}, owner = ${c.owner}, snapshot = ${JSON.stringify(c.snapshot)}::jsonb,
            message_count = message_count + ${c.messages.length}::int, updated_at = ${c.at}::timestamptz,
            expires_at = ${expiry(c.at, c.state)}::timestamptz
          where id = ${c.sessionId} and version = ${c.expectedVersion}::int
          returning id`;
        const [row] = rowsOf(await db.execute(turnStatement(head, seq, c.clientMessageId, c)));
        const committed = (row as { n?: unknown } | undefined)?.n === 1;
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
