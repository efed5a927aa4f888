// SessionStore on Postgres (or PGlite) through Drizzle. A turn commits in one statement: the session row
// moves from version N to N+1 only if it is still at N, together with its messages, trace entry, outbox
// effects and timer changes. A duplicate clientMessageId hits the unique index and returns the first answer.
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import {
  type ChatMessage,
  chatMessageSchema,
  type TraceEntry,
  traceEntrySchema,
  turnResponseSchema,
} from '../engine/turn.types.ts';
import type { Db } from './database.ts';
import { messageRow } from './message.row.ts';
import { isUniqueViolation } from './pg.errors.ts';
import { type PreparedStatement, queryPrepared } from './prepared.statement.ts';
import { messages, type sessions, traces } from './schema/index.ts';
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
 * whole statement on the unique index, writing nothing. The text is constant (rows travel as JSON arrays),
 * so it is a prepared statement: parsed and planned once, not on every turn. `$p` is the tail's first
 * parameter: seq, clientMessageId, trace, response, at, messages, effects, timers armed, timers cancelled.
 */
function turnStatement(name: string, head: string, p: number): PreparedStatement {
  const [seq, clientMessageId, trace, response, at, messageRows, effectRows, arms, cancels] = Array.from(
    { length: 9 },
    (_, i) => `$${p + i}`,
  );
  return {
    name,
    text: `
with u as (${head}),
t as (
  insert into traces (session_id, seq, client_message_id, entry, response, created_at)
  select u.id, ${seq}::int, ${clientMessageId}::text, ${trace}::jsonb, ${response}::jsonb, ${at}::timestamptz
  from u
), m as (
  insert into messages (session_id, seq, role, text, buttons, agent_id, created_at)
  select u.id, x.seq, x.role, x.text, x.buttons, x.agent_id, x.created_at
  from u, json_to_recordset(${messageRows}::json) as x(seq int, role text, text text,
    buttons jsonb, agent_id text, created_at timestamptz)
), o as (
  insert into outbox (session_id, seq, idempotency_key, type, params, available_at, created_at)
  select u.id, x.seq, x.idempotency_key, x.type, x.params, ${at}::timestamptz, ${at}::timestamptz
  from u, json_to_recordset(${effectRows}::json) as x(seq int, idempotency_key text,
    type text, params jsonb)
), armed as (
  insert into timers (session_id, kind, due_at, armed_at_version, locked_until)
  select u.id, x.kind, x.due_at, ${seq}::int, null
  from u, json_to_recordset(${arms}::json) as x(kind text, due_at timestamptz)
  on conflict (session_id, kind) do update set due_at = excluded.due_at,
    armed_at_version = excluded.armed_at_version, locked_until = null
  where timers.armed_at_version <= excluded.armed_at_version
), cancelled as (
  delete from timers using u
  where timers.session_id = u.id
    and timers.kind in (select json_array_elements_text(${cancels}::json))
    and timers.armed_at_version <= ${seq}::int
)
select count(*)::int as n from u`,
  };
}

const CREATE = turnStatement(
  'switchboard_session_create_v1',
  `insert into sessions (id, token_hash, schema_version, version, state, owner, snapshot, message_count,
    created_at, updated_at, expires_at)
  values ($1, $2, $3::int, 1, $4, $5, $6::jsonb, $7::int, $8::timestamptz, $8::timestamptz, $9::timestamptz)
  returning id`,
  10,
);

const COMMIT = turnStatement(
  'switchboard_session_commit_v1',
  `update sessions set version = $1::int, schema_version = $2::int, state = $3, owner = $4,
    snapshot = $5::jsonb, message_count = message_count + $6::int, updated_at = $7::timestamptz,
    expires_at = $8::timestamptz
  where id = $9 and version = $10::int
  returning id`,
  11,
);

// Columns under their Drizzle names, so the row is the shape storedSessionFromRow reads.
const LOAD: PreparedStatement = {
  name: 'switchboard_session_load_v2',
  text: `select id, token_hash as "tokenHash", schema_version as "schemaVersion", version, state, owner, snapshot,
  message_count as "messageCount", created_at as "createdAt", updated_at as "updatedAt",
  expires_at as "expiresAt" from sessions where id = $1`,
};

const FIND_TURN: PreparedStatement = {
  name: 'switchboard_session_find_turn_v1',
  text: 'select response from traces where session_id = $1 and client_message_id = $2 limit 1',
};

function turnValues(
  seq: number,
  clientMessageId: string | null,
  c: Pick<TurnCommit, 'messages' | 'trace' | 'response' | 'effects' | 'timers' | 'at'>,
): unknown[] {
  const messageRows = c.messages.map(messageRow);
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
  return [
    seq,
    clientMessageId,
    JSON.stringify(c.trace),
    JSON.stringify(c.response),
    c.at,
    JSON.stringify(messageRows),
    JSON.stringify(effectRows),
    JSON.stringify(arms),
    JSON.stringify(cancels),
  ];
}

export function createPgSessionStore(db: Db, options: PgSessionStoreOptions): SessionStore {
  const expiry = (at: string, state: string) => expiryOf(options, state, at).toISOString();
  const now = options.now ?? (() => new Date());

  return {
    kind: 'postgres',
    async create(s: NewSession) {
      await queryPrepared(db, CREATE, [
        s.id,
        s.tokenHash,
        s.schemaVersion,
        s.state,
        s.owner,
        JSON.stringify(s.snapshot),
        s.messages.length,
        s.at,
        expiry(s.at, s.state),
        ...turnValues(1, null, s),
      ]);
    },

    async load(sessionId) {
      const [raw] = await queryPrepared(db, LOAD, [sessionId]);
      if (!raw) return null;
      const row = sessionRowSchema.parse(raw);
      if (row.state === GREETING_STATE && row.expiresAt <= now()) return null;
      return storedSessionFromRow(row);
    },

    findTurn: (sessionId, clientMessageId) => findPgTurn(db, sessionId, clientMessageId),

    async commit(c): Promise<CommitOutcome> {
      const seq = c.expectedVersion + 1;
      try {
        const [row] = await queryPrepared(db, COMMIT, [
          seq,
          c.schemaVersion,
          c.state,
          c.owner,
          JSON.stringify(c.snapshot),
          c.messages.length,
          c.at,
          expiry(c.at, c.state),
          c.sessionId,
          c.expectedVersion,
          ...turnValues(seq, c.clientMessageId, c),
        ]);
        const committed = row?.n === 1;
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

/** A `sessions` row as LOAD reads it (jsonb parsed, timestamps as Date by both drivers). */
const sessionRowSchema = z.object({
  id: z.string(),
  tokenHash: z.string(),
  schemaVersion: z.number(),
  version: z.number(),
  state: z.string(),
  owner: z.string(),
  snapshot: z.unknown(),
  messageCount: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
  expiresAt: z.date(),
});

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
  const [row] = await queryPrepared(db, FIND_TURN, [sessionId, clientMessageId]);
  return row ? turnResponseSchema.parse(row.response) : null;
}
