// What the Redis session store's reads and writes share: the connection, the key layout, the options and
// this process's cache of interned button sets.
import type { PublicButton, TraceEntry } from '../engine/turn.types.ts';
import { type RedisClient, type RedisLayout, type RedisLayoutOptions, redisLayout } from './redis-client.ts';
import type { SessionMirror } from './session.mirror.ts';
import type { SessionTtl } from './session.ttl.ts';

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

export interface RedisSessionContext {
  readonly client: RedisClient;
  readonly layout: RedisLayout;
  readonly options: RedisSessionStoreOptions;
  readonly mirror: SessionMirror | undefined;
  readonly now: () => Date;
  /** Interned button sets never change (content-addressed), so each process keeps the ones it has seen. */
  readonly buttonCache: Map<string, PublicButton[]>;
}

export function redisSessionContext(
  client: RedisClient,
  options: RedisSessionStoreOptions,
): RedisSessionContext {
  return {
    client,
    layout: options.layout ?? redisLayout(options),
    options,
    mirror: options.mirror,
    now: options.now ?? (() => new Date()),
    buttonCache: new Map(),
  };
}
