// A session's Redis record: the hash fields a load reads back, and the ARGV of one COMMIT (the session
// fields, the encoded messages and compact response, the effects, interned button sets, timer changes).
import { z } from 'zod';
import {
  answerField,
  decodeAt,
  encodeAt,
  encodeMessage,
  encodeResponse,
  type Interned,
  legacyAnswerField,
} from './redis-session.codec.ts';
import { timerMember } from './redis-timer.store.ts';
import type { StoredSession, TurnCommit } from './session.store.ts';
import { type SessionTtl, ttlSecondsFor } from './session.ttl.ts';

/** A commit, or a create (expectedVersion 0, with the new session's token hash). */
export type CommitWrite = TurnCommit & {
  tokenHash: string;
  /** The mirror was asked for this clientMessageId already (COMMIT answered 'ask' once). */
  mirrorChecked?: boolean;
};

const loadedSchema = z.tuple([
  z.string(),
  z.coerce.number().int(),
  z.coerce.number().int(),
  z.string(),
  z.enum(['bot', 'human']),
  z.coerce.number().int(),
  z.string(),
  z.string(),
  z.string(),
]);

/** The session behind the LOAD script's reply; null when the hash (or its snapshot) does not exist. */
export function sessionFromLoad(sessionId: string, values: unknown): StoredSession | null {
  if (!Array.isArray(values) || values[0] === null || values[0] === undefined || values[8] == null)
    return null;
  const [tokenHash, schemaVersion, version, state, owner, messageCount, createdAt, updatedAt, snapshot] =
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
    createdAt: decodeAt(createdAt),
    updatedAt: decodeAt(updatedAt),
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
    c.clientMessageId ? answerField(c.clientMessageId) : '',
    ttlSecondsFor(ttl, c.state),
    c.schemaVersion,
    c.state,
    c.owner,
    snapshot,
    encodeAt(c.at),
    c.tokenHash,
    storedResponse,
    c.messages.length,
    c.effects.length,
    tracePayload(c, snapshot),
    c.sessionId,
    interned.size,
    timers.length,
    c.mirrorChecked ? '1' : '',
    c.clientMessageId ? legacyAnswerField(c.clientMessageId) : '',
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
