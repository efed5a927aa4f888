// The Lua scripts of the Redis session store: each runs atomically on the session's shard, so a commit
// (idempotency check, version compare-and-set, every write) is one round trip, and so are restore and reads.
import { z } from 'zod';
import { redisScript } from './redis-client.ts';
import { TIMER_LUA } from './redis-timer.store.ts';

/**
 * Returns a stored response and the messages of its turn: `{tag, r, msg1, msg2 …}` or nil. `field` is the
 * answer's field, `legacy` the one a session written before the short fields keeps it under.
 */
const TURN_LUA = `
local function turn_reply(session, list, field, legacy, tag)
  local r = redis.call('HGET', session, field)
  if not r and legacy ~= field then r = redis.call('HGET', session, legacy) end
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
// one only the mirror still knows. KEYS: session hash, messages list. ARGV: answer field, legacy field.
export const FIND_TURN = redisScript(`${TURN_LUA}
local seen = turn_reply(KEYS[1], KEYS[2], ARGV[1], ARGV[2], 'duplicate')
if seen then return seen end
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'rs') == 1 then return {'ask'} end
return nil
`);

// The snapshot key outlives the hash by a second, so a load never finds the hash without its snapshot.
// KEYS: session hash, snapshot key. Returns tok, sv, v, st, o, mc, ca, ua, snapshot (nil when absent); a
// session written before the snapshot had its own key still has it in the hash.
export const LOAD = redisScript(`
local f = redis.call('HMGET', KEYS[1], 'tok', 'sv', 'v', 'st', 'o', 'mc', 'ca', 'ua', 'snap')
if not f[9] then f[9] = redis.call('GET', KEYS[2]) end
return f
`);

// Rebuilds a lost session from the mirror, unless a process already did (or a new commit exists).
// KEYS: session hash, messages list, button sets hash, snapshot key. ARGV: ttl, tok, sv, v, st, o, snap,
// mc, ca, ua, message count, the messages, then ref/JSON pairs of button sets.
export const RESTORE = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'tok', ARGV[2], 'sv', ARGV[3], 'v', ARGV[4], 'st', ARGV[5], 'o', ARGV[6],
  'mc', ARGV[8], 'ca', ARGV[9], 'ua', ARGV[10], 'rs', '1')
redis.call('SET', KEYS[4], ARGV[7], 'EX', tonumber(ARGV[1]) + 1)
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

// KEYS: session hash, messages list, effects stream, traces stream, button sets hash, timers zset, timer
//       meta, snapshot key
// ARGV: 1 expectedVersion (0 = create), 2 the answer's field or '' (no clientMessageId), 3 ttl seconds,
//       4 schemaVersion, 5 state, 6 owner, 7 snapshot JSON, 8 at (epoch ms), 9 token hash (create only),
//       10 stored response, 11 message count, 12 effect count, 13 trace payload JSON, 14 session id,
//       15 button set count, 16 timer change count, 17 '1' when the caller already asked the mirror for
//       this clientMessageId, 18 the answer's legacy field, then the messages, then 4 fields per effect,
//       then ref/JSON pairs of button sets, then 3 fields per timer change ('arm' or 'cancel', member, due ms).
export const COMMIT = redisScript(`${TURN_LUA}${TIMER_LUA}
local session, list = KEYS[1], KEYS[2]
local expected = tonumber(ARGV[1])
local field = ARGV[2]
if expected == 0 then
  if redis.call('EXISTS', session) == 1 then return {'exists'} end
else
  if field ~= '' then
    local seen = turn_reply(session, list, field, ARGV[18], 'duplicate')
    if seen then return seen end
    -- A session rebuilt from the mirror lacks the answers of its earlier turns: the mirror has them.
    if ARGV[17] ~= '1' and redis.call('HEXISTS', session, 'rs') == 1 then return {'ask'} end
  end
  local v = redis.call('HGET', session, 'v')
  if (not v) or tonumber(v) ~= expected then return {'conflict'} end
end
local seq = expected + 1
redis.call('HSET', session, 'v', seq, 'sv', ARGV[4], 'st', ARGV[5], 'o', ARGV[6], 'ua', ARGV[8])
if expected == 0 then redis.call('HSET', session, 'tok', ARGV[9], 'ca', ARGV[8], 'mc', 0)
else redis.call('HDEL', session, 'snap') end
local nm = tonumber(ARGV[11])
local ne = tonumber(ARGV[12])
local nb = tonumber(ARGV[15])
local nt = tonumber(ARGV[16])
local base = 18
if nm > 0 then
  redis.call('RPUSH', list, unpack(ARGV, base + 1, base + nm))
  redis.call('HINCRBY', session, 'mc', nm)
end
if field ~= '' then redis.call('HSET', session, field, ARGV[10]) end
local ttl = tonumber(ARGV[3])
redis.call('EXPIRE', session, ttl)
redis.call('EXPIRE', list, ttl)
redis.call('SET', KEYS[8], ARGV[7], 'EX', ttl + 1)
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
export const TRACE_BACKLOG = redisScript(`
local out = {}
local entries = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', tonumber(ARGV[2]))
for _, e in ipairs(entries) do
  local f = e[2]
  if f[1] == 's' and f[2] == ARGV[1] and f[3] == 'd' then out[#out + 1] = f[4] end
end
return out
`);

/** The `{tag, …}` reply of FIND_TURN and COMMIT: 'duplicate'/'committed'/'conflict'/'exists'/'ask' first. */
export const turnReplySchema = z.array(z.string()).min(1);
