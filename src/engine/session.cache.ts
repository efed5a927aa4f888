// The sessions this process committed last, kept in memory so the common turn — the next message of a
// conversation this process just answered — reads nothing before its commit: no load, no separate
// idempotency lookup. It needs no sticky routing to be correct: the commit is a compare-and-set on the
// version, so an entry another process (or a lost Redis) made stale costs one conflict, after which the
// turn loads the session and is redone; and both stores check a re-sent clientMessageId inside that same
// atomic commit, so the turn that skipped the lookup is still answered as a duplicate.
//
// Only for stores whose every write of a session goes through a version-checked commit, or whose other
// writers are in this process and call `forget` (the embedded database: one process by construction).
import type { StoredSession } from '../storage/session.store.ts';
import { GREETING_STATE } from '../storage/session.ttl.ts';

export interface SessionCache {
  /** The session as this process last committed it; undefined when not held or idle too long. */
  get(sessionId: string): StoredSession | undefined;
  /** After a commit: the session as it is now stored. */
  remember(session: StoredSession): void;
  /** The stored session changed behind the cache (a conflict, an erasure, an unknown outcome). */
  forget(sessionId: string): void;
}

export interface SessionCacheOptions {
  /** Sessions held at most; the least recently used goes first. */
  maxEntries: number;
  /** An entry unused this long is dropped (a conversation that went quiet). */
  idleMs?: number;
  /** Monotonic milliseconds (tests pass their own). */
  clock?: () => number;
}

interface Entry {
  session: StoredSession;
  usedAt: number;
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const idleMs = options.idleMs ?? 10 * 60_000;
  const clock = options.clock ?? (() => performance.now());
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>();
  return {
    get(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry) return undefined;
      entries.delete(sessionId);
      const now = clock();
      if (now - entry.usedAt > idleMs) return undefined;
      entry.usedAt = now;
      entries.set(sessionId, entry);
      return entry.session;
    },
    remember(session) {
      entries.delete(session.id);
      // A session still at the greeting may expire on its store's clock (GREETING_SESSION_TTL_SECONDS),
      // which only a load applies: it is read from the store every time.
      if (session.state === GREETING_STATE) return;
      entries.set(session.id, { session, usedAt: clock() });
      if (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    forget(sessionId) {
      entries.delete(sessionId);
    },
  };
}
