// Writes committed turns into the Postgres records, idempotently (a redelivered entry changes nothing):
// trace rows and transcript messages are insert-if-absent, and the per-session mirror row only ever moves
// forward in version. A batch is ONE statement (one round trip, atomic on its own: no BEGIN/COMMIT): the
// rows travel as three JSON arrays unpacked by json_to_recordset, so the SQL text never changes with the
// batch and nothing is built per row but one JSON string. A turn whose trace row is already there (the
// write-through wrote it; the trace sink then brings the same turn again) writes nothing else: its
// messages and mirror row went in with that trace row, in the same statement.
import { asc, eq } from 'drizzle-orm';
import type { TraceRecord, TraceWriter } from '../engine/trace-sink.ts';
import { type TraceEntry, traceEntrySchema } from '../engine/turn.types.ts';
import type { Db } from './database.ts';
import { messageRow } from './message.row.ts';
import { type PreparedStatement, queryPrepared } from './prepared.statement.ts';
import { traces } from './schema/index.ts';
import { expiryOf, type SessionTtl } from './session.ttl.ts';

function writeParams(records: TraceRecord[], ttl: SessionTtl) {
  const traceRows = records.map((r) => ({
    session_id: r.sessionId,
    seq: r.seq,
    client_message_id: r.clientMessageId,
    entry: r.entry,
    response: r.response,
    created_at: r.at,
  }));
  const messageRows = records.flatMap((r) =>
    r.messages.map((m) => ({ session_id: r.sessionId, turn: r.seq, ...messageRow(m) })),
  );
  const sessionRows = records.map(({ sessionId, seq, session: s }) => ({
    id: sessionId,
    turn: seq,
    token_hash: s.tokenHash,
    schema_version: s.schemaVersion,
    version: s.version,
    state: s.state,
    owner: s.owner,
    snapshot: s.snapshot,
    message_count: s.messageCount,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    expires_at: expiryOf(ttl, s.state, s.updatedAt).toISOString(),
  }));
  return [JSON.stringify(traceRows), JSON.stringify(messageRows), JSON.stringify(sessionRows)];
}

// Constant text: on the Postgres server it is parsed and planned once per connection (a named prepared
// statement), not on every write.
const WRITE: PreparedStatement = {
  name: 'switchboard_trace_write_v1',
  text: `
with t as (
  insert into traces (session_id, seq, client_message_id, entry, response, created_at)
  select x.session_id, x.seq, x.client_message_id, x.entry, x.response, x.created_at
  from json_to_recordset($1::json) as x(session_id text, seq int,
    client_message_id text, entry jsonb, response jsonb, created_at timestamptz)
  on conflict do nothing
  returning session_id, seq
), m as (
  insert into messages (session_id, seq, role, text, buttons, agent_id, created_at)
  select x.session_id, x.seq, x.role, x.text, x.buttons, x.agent_id, x.created_at
  from json_to_recordset($2::json) as x(session_id text, turn int, seq int,
    role text, text text, buttons jsonb, agent_id text, created_at timestamptz)
  join t on t.session_id = x.session_id and t.seq = x.turn
  on conflict do nothing
)
insert into sessions (id, token_hash, schema_version, version, state, owner, snapshot, message_count,
  created_at, updated_at, expires_at)
select distinct on (x.id) x.id, x.token_hash, x.schema_version, x.version, x.state, x.owner, x.snapshot,
  x.message_count, x.created_at, x.updated_at, x.expires_at
from json_to_recordset($3::json) as x(id text, turn int, token_hash text,
  schema_version int, version int, state text, owner text, snapshot jsonb, message_count int,
  created_at timestamptz, updated_at timestamptz, expires_at timestamptz)
join t on t.session_id = x.id and t.seq = x.turn
order by x.id, x.version desc
on conflict (id) do update set schema_version = excluded.schema_version, version = excluded.version,
  state = excluded.state, owner = excluded.owner, snapshot = excluded.snapshot,
  message_count = excluded.message_count, updated_at = excluded.updated_at, expires_at = excluded.expires_at
where sessions.version < excluded.version`,
};

export function createPgTraceWriter(db: Db, options: SessionTtl): TraceWriter {
  return {
    async write(records: TraceRecord[]) {
      if (records.length === 0) return;
      await queryPrepared(db, WRITE, writeParams(records, options));
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
