// Redis memory of one idle session with a 20-message history: MEMORY USAGE (exact, SAMPLES 0) of every key
// that belongs to the session (the layout's sessionKeys: record hash, snapshot string, transcript list).
// Shared keys (effect and trace streams, timers, interned button sets) are not per session and are left out.
import type { Runtime } from '../src/server/runtime.ts';
import { createRedisClient, redisLayout } from '../src/storage/redis-client.ts';
import { type Summary, summarize } from './bench.stats.ts';
import { converse, SEED_CONVERSATION, startSessions } from './engine.bench.ts';

export const HISTORY_MESSAGES = 20;

export interface MemoryResult {
  sessions: number;
  bytes: Summary;
  /** Mean bytes of the record hash (versions, counters, stored answers), the snapshot and the transcript. */
  recordBytes: number;
  snapshotBytes: number;
  transcriptBytes: number;
  /** Redis' encoding of the record hash: 'listpack' while every field is short. */
  recordEncoding: string;
  messagesPerSession: number;
  keysPerSession: number;
}

export async function benchMemory(runtime: Runtime, sessions: number): Promise<MemoryResult> {
  const url = runtime.config.storage.redisUrl;
  if (!url) throw new Error('the memory part needs REDIS_URL');
  const ready = await startSessions(runtime, sessions, 16);
  let messages = 0;
  for (const s of ready) {
    await converse(runtime, s, SEED_CONVERSATION);
    let count = (await runtime.store.load(s.sessionId))?.messageCount ?? 0;
    // Escalated: each further visitor message adds exactly one message (the bot stays silent).
    for (let i = 1; count < HISTORY_MESSAGES; i++) {
      await converse(runtime, s, [`still waiting for someone, message ${i}`]);
      count = (await runtime.store.load(s.sessionId))?.messageCount ?? 0;
    }
    messages = count;
  }
  const client = await createRedisClient(url);
  try {
    const layout = redisLayout({
      prefix: runtime.config.redis.keyPrefix,
      shards: runtime.config.redis.shards,
    });
    const usage = async (key: string) => {
      const n = await client.memoryUsage(key, { SAMPLES: 0 });
      if (n === null) throw new Error(`session key ${key} missing`);
      return n;
    };
    const bytes: number[] = [];
    let record = 0;
    let snapshot = 0;
    let transcript = 0;
    for (const s of ready) {
      const sizes = new Map<string, number>();
      for (const key of layout.sessionKeys(s.sessionId)) sizes.set(key, await usage(key));
      record += sizes.get(layout.session(s.sessionId)) ?? 0;
      snapshot += sizes.get(layout.snapshot(s.sessionId)) ?? 0;
      transcript += sizes.get(layout.messages(s.sessionId)) ?? 0;
      bytes.push([...sizes.values()].reduce((a, b) => a + b, 0));
    }
    const first = ready[0];
    return {
      sessions: ready.length,
      bytes: summarize(bytes),
      recordBytes: record / ready.length,
      snapshotBytes: snapshot / ready.length,
      transcriptBytes: transcript / ready.length,
      recordEncoding: first ? String(await client.objectEncoding(layout.session(first.sessionId))) : '',
      messagesPerSession: messages,
      keysPerSession: first ? layout.sessionKeys(first.sessionId).length : 0,
    };
  } finally {
    await client.close();
  }
}
