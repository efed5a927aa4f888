// SessionStore on Redis. A turn commits in ONE round trip: a Lua script checks the clientMessageId (a
// re-sent message returns the first answer, whichever process committed it), compares the version, writes
// the record, appends the messages, stores the compact response, arms or cancels its timers and XADDs the
// effects and the trace entry to the shard's streams — atomically. Traces reach Postgres through the trace
// sink; `trace()` reads them there plus the few the sink has not moved yet.
import { z } from 'zod';
import { tracePayloadSchema } from '../engine/trace-sink.ts';
import {
  type ChatMessage,
  type PublicButton,
  type TraceEntry,
  type TurnResponse,
  traceEntrySchema,
} from '../engine/turn.types.ts';
import {
  type RedisClient,
  type RedisLayout,
  type RedisLayoutOptions,
  redisLayout,
  redisScript,
  runScript,
  waitForReplicas,
} from './redis-client.ts';
import {
  buttonSetSchema,
  encodeMessage,
  encodeResponse,
  expandResponse,
  type Interned,
  type MessageRow,
  messageFromRow,
  parseMessageRow,
  parseStoredResponse,
  refsOfRows,
  responseRefs,
} from './redis-session.codec.ts';
import { TIMER_LUA, timerMember } from './redis-timer.store.ts';
import type { SessionMirror } from './session.mirror.ts';
import type {
  CommitOutcome,
  EffectRecord,
  NewSession,
  SessionStore,
  StoredSession,
  TurnCommit,
} from './session.store.ts';
import { type SessionTtl, ttlSecondsFor } from './session.ttl.ts';
import { StorageUnavailableError } from './storage.errors.ts';
import type { TimerChange } from './timer.store.ts';

export interface RedisSessionStoreOptions extends RedisLayoutOptions, SessionTtl {
  /** Idle sessions expire after this long (greeting-only ones sooner); every commit refreshes it. */
  sessionTtlSeconds: number;
  /** Where committed trace entries are read back (the Postgres `traces` table the sink fills). */
  readTraces?: (sessionId: string) => Promise<TraceEntry[]>;
  /** An already-built layout (shared with the effect log and timers); wins over prefix/shards. */
  layout?: RedisLayout;
  /**
   * The Postgres mirror. With it, a commit is acknowledged only once the mirror has the turn, and a session
   * (or a turn's stored answer) Redis no longer has is rebuilt from it: losing Redis loses nothing acknowledged.
   */
  mirror?: SessionMirror;
  now?: () => Date;
  /**
   * Replicas that must hold a commit before it is acknowledged (Redis `WAIT`); 0 = answer once the master
   * has it (replication is asynchronous: a failover can then lose the last acknowledged turns).
   */
  waitReplicas?: { count: number; timeoutMs: number };
}

/** Returns a stored response and the messages of its turn: `{tag, r, msg1, msg2 …}` or nil. */
const TURN_LUA = `
local function turn_reply(session, list, cmid, tag)
  local r = redis.call('HGET', session, 'r:' .. cmid)
  if not r then return nil end
  local first, count = string.match(r, '^(%d+):(%d+):')
  first = tonumber(first)
  count = tonumber(count)
  local out = {tag, r}
  if count > 0 then
    local msgs = redis.call('LRANGE', list, first - 1, first + count - 2)
    for i = 1, #msgs do out[#out + 1] = msgs[i] end
  end
  return out
end
`;

// A miss on a session Redis lost, or rebuilt from the mirror (flag 'rs'), answers 'ask': the turn may be
// one only the mirror still knows.
const FIND_TURN = redisScript(`${TURN_LUA}
local seen = turn_reply(KEYS[1], KEYS[2], ARGV[1], 'duplicate')
if seen then return seen end
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'rs') == 1 then return {'ask'} end
return nil
`);

// Rebuilds a lost session from the mirror, unless a process already did (or a new commit exists).
// KEYS: session hash, messages list, button sets hash. ARGV: ttl, tok, sv, v, st, o, snap, mc, ca, ua,
// message count, the messages, then ref/JSON pairs of button sets.
const RESTORE = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'tok', ARGV[2], 'sv', ARGV[3], 'v', ARGV[4], 'st', ARGV[5], 'o', ARGV[6],
  'snap', ARGV[7], 'mc', ARGV[8], 'ca', ARGV[9], 'ua', ARGV[10], 'rs', '1')
local nm = tonumber(ARGV[11])
local i = 12
while i <= 11 + nm do
  local last = math.min(i + 499, 11 + nm)
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, last))
  i = last + 1
end
while i + 1 <= #ARGV do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
if nm > 0 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1])) end
return 1
`);

// KEYS: session hash, messages list, effects stream, traces stream, button sets hash, timers zset, timer meta
// ARGV: 1 expectedVersion (0 = create), 2 clientMessageId or '', 3 ttl seconds, 4 schemaVersion, 5 state,
//       6 owner, 7 snapshot JSON, 8 at, 9 token hash (create only), 10 stored response, 11 message count,
//       12 effect count, 13 trace payload JSON, 14 session id, 15 button set count, 16 timer change count,
//       then the messages, then 4 fields per effect, then ref/JSON pairs of button sets, then 3 fields per
//       timer change ('arm' or 'cancel', member, due ms).
const COMMIT = redisScript(`${TURN_LUA}${TIMER_LUA}
local session, list = KEYS[1], KEYS[2]
local expected = tonumber(ARGV[1])
local cmid = ARGV[2]
if expected == 0 then
  if redis.call('EXISTS', session) == 1 then return {'exists'} end
else
  if cmid ~= '' then
    local seen = turn_reply(session, list, cmid, 'duplicate')
    if seen then return seen end
  end
  local v = redis.call('HGET', session, 'v')
  if (not v) or tonumber(v) ~= expected then return {'conflict'} end
end
local seq = expected + 1
redis.call('HSET', session, 'v', seq, 'sv', ARGV[4], 'st', ARGV[5], 'o', ARGV[6], 'snap', ARGV[7], 'ua', ARGV[8])
if expected == 0 then redis.call('HSET', session, 'tok', ARGV[9], 'ca', ARGV[8], 'mc', 0) end
local nm = tonumber(ARGV[11])
local ne = tonumber(ARGV[12])
local nb = tonumber(ARGV[15])
local nt = tonumber(ARGV[16])
local base = 16
if nm > 0 then
  redis.call('RPUSH', list, unpack(ARGV, base + 1, base + nm))
  redis.call('HINCRBY', session, 'mc', nm)
end
if cmid ~= '' then redis.call('HSET', session, 'r:' .. cmid, ARGV[10]) end
local ttl = tonumber(ARGV[3])
redis.call('EXPIRE', session, ttl)
redis.call('EXPIRE', list, ttl)
local e = base + nm
for i = 0, ne - 1 do
  local o = e + i * 4
  redis.call('XADD', KEYS[3], '*', 'k', ARGV[o + 1], 's', ARGV[14], 'q', ARGV[o + 2], 't', ARGV[o + 3],
    'p', ARGV[o + 4], 'a', '0')
end
local b = e + ne * 4
for i = 0, nb - 1 do redis.call('HSET', KEYS[5], ARGV[b + i * 2 + 1], ARGV[b + i * 2 + 2]) end
local t = b + nb * 2
for i = 0, nt - 1 do
  local o = t + i * 3
  if ARGV[o + 1] == 'arm' then timer_arm(KEYS[6], KEYS[7], ARGV[o + 2], ARGV[o + 3], seq)
  else timer_cancel(KEYS[6], KEYS[7], ARGV[o + 2], seq) end
end
local meta = redis.call('HMGET', session, 'mc', 'ca', 'tok')
redis.call('XADD', KEYS[4], '*', 's', ARGV[14], 'd', ARGV[13], 'v', seq, 'mc', meta[1], 'ca', meta[2],
  'tok', meta[3])
return {'committed', meta[1], meta[2], meta[3]}
`);

// KEYS: traces stream. ARGV: session id, entries to look at (newest first). The payloads of this session's
// turns the trace sink has not moved to Postgres yet.
const TRACE_BACKLOG = redisScript(`
local out = {}
local entries = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', tonumber(ARGV[2]))
for _, e in ipairs(entries) do
  local f = e[2]
  if f[1] == 's' and f[2] == ARGV[1] and f[3] == 'd' then out[#out + 1] = f[4] end
end
return out
`);

/** How far back `trace()` looks into the sink's backlog (it is near empty while the sink keeps up). */
const TRACE_BACKLOG_SCAN = 10_000;

const LOAD_FIELDS = ['tok', 'sv', 'v', 'st', 'o', 'snap', 'mc', 'ca', 'ua'];

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

const turnReplySchema = z.array(z.string()).min(1);

/** Interned button sets never change (content-addressed), so each process keeps the ones it has seen. */
const BUTTON_CACHE_LIMIT = 10_000;

export function createRedisSessionStore(
  client: RedisClient,
  options: RedisSessionStoreOptions,
): SessionStore {
  const layout = options.layout ?? redisLayout(options);
  const buttonCache = new Map<string, PublicButton[]>();
  const { mirror } = options;
  const now = options.now ?? (() => new Date());

  async function resolveButtons(sessionId: string, refs: string[]): Promise<(ref: string) => PublicButton[]> {
    const missing = [...new Set(refs)].filter((r) => !buttonCache.has(r));
    if (missing.length > 0) {
      const values = await client.hmGet(layout.buttons(layout.shardOf(sessionId)), missing);
      missing.forEach((ref, i) => {
        const json = values[i];
        if (typeof json !== 'string') throw new Error(`button set ${ref} is missing from Redis`);
        if (buttonCache.size >= BUTTON_CACHE_LIMIT) buttonCache.clear();
        buttonCache.set(ref, buttonSetSchema.parse(JSON.parse(json)));
      });
    }
    return (ref) => {
      const set = buttonCache.get(ref);
      if (!set) throw new Error(`button set ${ref} is missing from Redis`);
      return set;
    };
  }

  async function decodeRows(sessionId: string, raw: string[], extraRefs: string[] = []) {
    const rows: MessageRow[] = raw.map(parseMessageRow);
    const buttons = await resolveButtons(sessionId, [...refsOfRows(rows), ...extraRefs]);
    return { messages: rows.map((r) => messageFromRow(r, buttons)), buttons };
  }

  /** Turns the `{tag, r, msg…}` reply of TURN_LUA into the stored response. */
  async function responseFrom(sessionId: string, parts: string[]): Promise<TurnResponse> {
    const { first, count, compact } = parseStoredResponse(parts[1] ?? '');
    let { messages, buttons } = await decodeRows(sessionId, parts.slice(2), responseRefs(compact));
    if (messages.length !== count || messages.some((m, i) => m.seq !== first + i)) {
      // Index = seq - 1 holds for every transcript the engine writes; look the seqs up if it ever does not.
      const all = await decodeRows(sessionId, await client.lRange(layout.messages(sessionId), 0, -1));
      messages = all.messages.filter((m) => m.seq >= first && m.seq < first + count);
      buttons = all.buttons;
    }
    return expandResponse(sessionId, compact, messages, buttons);
  }

  async function write(c: {
    sessionId: string;
    expectedVersion: number;
    clientMessageId: string | null;
    schemaVersion: number;
    state: string;
    owner: 'bot' | 'human';
    snapshot: unknown;
    at: string;
    tokenHash: string;
    messages: ChatMessage[];
    response: TurnResponse;
    trace: TraceEntry;
    effects: EffectRecord[];
    timers?: TimerChange[];
  }): Promise<string[]> {
    const shard = layout.shardOf(c.sessionId);
    const interned: Interned = new Map();
    const encodedMessages = c.messages.map((m) => encodeMessage(m, interned));
    const storedResponse = c.clientMessageId
      ? encodeResponse(c.sessionId, c.response, c.messages, interned)
      : '';
    const snapshot = JSON.stringify(c.snapshot);
    // The snapshot is serialised once and spliced in: it is the biggest part of the payload.
    const tracePayload = `${JSON.stringify({
      c: c.clientMessageId,
      e: c.trace,
      r: c.response,
      m: c.messages,
      sv: c.schemaVersion,
      st: c.state,
      o: c.owner,
      ua: c.at,
    }).slice(0, -1)},"snap":${snapshot}}`;
    const timers = c.timers ?? [];
    const args: Array<string | number> = [
      c.expectedVersion,
      c.clientMessageId ?? '',
      ttlSecondsFor(options, c.state),
      c.schemaVersion,
      c.state,
      c.owner,
      snapshot,
      c.at,
      c.tokenHash,
      storedResponse,
      c.messages.length,
      c.effects.length,
      tracePayload,
      c.sessionId,
      interned.size,
      timers.length,
      ...encodedMessages,
      ...c.effects.flatMap((e) => [e.idempotencyKey, e.seq, e.type, JSON.stringify(e.params)]),
      ...[...interned].flat(),
      ...timers.flatMap((t) => [
        t.op,
        timerMember(c.sessionId, t.kind),
        t.op === 'arm' ? t.dueAt.getTime() : '',
      ]),
    ];
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
      ],
      args,
    );
    const parts = turnReplySchema.parse(reply);
    if (parts[0] === 'committed' && options.waitReplicas && options.waitReplicas.count > 0)
      await waitForReplicas(client, layout.session(c.sessionId), options.waitReplicas);
    if (mirror && parts[0] === 'committed') {
      // Acknowledged only once Postgres has it: if this throws, the caller answers 503 and the client's
      // retry (same clientMessageId) finds the turn in Redis; the trace sink copies it meanwhile.
      const [, messageCount, createdAt, tokenHash] = parts;
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
          createdAt: createdAt ?? c.at,
          updatedAt: c.at,
        },
      });
    }
    return parts;
  }

  /** A stored answer is handed out again only once the mirror has its turn (it is acknowledged again). */
  async function durable(sessionId: string, clientMessageId: string, response: TurnResponse) {
    if (mirror && !(await mirror.findTurn(sessionId, clientMessageId)))
      throw new StorageUnavailableError(
        `turn ${clientMessageId} of session ${sessionId} is not in Postgres yet (the trace sink copies it)`,
      );
    return response;
  }

  async function restore(sessionId: string): Promise<boolean> {
    if (!mirror) return false;
    const found = await mirror.load(sessionId, now());
    if (!found) return false;
    const { session: s, messages } = found;
    const ttl = Math.max(1, Math.ceil((found.expiresAt.getTime() - now().getTime()) / 1000));
    const interned: Interned = new Map();
    const encoded = messages.map((m) => encodeMessage(m, interned));
    await runScript(
      client,
      RESTORE,
      [layout.session(sessionId), layout.messages(sessionId), layout.buttons(layout.shardOf(sessionId))],
      [
        ttl,
        s.tokenHash,
        s.schemaVersion,
        s.version,
        s.state,
        s.owner,
        JSON.stringify(s.snapshot),
        messages.length,
        s.createdAt,
        s.updatedAt,
        encoded.length,
        ...encoded,
        ...[...interned].flat(),
      ],
    );
    return true;
  }

  async function loadFromRedis(sessionId: string): Promise<StoredSession | null> {
    const values = await client.hmGet(layout.session(sessionId), LOAD_FIELDS);
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

  return {
    kind: 'redis',

    async create(s: NewSession) {
      const reply = await write({
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
      const loaded = await loadFromRedis(sessionId);
      if (loaded || !(await restore(sessionId))) return loaded;
      return loadFromRedis(sessionId);
    },

    async findTurn(sessionId, clientMessageId) {
      const reply = await runScript(
        client,
        FIND_TURN,
        [layout.session(sessionId), layout.messages(sessionId)],
        [clientMessageId],
      );
      if (reply === null || reply === undefined) return null;
      const parts = turnReplySchema.parse(reply);
      if (parts[0] === 'ask') return mirror ? mirror.findTurn(sessionId, clientMessageId) : null;
      return durable(sessionId, clientMessageId, await responseFrom(sessionId, parts));
    },

    async commit(c: TurnCommit): Promise<CommitOutcome> {
      const reply = await write({ ...c, tokenHash: '' });
      if (reply[0] === 'committed') return { outcome: 'committed' };
      if (reply[0] === 'duplicate' && c.clientMessageId)
        return {
          outcome: 'duplicate',
          response: await durable(c.sessionId, c.clientMessageId, await responseFrom(c.sessionId, reply)),
        };
      return { outcome: 'conflict' };
    },

    async messages(sessionId, opts = {}) {
      const key = layout.messages(sessionId);
      if (opts.limit !== undefined && opts.limit <= 0) return [];
      const raw = await client.lRange(key, opts.limit !== undefined ? -opts.limit : 0, -1);
      const { messages } = await decodeRows(sessionId, raw);
      return opts.afterSeq !== undefined ? messages.filter((m) => m.seq > (opts.afterSeq ?? 0)) : messages;
    },

    /**
     * Read-your-writes: the turns still in the traces stream (committed, not yet in Postgres) are merged
     * with the ones the sink has written. The stream is read first — an entry leaves it only after Postgres
     * has it — so no turn can fall between the two reads.
     */
    async trace(sessionId) {
      const pending = z
        .array(z.string())
        .parse(
          await runScript(
            client,
            TRACE_BACKLOG,
            [layout.traces(layout.shardOf(sessionId))],
            [sessionId, TRACE_BACKLOG_SCAN],
          ),
        )
        .map((raw) => traceEntrySchema.parse(tracePayloadSchema.parse(JSON.parse(raw)).e));
      const stored = options.readTraces ? await options.readTraces(sessionId) : [];
      const bySeq = new Map<number, TraceEntry>();
      for (const entry of [...stored, ...pending]) if (!bySeq.has(entry.seq)) bySeq.set(entry.seq, entry);
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    },

    /** The client belongs to whoever created it (the runtime shares one between the Redis adapters). */
    async close() {},
  };
}
