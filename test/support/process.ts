// Runs `switchboard serve` as a real child process, for crash and multi-process tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The test runner's environment without the storage settings: CI exports DATABASE_URL and REDIS_URL, and
 * a process meant to run on its own PGlite directory must not silently use the shared servers instead.
 * A test that wants them passes them explicitly.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const {
    DATABASE_URL: _db,
    REDIS_URL: _redis,
    REDIS_CLUSTER_URLS: _cluster,
    REDIS_KEY_PREFIX: _prefix,
    DATA_DIR: _dir,
    ...rest
  } = process.env;
  return rest;
}

export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  /** What to run instead of `switchboard serve` (a test server that builds the same runtime). */
  args: string[] = ['src/cli/main.ts', 'serve'],
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    // One address (the test) starts every session: the new-sessions cap has its own tests.
    env: {
      ...inheritedEnv(),
      LOG_LEVEL: 'info',
      SESSIONS_PER_ADDRESS_PER_HOUR: '0',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/v1/openapi.json`);
      if (res.ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 150));
  }
  if (Date.now() >= deadline) {
    // Not left running behind the failed test (it would hold its port and CPU for the rest of the run).
    child.kill('SIGKILL');
    throw new Error(`server did not start in ${timeoutMs} ms:\n${output}`);
  }
  return {
    url,
    child,
    output: () => output,
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `switchboard <args>` through bin/switchboard.mjs (the built dist/, as `npx switchboard` does). */
export function runSwitchboard(
  args: string[],
  env: Record<string, string>,
  input?: string,
  timeoutMs = 60_000,
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}/bin/switchboard.mjs`, ...args], {
      cwd: ROOT,
      env: { ...inheritedEnv(), LOG_LEVEL: 'warn', SESSIONS_PER_ADDRESS_PER_HOUR: '0', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Runs a bench script (`bench/<name>.ts`) through tsx with the runner's environment; stdout and stderr as one. */
export function runBenchScript(
  script: string,
  args: string[],
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}
