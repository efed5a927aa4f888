// SessionStore on Redis. A turn commits in ONE round trip: a Lua script checks the clientMessageId (a
// re-sent message returns the first answer, whichever process committed it), compares the version, writes
// the record, appends the messages, stores the compact response, arms or cancels its timers and XADDs the
// effects and the trace entry to the shard's streams — atomically. Traces reach Postgres through the trace
// sink; `trace()` reads them there plus the few the sink has not moved yet.
import type { RedisClient } from './redis-client.ts';
import { type RedisSessionStoreOptions, redisSessionContext } from './redis-session.context.ts';
import {
  durable,
  findTurn,
  loadFromRedis,
  readMessages,
  readTrace,
  responseFrom,
} from './redis-session.reads.ts';
import { restore, writeTurn } from './redis-session.writes.ts';
import type { CommitOutcome, NewSession, SessionStore, StoredSession, TurnCommit } from './session.store.ts';

export type { RedisSessionStoreOptions } from './redis-session.context.ts';

export function createRedisSessionStore(
  client: RedisClient,
  options: RedisSessionStoreOptions,
): SessionStore {
  const ctx = redisSessionContext(client, options);
  return {
    kind: 'redis',

    async create(s: NewSession) {
      const reply = await writeTurn(ctx, {
        sessionId: s.id,
        expectedVersion: 0,
        clientMessageId: null,
        schemaVersion: s.schemaVersion,
        state: s.state,
        owner: s.owner,
        snapshot: s.snapshot,
        at: s.at,
        tokenHash: s.tokenHash,
        messages: s.messages,
        response: s.response,
        trace: s.trace,
        effects: s.effects,
        ...(s.timers ? { timers: s.timers } : {}),
      });
      if (reply[0] !== 'committed') throw new Error(`session ${s.id} already exists`);
    },

    async load(sessionId): Promise<StoredSession | null> {
      const loaded = await loadFromRedis(ctx, sessionId);
      if (loaded || !(await restore(ctx, sessionId))) return loaded;
      return loadFromRedis(ctx, sessionId);
    },

    findTurn: (sessionId, clientMessageId) => findTurn(ctx, sessionId, clientMessageId),

    async commit(c: TurnCommit): Promise<CommitOutcome> {
      let reply = await writeTurn(ctx, { ...c, tokenHash: '' });
      if (reply[0] === 'ask' && c.clientMessageId) {
        const seen = await ctx.mirror?.findTurn(c.sessionId, c.clientMessageId);
        if (seen) return { outcome: 'duplicate', response: seen };
        reply = await writeTurn(ctx, { ...c, tokenHash: '', mirrorChecked: true });
      }
      if (reply[0] === 'committed') return { outcome: 'committed' };
      if (reply[0] === 'duplicate' && c.clientMessageId)
        return {
          outcome: 'duplicate',
          response: await durable(
            ctx,
            c.sessionId,
            c.clientMessageId,
            await responseFrom(ctx, c.sessionId, reply),
          ),
        };
      return { outcome: 'conflict' };
    },

    messages: (sessionId, opts = {}) => readMessages(ctx, sessionId, opts),

    trace: (sessionId) => readTrace(ctx, sessionId),

    /** The client belongs to whoever created it (the runtime shares one between the Redis adapters). */
    async close() {},
  };
}
