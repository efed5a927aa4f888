// In-process engine throughput and latency on the production composition (createRuntime: Redis session
// store when REDIS_URL is set), the seed's 5-message conversation over many sessions, at concurrency 1 and
// 64. The background workers are off while turns are timed: this measures the turn pipeline itself.
// Baseline, same run, same concurrency: the minimal Redis work of one turn — one GET and one conditional
// write (Lua compare-and-set) of a record the size of a real session record — on its own connection.
import { randomUUID } from 'node:crypto';
import { webTokenAccess } from '../src/channels/web/web.channel.ts';
import { TURN_STAGES, type TurnStage, type TurnStages } from '../src/engine/turn.stages.ts';
import type { Runtime } from '../src/server/runtime.ts';
import { createRedisClient, redisLayout, redisScript, runScript } from '../src/storage/redis-client.ts';
import { type Summary, summarize } from './bench.stats.ts';

export const SEED_CONVERSATION = [
  'hi',
  'can you help me with password',
  'can you connect me to agent',
  '📞 Instant Chat',
  'hello? is anyone there?',
];
export const SEED_FINAL_STATE = 'escalated.queued';

export interface RunResult {
  concurrency: number;
  turns: number;
  turnsPerSecond: number;
  latencyMs: Summary;
}

export interface StageShare {
  stage: TurnStage;
  meanMs: number;
  share: number;
}

/** Runs `jobs` items with at most `concurrency` at a time; each job runs its steps one after another. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  job: (item: T) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await job(item);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

export interface Session {
  sessionId: string;
  token: string;
}

export async function startSessions(
  runtime: Runtime,
  count: number,
  concurrency: number,
): Promise<Session[]> {
  const sessions: Session[] = [];
  await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      const s = await runtime.engine.start();
      sessions.push({ sessionId: s.sessionId, token: s.token });
    },
  );
  return sessions;
}

export async function converse(runtime: Runtime, s: Session, texts: string[], latencies?: number[]) {
  let state = '';
  for (const text of texts) {
    const t0 = performance.now();
    const result = await runtime.engine.handle(
      s.sessionId,
      {
        kind: 'visitor',
        channel: 'web',
        clientMessageId: randomUUID(),
        text,
      },
      webTokenAccess(s.token),
    );
    latencies?.push(performance.now() - t0);
    if (result.outcome !== 'ok') throw new Error(`turn failed: ${JSON.stringify(result)}`);
    state = result.response.state;
  }
  return state;
}

export async function benchEngineRun(
  runtime: Runtime,
  sessions: number,
  concurrency: number,
): Promise<RunResult> {
  const ready = await startSessions(runtime, sessions, concurrency);
  const latencies: number[] = [];
  const seconds = await pool(ready, concurrency, async (s) => {
    const state = await converse(runtime, s, SEED_CONVERSATION, latencies);
    if (state !== SEED_FINAL_STATE)
      throw new Error(`seed conversation ended in ${state}, not ${SEED_FINAL_STATE}`);
  });
  return {
    concurrency,
    turns: latencies.length,
    turnsPerSecond: latencies.length / seconds,
    latencyMs: summarize(latencies),
  };
}

/** Bytes of one session's record (the hash the Lua commit writes), measured on a real session. */
export async function sessionRecordBytes(runtime: Runtime, sessionId: string): Promise<number> {
  const url = runtime.config.storage.redisUrl;
  if (!url) throw new Error('no Redis');
  const client = await createRedisClient(url);
  try {
    const layout = redisLayout({
      prefix: runtime.config.redis.keyPrefix,
      shards: runtime.config.redis.shards,
    });
    const fields = await client.hGetAll(layout.session(sessionId));
    return Object.entries(fields).reduce((a, [k, v]) => a + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  } finally {
    await client.close();
  }
}

const CAS = redisScript(`
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`);

/** The baseline: per "turn", GET the record then compare-and-set a new version of it (5 per record). */
export async function benchRedisBaseline(
  redisUrl: string,
  prefix: string,
  records: number,
  recordBytes: number,
  concurrency: number,
): Promise<RunResult> {
  const client = await createRedisClient(redisUrl);
  try {
    const pad = 'x'.repeat(Math.max(0, recordBytes - 8));
    const key = (i: number) => `${prefix}baseline:${i}`;
    for (let i = 0; i < records; i++) await client.set(key(i), `0:${pad}`, { EX: 600 });
    const latencies: number[] = [];
    const seconds = await pool(
      Array.from({ length: records }, (_, i) => i),
      concurrency,
      async (i) => {
        for (let turn = 0; turn < SEED_CONVERSATION.length; turn++) {
          const t0 = performance.now();
          const current = (await client.get(key(i))) ?? '0:';
          const version = Number(current.slice(0, current.indexOf(':')));
          const ok = await runScript(client, CAS, [key(i)], [`${version}:`, `${version + 1}:${pad}`, 600]);
          latencies.push(performance.now() - t0);
          if (Number(ok) !== 1) throw new Error('baseline compare-and-set lost: records are not shared');
        }
      },
    );
    return {
      concurrency,
      turns: latencies.length,
      turnsPerSecond: latencies.length / seconds,
      latencyMs: summarize(latencies),
    };
  } finally {
    await client.close();
  }
}

/** Mean milliseconds per stage over the collected turns, and each stage's share of the total. */
export function stageShares(collected: TurnStages[]): StageShare[] {
  const totals: Record<TurnStage, number> = {
    load: 0,
    idempotency: 0,
    detect: 0,
    transition: 0,
    commit: 0,
    followups: 0,
    publish: 0,
  };
  for (const t of collected) for (const s of TURN_STAGES) totals[s] += t[s];
  const all = TURN_STAGES.reduce((a, s) => a + totals[s], 0);
  return TURN_STAGES.map((stage) => ({
    stage,
    meanMs: collected.length ? totals[stage] / collected.length : 0,
    share: all ? totals[stage] / all : 0,
  })).sort((a, b) => b.share - a.share);
}
