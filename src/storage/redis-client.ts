// The Redis connection and the key layout every Redis adapter shares. Keys are grouped by a hash tag
// `{<shard>}` so that one Lua script only ever touches keys of one Redis Cluster slot: a session's
// record, the effect and trace streams its commit appends to, and the timers it arms all live under the
// shard tag derived from the session id. With `shards` = 1 (a single Redis) everything shares one tag;
// on Redis Cluster, raise it (e.g. 4 × the number of masters) to spread sessions over the slots.
import { createHash } from 'node:crypto';
import { createClient } from 'redis';

export async function createRedisClient(url: string) {
  // Bounded calls: while Redis is unreachable a command fails at once (no offline queue) and one that gets
  // no answer fails after 5 s, so a request answers 503 instead of hanging for the whole outage.
  const client = createClient({ url, disableOfflineQueue: true, commandOptions: { timeout: 5000 } });
  // Without a listener node-redis rethrows socket errors as uncaught exceptions; reconnects are automatic.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export type RedisClient = Awaited<ReturnType<typeof createRedisClient>>;

export interface RedisLayoutOptions {
  /** Namespace of every key (several deployments or test runs can share one Redis). */
  prefix?: string;
  /** Number of hash-tag shards; every worker polls all of them. */
  shards?: number;
}

export type RedisLayout = ReturnType<typeof redisLayout>;

/** FNV-1a: a stable, cheap spread of session ids over shards (not security relevant). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function redisLayout(options: RedisLayoutOptions = {}) {
  const prefix = options.prefix ?? 'sb:';
  const shards = Math.max(1, Math.floor(options.shards ?? 1));
  const tag = (shard: number) => `${prefix}{${shard}}`;
  const shardOf = (sessionId: string) => (shards === 1 ? 0 : fnv1a(sessionId) % shards);
  return {
    prefix,
    shardIds: Array.from({ length: shards }, (_, i) => i),
    shardOf,
    /** Hash: token hash, versions, state, owner, snapshot, counters and `r:<clientMessageId>` responses. */
    session: (id: string) => `${tag(shardOf(id))}:s:${id}`,
    /** List: the transcript, one compact JSON array per message, index = seq - 1. */
    messages: (id: string) => `${tag(shardOf(id))}:m:${id}`,
    /** Hash: interned quick-reply button sets (`#ref` → JSON), shared by the shard's sessions. */
    buttons: (shard: number) => `${tag(shard)}:buttons`,
    effects: (shard: number) => `${tag(shard)}:effects`,
    effectsDelayed: (shard: number) => `${tag(shard)}:effects:delayed`,
    effectsFailed: (shard: number) => `${tag(shard)}:effects:failed`,
    effectsCursor: (shard: number) => `${tag(shard)}:effects:cursor`,
    traces: (shard: number) => `${tag(shard)}:traces`,
    tracesDelayed: (shard: number) => `${tag(shard)}:traces:delayed`,
    tracesCursor: (shard: number) => `${tag(shard)}:traces:cursor`,
    timers: (shard: number) => `${tag(shard)}:timers`,
    timerMeta: (shard: number) => `${tag(shard)}:timers:meta`,
  };
}

export interface RedisScript {
  source: string;
  sha: string;
}

export function redisScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** EVALSHA, loading the script with EVAL when the server does not know it yet (restart, failover). */
export async function runScript(
  client: RedisClient,
  script: RedisScript,
  keys: string[],
  args: Array<string | number>,
): Promise<unknown> {
  const options = { keys, arguments: args.map(String) };
  try {
    return await client.evalSha(script.sha, options);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(script.source, options);
  }
}
