// `npm run bench [-- --smoke] [-- --only=detect,engine,memory,http]`: measures the project against a
// baseline in the same run, prints each part with its ratio, and ends with one JSON line of every figure.
// `--smoke` runs every part with tiny sizes (seconds), as CI does. Storage comes from DATABASE_URL and
// REDIS_URL (a fresh database and key prefix per run, removed at the end); without them PGlite and the
// Postgres session store are used, and the output says so.
import { cpus } from 'node:os';
import { pino } from 'pino';
import { z } from 'zod';
import type { TurnStages } from '../src/engine/turn.stages.ts';
import { createRuntime, type Runtime } from '../src/server/runtime.ts';
import { benchStorage } from './bench.env.ts';
import { fmt, round } from './bench.stats.ts';
import { benchBotBuilderRun } from './botbuilder.bench.ts';
import { benchDetect } from './detect.bench.ts';
import {
  benchEngineRun,
  benchRedisBaseline,
  converse,
  SEED_CONVERSATION,
  sessionRecordBytes,
  stageShares,
  startSessions,
} from './engine.bench.ts';
import { addEchoRoute, runLoad } from './http.bench.ts';
import { benchMemory } from './memory.bench.ts';
import { benchStartup } from './startup.bench.ts';

const PARTS = ['detect', 'engine', 'memory', 'http', 'startup'] as const;
type Part = (typeof PARTS)[number];

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const only = new Set<Part>(
  onlyArg
    ? onlyArg
        .slice('--only='.length)
        .split(',')
        .filter((p): p is Part => (PARTS as readonly string[]).includes(p))
    : PARTS,
);

const SIZES = smoke
  ? {
      passes: 1,
      c1Sessions: 10,
      c64Sessions: 64,
      warmup: 4,
      memorySessions: 5,
      httpSeconds: 2,
      httpWarmup: 0,
      embeddedSeconds: 2,
    }
  : {
      passes: 30,
      c1Sessions: 300,
      c64Sessions: 2000,
      warmup: 50,
      memorySessions: 200,
      httpSeconds: 10,
      httpWarmup: 2,
      embeddedSeconds: 10,
    };
const CONNECTIONS = 64;

/** One seed conversation over HTTP before any load: lazy initialisation is not measured. */
async function warmUp(url: string) {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`warm-up ${path}: HTTP ${res.status} ${await res.text()}`);
    return z
      .object({ sessionId: z.string().optional(), token: z.string().optional() })
      .parse(await res.json());
  };
  const s = await post('/api/v1/sessions', {});
  for (const [i, text] of SEED_CONVERSATION.entries())
    await post(`/api/v1/sessions/${s.sessionId}/messages`, { clientMessageId: `warm-${i}`, text }, s.token);
  await post('/bench/echo', { text: 'warm' });
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const figures: Record<string, number | string | boolean | null> = {
  detect_p99_us: null,
  engine_turns_per_s_c64: null,
  engine_vs_redis_baseline: null,
  engine_vs_botbuilder_c64: null,
  engine_vs_botbuilder_c1: null,
  http_turns_per_s: null,
  http_vs_express_echo: null,
  http_p99_ms: null,
  redis_bytes_per_session: null,
  http_embedded_turns_per_s: null,
  http_embedded_p99_ms: null,
  rss_idle_mb: null,
  rss_load_mb: null,
};

const rssMb = () => Math.round(process.memoryUsage().rss / 1e5) / 10;

/** Peak RSS of this process (the server: the load generator is its own process) while `work` runs. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = rssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 100);
  try {
    const result = await work();
    return { result, peakMb: Math.max(peak, rssMb()) };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const storage = await benchStorage();
  const quiet = pino({ level: 'silent' });
  say(
    `Switchboard bench (${smoke ? 'smoke' : 'full'}, run ${storage.run}) — Node ${process.version}, ${cpus().length} CPUs, ` +
      `sessions in ${storage.redisUrl ? 'Redis' : 'Postgres (no REDIS_URL)'}, records in ` +
      `${storage.databaseUrl ? 'Postgres' : 'PGlite (no DATABASE_URL)'}`,
  );
  figures.smoke = smoke;
  figures.session_store = storage.redisUrl ? 'redis' : 'postgres';
  const runtimes: Runtime[] = [];
  // Before any runtime exists: the process with the bench's modules loaded (idle).
  figures.rss_idle_mb = rssMb();
  try {
    if (only.has('detect')) {
      const d = benchDetect({ passes: SIZES.passes });
      say(
        `[detect] ${d.messages} corpus messages × ${SIZES.passes} passes, button + keyword layers: ` +
          `mean ${fmt(d.layersMeanUs)} µs, p50 ${fmt(d.layers.p50)} µs, p99 ${fmt(d.layers.p99)} µs ` +
          `(${Math.round(d.decidedShare * 100)}% decided) | baseline toLowerCase().includes('agent'): ` +
          `mean ${fmt(d.baselineMeanUs)} µs, p99 ${fmt(d.baseline.p99)} µs → ${fmt(d.layersMeanUs / d.baselineMeanUs)}× the baseline`,
      );
      say(
        `[detect] + learned model when undecided + language detection: mean ${fmt(d.learnedMeanUs)} µs, ` +
          `p50 ${fmt(d.learned.p50)} µs, p99 ${fmt(d.learned.p99)} µs (${Math.round(d.learnedDecidedShare * 100)}% decided) ` +
          `→ ${fmt(d.learnedMeanUs / d.baselineMeanUs)}× the baseline | load: model ${fmt(d.modelLoadMs)} ms, language detector ${fmt(d.languageLoadMs)} ms`,
      );
      Object.assign(figures, {
        detect_p50_us: round(d.layers.p50),
        detect_p99_us: round(d.layers.p99),
        detect_mean_us: round(d.layersMeanUs),
        detect_baseline_mean_us: round(d.baselineMeanUs),
        detect_vs_baseline: round(d.layersMeanUs / d.baselineMeanUs),
        detect_learned_p50_us: round(d.learned.p50),
        detect_learned_p99_us: round(d.learned.p99),
        detect_learned_mean_us: round(d.learnedMeanUs),
        detect_learned_vs_baseline: round(d.learnedMeanUs / d.baselineMeanUs),
        model_load_ms: round(d.modelLoadMs),
        language_load_ms: round(d.languageLoadMs),
      });
    }

    if (only.has('engine') || only.has('memory')) {
      const stages: TurnStages[] = [];
      let collect = false;
      const runtime = await createRuntime(await storage.config(), {
        logger: quiet,
        runWorker: false,
        defaultMetrics: false,
        engine: {
          timeStages: true,
          onTurn: (turn) => {
            if (collect && turn.stages) stages.push({ ...turn.stages });
          },
        },
      });
      runtimes.push(runtime);
      if (only.has('engine')) {
        // Warm-up: JIT, connection pools, Lua script cache.
        for (const s of await startSessions(runtime, SIZES.warmup, 8))
          await converse(runtime, s, SEED_CONVERSATION);
        collect = true;
        const c1 = await benchEngineRun(runtime, SIZES.c1Sessions, 1);
        collect = false;
        const cpuBefore = process.cpuUsage();
        const c64 = await benchEngineRun(runtime, SIZES.c64Sessions, 64);
        const cpu = process.cpuUsage(cpuBefore);
        // CPU time of this process (user + system) per turn at c64: the capacity model's unit (docs/capacity.md).
        figures.engine_cpu_us_per_turn_c64 = round((cpu.user + cpu.system) / c64.turns);
        const line = (name: string, r: typeof c1) =>
          `${name} ${fmt(r.turnsPerSecond)} turns/s, p50 ${fmt(r.latencyMs.p50)} ms, p99 ${fmt(r.latencyMs.p99)} ms (${r.turns} turns)`;
        say(
          `[engine] store ${runtime.store.kind}; seed conversation (${SEED_CONVERSATION.length} messages/session)`,
        );
        Object.assign(figures, {
          engine_turns_per_s_c1: round(c1.turnsPerSecond),
          engine_p50_ms_c1: round(c1.latencyMs.p50),
          engine_p99_ms_c1: round(c1.latencyMs.p99),
          engine_turns_per_s_c64: round(c64.turnsPerSecond),
          engine_p50_ms_c64: round(c64.latencyMs.p50),
          engine_p99_ms_c64: round(c64.latencyMs.p99),
        });
        if (storage.redisUrl) {
          const probe = (await startSessions(runtime, 1, 1))[0];
          if (!probe) throw new Error('no probe session');
          await converse(runtime, probe, SEED_CONVERSATION);
          const bytes = await sessionRecordBytes(runtime, probe.sessionId);
          const prefix = runtime.config.redis.keyPrefix;
          const b1 = await benchRedisBaseline(storage.redisUrl, prefix, SIZES.c1Sessions, bytes, 1);
          const b64 = await benchRedisBaseline(storage.redisUrl, prefix, SIZES.c64Sessions, bytes, 64);
          say(
            `  c1:  engine ${line('', c1)} | Redis GET + Lua CAS of ${bytes} B:${line('', b1)} → ${fmt(c1.turnsPerSecond / b1.turnsPerSecond)}×`,
          );
          say(
            `  c64: engine ${line('', c64)} | Redis GET + Lua CAS of ${bytes} B:${line('', b64)} → ${fmt(c64.turnsPerSecond / b64.turnsPerSecond)}×`,
          );
          Object.assign(figures, {
            engine_vs_redis_baseline: round(c64.turnsPerSecond / b64.turnsPerSecond),
            engine_vs_redis_baseline_c1: round(c1.turnsPerSecond / b1.turnsPerSecond),
            redis_baseline_ops_per_s_c64: round(b64.turnsPerSecond),
            redis_baseline_ops_per_s_c1: round(b1.turnsPerSecond),
            session_record_bytes: bytes,
          });
        } else {
          say(`  c1:  ${line('', c1)}`);
          say(`  c64: ${line('', c64)}`);
          say('  (no REDIS_URL: the Redis baseline and engine_vs_redis_baseline are not measured)');
        }
        // The peer, right after the engine in the same run: Bot Framework over its MemoryStorage.
        const bb1 = await benchBotBuilderRun(SIZES.c1Sessions, 1);
        const bb64 = await benchBotBuilderRun(SIZES.c64Sessions, 64);
        say(
          `[peer] Bot Framework 4.23 waterfall, MemoryStorage, in process: c1 ${line('', bb1)} → engine ${fmt(c1.turnsPerSecond / bb1.turnsPerSecond)}×; ` +
            `c64 ${line('', bb64)} → engine ${fmt(c64.turnsPerSecond / bb64.turnsPerSecond)}×`,
        );
        Object.assign(figures, {
          botbuilder_turns_per_s_c1: round(bb1.turnsPerSecond),
          botbuilder_p50_ms_c1: round(bb1.latencyMs.p50),
          botbuilder_turns_per_s_c64: round(bb64.turnsPerSecond),
          engine_vs_botbuilder_c1: round(c1.turnsPerSecond / bb1.turnsPerSecond),
          engine_vs_botbuilder_c64: round(c64.turnsPerSecond / bb64.turnsPerSecond),
        });
        const shares = stageShares(stages);
        const slowest = shares[0];
        say(
          `[stages] one turn at c1, mean over ${stages.length} turns: ` +
            shares.map((s) => `${s.stage} ${fmt(s.meanMs)} ms (${Math.round(s.share * 100)}%)`).join(', '),
        );
        if (slowest) {
          say(`  slowest step: ${slowest.stage}, ${Math.round(slowest.share * 100)}% of a turn`);
          Object.assign(figures, {
            slowest_stage: slowest.stage,
            slowest_stage_share: round(slowest.share),
            ...Object.fromEntries(shares.map((s) => [`stage_${s.stage}_ms`, round(s.meanMs)])),
          });
        }
      }
      if (only.has('memory')) {
        if (storage.redisUrl) {
          const m = await benchMemory(runtime, SIZES.memorySessions);
          say(
            `[memory] ${m.sessions} idle sessions with ${m.messagesPerSession} messages each: ` +
              `mean ${Math.round(m.bytes.mean)} B, p50 ${Math.round(m.bytes.p50)} B, p99 ${Math.round(m.bytes.p99)} B ` +
              `per session (MEMORY USAGE of its ${m.keysPerSession} keys: record ${Math.round(m.recordBytes)} B ` +
              `(${m.recordEncoding}), snapshot ${Math.round(m.snapshotBytes)} B, transcript ` +
              `${Math.round(m.transcriptBytes)} B)`,
          );
          figures.redis_bytes_per_session = Math.round(m.bytes.mean);
          figures.redis_record_bytes = Math.round(m.recordBytes);
          figures.redis_snapshot_bytes = Math.round(m.snapshotBytes);
          figures.redis_transcript_bytes = Math.round(m.transcriptBytes);
        } else say('[memory] skipped: needs REDIS_URL');
      }
    }

    if (only.has('http')) {
      const runtime = await createRuntime(await storage.config(), { logger: quiet, defaultMetrics: false });
      runtimes.push(runtime);
      addEchoRoute(runtime);
      const { url } = await runtime.listen();
      await warmUp(url);
      const load = (mode: 'turns' | 'echo', seconds: number) =>
        runLoad({ url, mode, connections: CONNECTIONS, seconds });
      if (SIZES.httpWarmup > 0) {
        await load('turns', SIZES.httpWarmup);
        await load('echo', SIZES.httpWarmup);
      }
      const { result: turns, peakMb } = await peakRss(() => load('turns', SIZES.httpSeconds));
      figures.rss_load_mb = peakMb;
      const echo = await load('echo', SIZES.httpSeconds);
      if (turns.non2xx + turns.errors + turns.timeouts > 0 || turns.ok === 0)
        throw new Error(`HTTP turns failed: ${JSON.stringify(turns)}`);
      say(
        `[http] ${CONNECTIONS} connections × ${SIZES.httpSeconds} s, autocannon in its own process, store ${runtime.store.kind}: ` +
          `turns ${fmt(turns.perSecond)}/s, p50 ${turns.latencyP50Ms} ms, p99 ${turns.latencyP99Ms} ms | ` +
          `Express JSON echo ${fmt(echo.perSecond)}/s, p99 ${echo.latencyP99Ms} ms → ${fmt(turns.perSecond / echo.perSecond)}×`,
      );
      Object.assign(figures, {
        http_turns_per_s: round(turns.perSecond),
        http_p50_ms: turns.latencyP50Ms,
        http_p99_ms: turns.latencyP99Ms,
        http_echo_per_s: round(echo.perSecond),
        http_echo_p99_ms: echo.latencyP99Ms,
        http_vs_express_echo: round(turns.perSecond / echo.perSecond),
      });
      say(
        `[memory] RSS of the bench process: idle ${figures.rss_idle_mb} MB, peak under HTTP load ${peakMb} MB`,
      );

      // The embedded default (no DATABASE_URL, no REDIS_URL: PGlite holds sessions and records), the same
      // HTTP load, in the same run. Its own runtime: RSS before it starts and at peak are reported too.
      const before = rssMb();
      const embedded = await createRuntime(await storage.config({}, { embedded: true }), {
        logger: quiet,
        defaultMetrics: false,
      });
      runtimes.push(embedded);
      const started = rssMb();
      addEchoRoute(embedded);
      const e = await embedded.listen();
      await warmUp(e.url);
      const { result: et, peakMb: ePeak } = await peakRss(() =>
        runLoad({ url: e.url, mode: 'turns', connections: CONNECTIONS, seconds: SIZES.embeddedSeconds }),
      );
      if (et.ok === 0) throw new Error(`embedded HTTP turns failed: ${JSON.stringify(et)}`);
      say(
        `[http embedded] PGlite store (${embedded.store.kind}), ${CONNECTIONS} connections × ${SIZES.embeddedSeconds} s: ` +
          `turns ${fmt(et.perSecond)}/s, p50 ${et.latencyP50Ms} ms, p99 ${et.latencyP99Ms} ms, ` +
          `${et.non2xx} non-2xx, ${et.errors} errors, ${et.timeouts} timeouts → ${fmt(et.perSecond / turns.perSecond)}× the Redis store | ` +
          `RSS +${round(started - before)} MB to start it, peak ${ePeak} MB`,
      );
      Object.assign(figures, {
        http_embedded_turns_per_s: round(et.perSecond),
        http_embedded_p50_ms: et.latencyP50Ms,
        http_embedded_p99_ms: et.latencyP99Ms,
        http_embedded_failed: et.non2xx + et.errors + et.timeouts,
        http_embedded_vs_redis_store: round(et.perSecond / turns.perSecond),
        rss_embedded_start_mb: round(started - before),
        rss_embedded_load_mb: ePeak,
      });
    }
    if (only.has('startup')) {
      const s = await benchStartup();
      say(
        `[startup] switchboard serve (built dist/, embedded PGlite) until /healthz answers: first start ` +
          `${fmt(s.firstMs)} ms (creates and migrates the database), restart ${fmt(s.restartMs)} ms | bare node ` +
          `HTTP server ${fmt(s.nodeMs)} ms → ${fmt(s.restartMs / s.nodeMs)}×`,
      );
      Object.assign(figures, {
        startup_ms: Math.round(s.restartMs),
        startup_first_ms: Math.round(s.firstMs),
        startup_node_baseline_ms: Math.round(s.nodeMs),
        startup_vs_node: round(s.restartMs / s.nodeMs),
      });
    }
  } finally {
    for (const r of runtimes.reverse()) await r.close().catch(() => {});
    await storage.cleanup();
  }
  say(JSON.stringify(figures));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
