// One part of the bench alone, for a CPU profile of just that part:
//   PROFILE=prof/engine64.cpuprofile node --import tsx bench/profile.ts engine 64 [sessions]
//   PROFILE=prof/http64.cpuprofile node --import tsx bench/profile.ts http 64 [seconds]
// With PROFILE the V8 profiler runs only while the part is timed (not during module loading and set-up,
// which `--cpu-prof` would include); summarise it with bench/profile.summary.ts.
// `engine C` drives the seed conversation in process at concurrency C (workers off, as the bench does);
// `http C` serves it to autocannon (its own process, not in the profile) at C connections, workers on.
// Storage as in the bench (DATABASE_URL / REDIS_URL, or PGlite with `http-embedded`); fresh and removed.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';
import { createRuntime } from '../src/server/runtime.ts';
import { benchStorage } from './bench.env.ts';
import { fmt } from './bench.stats.ts';
import { benchEngineRun, converse, SEED_CONVERSATION, startSessions } from './engine.bench.ts';
import { runLoad } from './http.bench.ts';

const [part = 'engine', c = '64', size] = process.argv.slice(2);
const concurrency = Number(c);
const storage = await benchStorage();
const logger = pino({ level: 'silent' });
const profileTo = process.env.PROFILE;
const inspector = profileTo ? new Session() : null;

async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  if (!inspector || !profileTo) return fn();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(profileTo, JSON.stringify(profile));
    inspector.disconnect();
  }
}
try {
  if (part === 'engine' || part === 'engine-embedded') {
    const runtime = await createRuntime(await storage.config({}, { embedded: part === 'engine-embedded' }), {
      logger,
      runWorker: false,
      defaultMetrics: false,
    });
    try {
      for (const s of await startSessions(runtime, 20, 8)) await converse(runtime, s, SEED_CONVERSATION);
      const cpuBefore = process.cpuUsage();
      const r = await profiled(() =>
        benchEngineRun(runtime, Number(size ?? (concurrency === 1 ? 200 : 640)), concurrency),
      );
      const cpu = process.cpuUsage(cpuBefore);
      process.stdout.write(
        `${part} c${concurrency}: ${fmt(r.turnsPerSecond)} turns/s, p50 ${fmt(r.latencyMs.p50)} ms, ` +
          `CPU ${fmt((cpu.user + cpu.system) / r.turns)} µs per turn\n`,
      );
    } finally {
      await runtime.close();
    }
  } else {
    const runtime = await createRuntime(await storage.config({}, { embedded: part === 'http-embedded' }), {
      logger,
      defaultMetrics: false,
    });
    try {
      const { url } = await runtime.listen();
      const cpuBefore = process.cpuUsage();
      const r = await profiled(() =>
        runLoad({ url, mode: 'turns', connections: concurrency, seconds: Number(size ?? 10) }),
      );
      const cpu = process.cpuUsage(cpuBefore);
      process.stdout.write(
        `${part} c${concurrency}: ${fmt(r.perSecond)} turns/s, p99 ${r.latencyP99Ms} ms, ` +
          `CPU ${fmt((cpu.user + cpu.system) / Math.max(1, r.perSecond * Number(size ?? 10)))} µs per turn\n`,
      );
    } finally {
      await runtime.close();
    }
  }
} finally {
  await storage.cleanup();
}
