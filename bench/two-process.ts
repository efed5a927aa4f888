// The capacity model (docs/capacity.md) checked against real server processes: `node bin/switchboard.mjs
// serve` from dist/, on a fresh database and key prefix per scenario, loaded with the HTTP part's
// seed-conversation load (autocannon in its own process): (a) one process at 64 connections, (b) two
// processes at 32 connections each at the same time, for the same duration. For each it measures the turns/s,
// p99, and the CPU per turn of every party: each server process, Redis, Postgres, the load generators, and
// the whole machine (the rest is other work on the machine). Prints one JSON line with every figure.
//
//   DATABASE_URL=... REDIS_URL=... npx tsx bench/two-process.ts [seconds] [--smoke]
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Config } from '../src/config/env.ts';
import { createRedisClient } from '../src/storage/redis-client.ts';
import { benchStorage, withPgClient } from './bench.env.ts';
import { type LoadResult, runLoad } from './http.bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SMOKE = process.argv.includes('--smoke');
const SECONDS = Number(process.argv.slice(2).find((a) => /^\d+(\.\d+)?$/.test(a)) ?? (SMOKE ? 2 : 20));
const CONNECTIONS = SMOKE ? 8 : 64;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

// ---- CPU accounting from /proc (seconds) ----

/** utime, stime, cutime, cstime of one process; null when it is gone. */
function procTimes(pid: number | 'self'): { own: number; children: number; comm: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  // Fields after the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const f = stat.slice(close + 2).split(' ');
  const at = (field: number) => Number(f[field - 3]);
  return {
    own: (at(14) + at(15)) / TICKS_PER_SECOND,
    children: (at(16) + at(17)) / TICKS_PER_SECOND,
    comm,
  };
}

/**
 * All postgres processes together, own time plus reaped children's: a backend that exits during the run
 * lands in the postmaster's children time, so the sum at the end minus the sum at the start is complete.
 */
function postgresSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const t = procTimes(Number(entry));
    if (t?.comm === 'postgres') total += t.own + t.children;
  }
  return total;
}

/** The machine's busy time on all cores (everything but idle and iowait). */
function machineBusySeconds(): number {
  const cpu =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** This process's reaped children: the load generators, once they have exited. */
function loadGeneratorSeconds(): number {
  return procTimes('self')?.children ?? 0;
}

async function redisInfo(url: string): Promise<{ cpu: number; commands: number }> {
  const client = await createRedisClient(url);
  try {
    const info = await client.info();
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return {
      cpu: field('used_cpu_sys') + field('used_cpu_user'),
      commands: field('total_commands_processed'),
    };
  } finally {
    await client.close();
  }
}

// ---- Server processes ----

interface Server {
  url: string;
  child: ChildProcess;
}
const started = new Set<ChildProcess>();

/** The environment a server runs with: the bench's config (storage, raised limits), nothing of the caller's. */
function serverEnv(config: Config): Record<string, string> {
  const { storage, redis, server, widget } = config;
  if (!storage.databaseUrl || redis.endpoint?.kind !== 'single')
    throw new Error(
      'two-process needs DATABASE_URL and REDIS_URL: processes share one Postgres and one Redis',
    );
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: storage.databaseUrl,
    REDIS_URL: redis.endpoint.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    RATE_LIMIT_PER_MINUTE: String(server.rateLimitPerMinute),
    SESSION_MESSAGES_PER_MINUTE: String(widget.messagesPerMinute),
    SESSIONS_PER_ADDRESS_PER_HOUR: String(widget.sessionsPerAddressPerHour),
  };
}

/** `switchboard serve` on a port of its own choosing, read back from the banner it prints. */
function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['bin/switchboard.mjs', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      output += d;
      const url = /Switchboard chat:\s+(http:\/\/\S+?)\/\s/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ url, child });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => {
      output += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

/** SIGTERM (it drains and closes its stores), SIGKILL if it has not exited in time. */
function stopServer(child: ChildProcess): Promise<void> {
  started.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** This process's children by /proc: the load generators runLoad starts do not reach this script otherwise. */
function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid)
        pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** Every server, and on an interrupted run the load generators too. */
function killAll(): void {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
  for (const pid of childPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

// ---- Postgres rows and transactions of the scenario's database ----

/** Rows in every table of the database (counted, not estimated) and its committed transactions. */
async function databaseCounts(url: string): Promise<{ rows: number; commits: number }> {
  return withPgClient(url, async (c) => {
    const tables = await c.query<{ name: string }>(
      `select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables`,
    );
    let rows = 0;
    for (const { name } of tables.rows)
      rows += Number((await c.query<{ n: string }>(`select count(*) as n from ${name}`)).rows[0]?.n ?? 0);
    const stat = await c.query<{ commits: string }>(
      'select xact_commit as commits from pg_stat_database where datname = current_database()',
    );
    return { rows, commits: Number(stat.rows[0]?.commits ?? 0) };
  });
}

// ---- One scenario ----

interface Sample {
  at: number;
  servers: number[];
  redis: { cpu: number; commands: number };
  postgres: number;
  loadGenerators: number;
  machine: number;
}

async function sample(servers: Server[], redisUrl: string): Promise<Sample> {
  return {
    at: performance.now(),
    servers: servers.map((s) => procTimes(s.child.pid ?? 0)?.own ?? Number.NaN),
    redis: await redisInfo(redisUrl),
    postgres: postgresSeconds(),
    loadGenerators: loadGeneratorSeconds(),
    machine: machineBusySeconds(),
  };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

function figures(
  name: string,
  loads: LoadResult[],
  a: Sample,
  b: Sample,
  db: { rows: number; commits: number },
) {
  const turns = loads.reduce((sum, l) => sum + l.ok, 0);
  const msPerTurn = (seconds: number) => round((seconds * 1000) / Math.max(turns, 1));
  const servers = b.servers.map((s, i) => s - (a.servers[i] ?? 0));
  const serverTotal = servers.reduce((x, y) => x + y, 0);
  const redis = b.redis.cpu - a.redis.cpu;
  const postgres = b.postgres - a.postgres;
  const load = b.loadGenerators - a.loadGenerators;
  const machine = b.machine - a.machine;
  const wall = (b.at - a.at) / 1000;
  return {
    [`${name}_turns_per_s`]: round(
      loads.reduce((sum, l) => sum + l.perSecond, 0),
      1,
    ),
    [`${name}_p99_ms`]: Math.max(...loads.map((l) => l.latencyP99Ms)),
    [`${name}_p50_ms`]: Math.max(...loads.map((l) => l.latencyP50Ms)),
    [`${name}_turns`]: turns,
    [`${name}_failed`]: loads.reduce((sum, l) => sum + l.non2xx + l.errors + l.timeouts, 0),
    [`${name}_server_cpu_ms_per_turn`]: servers.map(msPerTurn),
    [`${name}_app_cpu_ms_per_turn`]: msPerTurn(serverTotal),
    [`${name}_redis_cpu_ms_per_turn`]: msPerTurn(redis),
    [`${name}_redis_commands_per_turn`]: round((b.redis.commands - a.redis.commands) / Math.max(turns, 1), 2),
    [`${name}_postgres_cpu_ms_per_turn`]: msPerTurn(postgres),
    [`${name}_postgres_rows_per_turn`]: round(db.rows / Math.max(turns, 1), 2),
    [`${name}_postgres_commits_per_turn`]: round(db.commits / Math.max(turns, 1), 3),
    [`${name}_loadgen_cpu_ms_per_turn`]: msPerTurn(load),
    [`${name}_measured_cpu_ms_per_turn`]: msPerTurn(serverTotal + redis + postgres + load),
    [`${name}_machine_cpu_ms_per_turn`]: msPerTurn(machine),
    [`${name}_other_cpu_share`]: round(
      (machine - (serverTotal + redis + postgres + load)) / Math.max(machine, 1e-9),
    ),
    [`${name}_machine_busy_share`]: round(machine / (wall * cpus().length)),
    [`${name}_wall_s`]: round(wall, 2),
    [`${name}_loadavg`]: loadavg().map((l) => round(l, 2)),
  };
}

/** `processes` servers on one fresh database and key prefix, each loaded with `CONNECTIONS / processes`. */
async function scenario(name: string, processes: number, config: Config) {
  const env = serverEnv(config);
  const redisUrl = env.REDIS_URL ?? '';
  const databaseUrl = env.DATABASE_URL ?? '';
  // One at a time: the first migrates the fresh database, the next finds it migrated.
  const servers: Server[] = [];
  for (let i = 0; i < processes; i++) servers.push(await startServer(env));
  try {
    const before = await databaseCounts(databaseUrl);
    const loadavgBefore = loadavg().map((l) => round(l, 2));
    const a = await sample(servers, redisUrl);
    const loads = await Promise.all(
      servers.map((s) =>
        runLoad({ url: s.url, mode: 'turns', connections: CONNECTIONS / processes, seconds: SECONDS }),
      ),
    );
    const b = await sample(servers, redisUrl);
    // Stopped before counting: a backend reports its transactions to the statistics when it exits.
    for (const s of servers) await stopServer(s.child);
    const after = await databaseCounts(databaseUrl);
    const db = { rows: after.rows - before.rows, commits: after.commits - before.commits };
    return { ...figures(name, loads, a, b, db), [`${name}_loadavg_before`]: loadavgBefore };
  } finally {
    for (const s of servers) await stopServer(s.child);
  }
}

function build(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

let storage: Awaited<ReturnType<typeof benchStorage>> | null = null;

async function main(): Promise<void> {
  storage = await benchStorage();
  process.stderr.write(
    `[two-process] ${SECONDS} s per scenario, ${CONNECTIONS} connections in all, ${cpus().length} CPUs (run ${storage.run})\n`,
  );
  try {
    build();
    const one = await scenario('one', 1, await storage.config());
    process.stderr.write(`[two-process] one process: ${JSON.stringify(one)}\n`);
    const two = await scenario('two', 2, await storage.config());
    process.stderr.write(`[two-process] two processes: ${JSON.stringify(two)}\n`);
    const ratio = Number(two.two_turns_per_s) / Math.max(Number(one.one_turns_per_s), 1e-9);
    process.stdout.write(
      `${JSON.stringify({
        smoke: SMOKE,
        seconds: SECONDS,
        connections: CONNECTIONS,
        cpus: cpus().length,
        ...one,
        ...two,
        scaling_two_vs_one: round(ratio),
      })}\n`,
    );
  } finally {
    killAll();
    await storage.cleanup();
    storage = null;
  }
}

// Interrupted: the servers and load generators go first (SIGKILL), then the databases and keys.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    killAll();
    void (storage?.cleanup() ?? Promise.resolve())
      .catch((error: unknown) => process.stderr.write(`[two-process] cleanup failed: ${error}\n`))
      .finally(() => process.exit(130));
  });
process.on('exit', killAll);

await main();
