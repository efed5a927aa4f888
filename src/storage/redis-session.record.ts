// A session's Redis record: the hash fields a load reads back, and the ARGV of one COMMIT (the session
// fields, the encoded messages and compact response, the effects, interned button sets, timer changes).
import { z } from 'zod';
import { encodeMessage, encodeResponse, type Interned } from './redis-session.codec.ts';
import { timerMember } from './redis-timer.store.ts';
import type { StoredSession, TurnCommit } from './session.store.ts';
import { type SessionTtl, ttlSecondsFor } from './session.ttl.ts';

/** A commit, or a create (expectedVersion 0, with the new session's token hash). */
export type CommitWrite = TurnCommit & {
  tokenHash: string;
  /** The mirror was asked for this clientMessageId already (COMMIT answered 'ask' once). */
  mirrorChecked?: boolean;
};

export const LOAD_FIELDS = ['tok', 'sv', 'v', 'st', 'o', 'snap', 'mc', 'ca', 'ua'];

const loadedSchema = z.tuple([
  z.string(),
  z.coerce.number().int(),
  z.coerce.number().int(),
  z.string(),
  z.enum(['bot', 'human']),
  z.string(),
  z.coerce.number().int(),
  z.string(),
  z.string(),
]);

/** The session behind the LOAD_FIELDS values of its hash; null when the hash does not exist. */
export function sessionFromFields(sessionId: string, values: unknown[]): StoredSession | null {
  if (values[0] === null || values[0] === undefined) return null;
  const [tokenHash, schemaVersion, version, state, owner, snapshot, messageCount, createdAt, updatedAt] =
    loadedSchema.parse(values);
  return {
    id: sessionId,
    tokenHash,
    schemaVersion,
    version,
    state,
    owner,
    snapshot: JSON.parse(snapshot),
    messageCount,
    createdAt,
    updatedAt,
  };
}

/** The trace stream entry the sink copies to Postgres; the snapshot is serialised once and spliced in. */
function tracePayload(c: CommitWrite, snapshot: string): string {
  return `${JSON.stringify({
    c: c.clientMessageId,
    e: c.trace,
    r: c.response,
    m: c.messages,
    sv: c.schemaVersion,
    st: c.state,
    o: c.owner,
    ua: c.at,
  }).slice(0, -1)},"snap":${snapshot}}`;
}

/** ARGV of COMMIT, in the order its header in redis-session.scripts.ts gives. */
export function commitArgs(ttl: SessionTtl, c: CommitWrite): Array<string | number> {
  const interned: Interned = new Map();
  const encodedMessages = c.messages.map((m) => encodeMessage(m, interned));
  const storedResponse = c.clientMessageId
    ? encodeResponse(c.sessionId, c.response, c.messages, interned)
    : '';
  // The snapshot is serialised once: it is the biggest part of the payload, and the trace entry carries it too.
  const snapshot = JSON.stringify(c.snapshot);
  const timers = c.timers ?? [];
  return [
    c.expectedVersion,
    c.clientMessageId ?? '',
    ttlSecondsFor(ttl, c.state),
    c.schemaVersion,
    c.state,
    c.owner,
    snapshot,
    c.at,
    c.tokenHash,
    storedResponse,
    c.messages.length,
    c.effects.length,
    tracePayload(c, snapshot),
    c.sessionId,
    interned.size,
    timers.length,
    c.mirrorChecked ? '1' : '',
    ...encodedMessages,
    ...c.effects.flatMap((e) => [e.idempotencyKey, e.seq, e.type, JSON.stringify(e.params)]),
    ...[...interned].flat(),
    ...timers.flatMap((t) => [
      t.op,
      timerMember(c.sessionId, t.kind),
      t.op === 'arm' ? t.dueAt.getTime() : '',
    ]),
  ];
}
