// Writes of the Redis session store: a turn (or a new session) in one COMMIT script — idempotency check,
// version compare-and-set and every write at once — then the replicas and the Postgres mirror before it is
// acknowledged; and the rebuild of a session Redis lost, from the mirror.

import { runScript, waitForReplicas } from './redis-client.ts';
import { decodeAt, encodeAt, encodeMessage, type Interned } from './redis-session.codec.ts';
import type { RedisSessionContext } from './redis-session.context.ts';
import { type CommitWrite, commitArgs } from './redis-session.record.ts';
import { COMMIT, RESTORE, turnReplySchema } from './redis-session.scripts.ts';
import type { SessionMirror } from './session.mirror.ts';

/** COMMIT's reply: `['committed', messageCount, createdAt, tokenHash]`, or the TURN_LUA / refusal tags. */
export async function writeTurn(ctx: RedisSessionContext, c: CommitWrite): Promise<string[]> {
  const { client, layout, options, mirror } = ctx;
  const shard = layout.shardOf(c.sessionId);
  const reply = await runScript(
    client,
    COMMIT,
    [
      layout.session(c.sessionId),
      layout.messages(c.sessionId),
      layout.effects(shard),
      layout.traces(shard),
      layout.buttons(shard),
      layout.timers(shard),
      layout.timerMeta(shard),
      layout.snapshot(c.sessionId),
    ],
    commitArgs(options, c),
  );
  const parts = turnReplySchema.parse(reply);
  if (parts[0] === 'committed' && options.waitReplicas && options.waitReplicas.count > 0)
    await waitForReplicas(client, layout.session(c.sessionId), options.waitReplicas);
  // Acknowledged only once Postgres has it: if this throws, the caller answers 503 and the client's
  // retry (same clientMessageId) finds the turn in Redis; the trace sink copies it meanwhile.
  if (mirror && parts[0] === 'committed') await mirrorTurn(mirror, c, parts);
  return parts;
}

async function mirrorTurn(mirror: SessionMirror, c: CommitWrite, committed: string[]) {
  const [, messageCount, createdAt, tokenHash] = committed;
  await mirror.write({
    sessionId: c.sessionId,
    seq: c.trace.seq,
    clientMessageId: c.clientMessageId,
    entry: { ...c.trace },
    response: { ...c.response },
    messages: c.messages,
    at: c.trace.at,
    session: {
      tokenHash: tokenHash ?? c.tokenHash,
      schemaVersion: c.schemaVersion,
      version: c.expectedVersion + 1,
      state: c.state,
      owner: c.owner,
      snapshot: c.snapshot,
      messageCount: Number(messageCount ?? c.messages.length),
      createdAt: createdAt === undefined ? c.at : decodeAt(createdAt),
      updatedAt: c.at,
    },
  });
}

/** Rebuilds a session Redis no longer has from the mirror; false when the mirror has none either. */
export async function restore(ctx: RedisSessionContext, sessionId: string): Promise<boolean> {
  const { mirror, layout, now } = ctx;
  if (!mirror) return false;
  const found = await mirror.load(sessionId, now());
  if (!found) return false;
  const { session: s, messages } = found;
  const ttl = Math.max(1, Math.ceil((found.expiresAt.getTime() - now().getTime()) / 1000));
  const interned: Interned = new Map();
  const encoded = messages.map((m) => encodeMessage(m, interned));
  await runScript(
    ctx.client,
    RESTORE,
    [
      layout.session(sessionId),
      layout.messages(sessionId),
      layout.buttons(layout.shardOf(sessionId)),
      layout.snapshot(sessionId),
    ],
    [
      ttl,
      s.tokenHash,
      s.schemaVersion,
      s.version,
      s.state,
      s.owner,
      JSON.stringify(s.snapshot),
      messages.length,
      encodeAt(s.createdAt),
      encodeAt(s.updatedAt),
      encoded.length,
      ...encoded,
      ...[...interned].flat(),
    ],
  );
  return true;
}
