// The Redis connection and the key layout every Redis adapter shares. Keys are grouped by a hash tag
// `{<shard>}` so that one Lua script only ever touches keys of one Redis Cluster slot: a session's
// record, the effect and trace streams its commit appends to, and the timers it arms all live under the
// shard tag derived from the session id. With `shards` = 1 (a single Redis) everything shares one tag;
// on Redis Cluster, raise it (e.g. 4 × the number of masters) to spread sessions over the slots.
import { createHash } from 'node:crypto';
// Types only at load time: the client library is imported when a connection is opened (start-up of the
// embedded default does not pay for it).
import type { createCluster } from 'redis';
import { watchRedisAnswers } from './redis.watchdog.ts';

const redisLibrary = () => import('redis');

/** A single-node client for tests and tools that talk to one server (`createRedisConnection` in the runtime). */
export async function createRedisClient(url: string) {
  // While Redis is unreachable a command fails at once (no offline queue).
  const client = (await redisLibrary()).createClient({ url, disableOfflineQueue: true });
  // Without a listener node-redis rethrows socket errors as uncaught exceptions; reconnects are automatic.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Credentials of the first seed apply to every node the cluster reports (CLUSTER SLOTS has no URLs). */
function clusterClient(create: typeof createCluster, urls: readonly string[], connectTimeout: number) {
  const first = new URL(urls[0] ?? 'redis://127.0.0.1:6379');
  return create({
    rootNodes: urls.map((url) => ({ url })),
    // As for one node (below): no per-command timer; the watchdog bounds the answer time of each master.
    commandOptions: { timeout: 0 },
    defaults: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      disableOfflineQueue: true,
      socket: { connectTimeout, ...(first.protocol === 'rediss:' ? { tls: true as const } : {}) },
    },
  });
}

export type RedisSingleClient = Awaited<ReturnType<typeof createRedisClient>>;
export type RedisClusterClient = ReturnType<typeof clusterClient>;
/**
 * What every Redis user receives: one node or a Redis Cluster. Both speak the same typed commands, and a
 * cluster routes each command (and each Lua script, by its first key) to the master of the key's slot.
 */
export type RedisClient = RedisSingleClient | RedisClusterClient;

/** Where Redis is: `REDIS_URL` (one node) or `REDIS_CLUSTER_URLS` (the seed nodes of a cluster). */
export type RedisEndpoint = { kind: 'single'; url: string } | { kind: 'cluster'; urls: readonly string[] };

export class RedisUnreachableError extends Error {}

/** A redacted address for messages: host and port, never a password. */
function where(endpoint: RedisEndpoint): string {
  const urls = endpoint.kind === 'single' ? [endpoint.url] : endpoint.urls;
  return urls
    .map((u) => {
      try {
        return new URL(u).host;
      } catch {
        return '?';
      }
    })
    .join(',');
}

/**
 * Opens the one Redis connection a process uses (the composition root injects it into every Redis user).
 * The first connection is given `connectTimeoutMs`; an unreachable server is a RedisUnreachableError with
 * one line naming the address instead of endless reconnect attempts at start-up.
 */
export async function createRedisConnection(
  endpoint: RedisEndpoint,
  options: {
    onError?: (error: unknown) => void;
    connectTimeoutMs?: number;
    /** A single node that answers nothing for this long is dropped and reopened (redis.watchdog.ts). */
    answerBoundMs?: number;
    onStalled?: (silentMs: number) => void;
  } = {},
): Promise<RedisClient> {
  const onError = options.onError ?? (() => {});
  const connectTimeout = options.connectTimeoutMs ?? 5000;
  const redis = await redisLibrary();
  let client: RedisClient;
  if (endpoint.kind === 'single') {
    // Until the first connection, a refusal is final (start-up says so); afterwards reconnect with backoff.
    let connected = false;
    client = redis.createClient({
      url: endpoint.url,
      // Bounded calls: a command fails at once while disconnected (no offline queue), and every pending
      // one fails when the server stops answering (the watchdog below, started once connected). node-redis's
      // own per-command timeout (5 s by default; `0` turns it off) only bounds the wait to be written, at
      // the cost of an AbortSignal timer per command.
      disableOfflineQueue: true,
      commandOptions: { timeout: 0 },
      socket: {
        connectTimeout,
        reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, 2000) : cause),
      },
    });
    client.once('ready', () => {
      connected = true;
    });
  } else {
    client = clusterClient(redis.createCluster, endpoint.urls, connectTimeout);
  }
  // Before the first connection the failure is reported once, as the start-up error below.
  let opened = false;
  client.on('error', (error: unknown) => {
    if (opened) onError(error);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), connectTimeout + 1000);
      }),
    ]);
  } catch (error) {
    await client.destroy();
    const reason = error instanceof Error ? error.message || error.name : String(error);
    throw new RedisUnreachableError(
      `cannot reach Redis${endpoint.kind === 'cluster' ? ' Cluster' : ''} at ${where(endpoint)} (${reason})`,
    );
  } finally {
    clearTimeout(timer);
  }
  opened = true;
  const boundMs = options.answerBoundMs ?? 5000;
  const watched = client;
  watchRedisAnswers(
    isRedisCluster(watched) ? () => mastersOf(watched) : () => [watched as RedisSingleClient],
    () => watched.isOpen,
    {
      boundMs,
      everyMs: Math.max(50, Math.min(1000, Math.floor(boundMs / 5))),
      onError,
      ...(options.onStalled ? { onStalled: options.onStalled } : {}),
    },
  );
  return client;
}

/** The connections to the cluster's masters that exist right now (node-redis opens them as needed). */
function mastersOf(cluster: RedisClusterClient): RedisSingleClient[] {
  return cluster.masters.flatMap((node) =>
    node.client ? [node.client as unknown as RedisSingleClient] : [],
  );
}

export function isRedisCluster(client: RedisClient): client is RedisClusterClient {
  return 'masters' in client;
}

/** The node clients holding data: the one node, or every master of a cluster (SCAN, readiness). */
export async function masterClients(client: RedisClient): Promise<RedisSingleClient[]> {
  if (!isRedisCluster(client)) return [client];
  return Promise.all(client.masters.map((m) => client.nodeClient(m))) as Promise<RedisSingleClient[]>;
}

/** Readiness: every master answers (a cluster with a master down and no replica promoted yet is not ready). */
export async function pingRedis(client: RedisClient): Promise<void> {
  await Promise.all((await masterClients(client)).map((node) => node.ping()));
}

/** A commit the master holds but not yet the replicas it must reach; the client retries (same id). */
export class ReplicationPendingError extends Error {
  readonly status = 503;
  readonly retryAfterSeconds = 1;
}

/**
 * WAIT on the master that owns `key`: resolves once `count` replicas acknowledged every write this
 * connection sent so far, or throws ReplicationPendingError after `timeoutMs`.
 */
export async function waitForReplicas(
  client: RedisClient,
  key: string,
  replicas: { count: number; timeoutMs: number },
): Promise<void> {
  const args = ['WAIT', String(replicas.count), String(replicas.timeoutMs)];
  const acked = Number(
    isRedisCluster(client) ? await client.sendCommand(key, false, args) : await client.sendCommand(args),
  );
  if (acked < replicas.count)
    throw new ReplicationPendingError(
      `the turn reached ${acked} of ${replicas.count} Redis replicas within ${replicas.timeoutMs} ms; retry with the same clientMessageId`,
    );
}

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
  const session = (id: string) => `${tag(shardOf(id))}:s:${id}`;
  const snapshot = (id: string) => `${tag(shardOf(id))}:x:${id}`;
  const messages = (id: string) => `${tag(shardOf(id))}:m:${id}`;
  return {
    prefix,
    shardIds: Array.from({ length: shards }, (_, i) => i),
    shardOf,
    /**
     * Hash of short fields (so Redis keeps it a listpack): token hash, versions, state, owner, counters,
     * epoch-ms times and the turns' stored answers (encodings in redis-session.codec.ts).
     */
    session,
    /** String: the persisted machine snapshot (JSON), the one long value, kept out of the hash. */
    snapshot,
    /** List: the transcript, one compact JSON array per message, index = seq - 1. */
    messages,
    /** Every key that belongs to one session (and to nothing else). */
    sessionKeys: (id: string) => [session(id), snapshot(id), messages(id)],
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
