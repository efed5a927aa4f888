// The server as an operator runs it: `npm start`, then a signal to exactly the PID that command gave, and
// start-ups that cannot succeed. Risks covered: SIGTERM ending npm while the server keeps serving (the old
// npm → sh → tsx → node chain); a server process tree of more than npm and node; a failed start printing a
// stack trace or "ready", or exiting 0.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort, runSwitchboard } from '../support/process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-start-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every process under `pid`, deepest first, so a parent cannot respawn or outlive what it started. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((line) => {
    const child = Number(line.trim().split(' ')[0]);
    return [...descendantsOf(child), child];
  });
}

const childrenOf = (pid: number) =>
  spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('runs one node process under npm, and SIGTERM to the PID npm start gave stops it gracefully', async () => {
    const port = await freePort();
    const { DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env;
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...env, DATA_DIR: dataDir(), PORT: String(port), LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '5000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d) => {
      output += d;
    });
    npm.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    // A failed assertion below must not leave npm and the server it started serving after the run (a
    // leftover server took CPU from a whole later CI run on this 2-core machine).
    onTestFinished(() => {
      if (npm.pid === undefined) return;
      for (const pid of [...descendantsOf(npm.pid), npm.pid])
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
    });
    const health = `http://127.0.0.1:${port}/healthz`;
    const deadline = Date.now() + 90_000;
    while (!(await reachable(health))) {
      if (npm.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm start did not serve:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = npm.pid ?? 0;
    // npm's script shell execs node: the only child of npm is the server, and the server has no children.
    const children = childrenOf(pid);
    expect(children).toHaveLength(1);
    expect(children[0]).toMatch(/^\d+ node bin\/switchboard\.mjs serve$/);
    const serverPid = Number(children[0]?.trim().split(' ')[0]);
    expect(childrenOf(serverPid)).toEqual([]);

    process.kill(pid, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(await reachable(health)).toBe(false);
    expect(childrenOf(pid)).toEqual([]);
    expect(spawnSync('ps', ['-p', String(serverPid)]).status).not.toBe(0);
    const logs = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(logs.find((l) => l.msg === 'shutting down: finishing in-flight turns')?.signal).toBe('SIGTERM');
    expect(logs.at(-1)?.msg).toBe('shut down cleanly');
  }, 120_000);
});

describe('a development checkout whose dist/ must be built first', () => {
  // Risk covered: the bin's build leaving esbuild's service running as a child of the server (one more
  // process under `npm start`, and one that outlives a killed server). A copy of the checkout without
  // dist/, so the build runs there and never races the tests that use this checkout's dist/.
  it('builds, serves with no child process, and stops on SIGTERM', async () => {
    const checkout = dataDir();
    for (const dir of ['bin', 'scripts', 'src'])
      cpSync(join(ROOT, dir), join(checkout, dir), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
    for (const dir of ['node_modules', 'drizzle', 'content', 'corpus'])
      symlinkSync(join(ROOT, dir), join(checkout, dir));
    const port = await freePort();
    const { DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env;
    const server = spawn(process.execPath, ['bin/switchboard.mjs', 'serve'], {
      cwd: checkout,
      env: { ...env, DATA_DIR: dataDir(), PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      for (const pid of [...descendantsOf(server.pid ?? 0), server.pid ?? 0])
        try {
          if (pid) process.kill(pid, 'SIGKILL');
        } catch {}
    });
    let output = '';
    server.stdout.on('data', (d) => {
      output += d;
    });
    server.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const health = `http://127.0.0.1:${port}/healthz`;
    const deadline = Date.now() + 90_000;
    while (!(await reachable(health))) {
      if (server.exitCode !== null || Date.now() > deadline)
        throw new Error(`the server did not serve:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('switchboard: building dist/');
    expect(childrenOf(server.pid ?? 0)).toEqual([]);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});

describe('start-up failures: one line, a non-zero exit, no stack, no "ready"', () => {
  const expectOneLine = (run: { code: number | null; stdout: string; stderr: string }, line: RegExp) => {
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n'), `stderr was:\n${run.stderr}`).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(line);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\bready\b|is listening|\n\s+at /);
  };

  it('a port already in use', async () => {
    const taken = createServer();
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => {
        const a = taken.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      }),
    );
    try {
      const run = await runSwitchboard(['serve'], {
        DATA_DIR: dataDir(),
        PORT: String(port),
        LOG_LEVEL: 'info',
      });
      expectOneLine(
        run,
        new RegExp(`^switchboard: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`),
      );
    } finally {
      taken.close();
    }
  }, 90_000);

  it('a Postgres server that does not answer', async () => {
    const port = await freePort();
    const run = await runSwitchboard(['serve'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/switchboard`,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    expectOneLine(
      run,
      new RegExp(
        `^switchboard: cannot reach Postgres at 127\\.0\\.0\\.1:${port}/switchboard \\(ECONNREFUSED\\)$`,
      ),
    );
  }, 60_000);

  it('a Redis (or Redis Cluster) that does not answer', async () => {
    const port = await freePort();
    for (const [name, value, what] of [
      ['REDIS_URL', `redis://127.0.0.1:${port}`, 'Redis'],
      ['REDIS_CLUSTER_URLS', `redis://127.0.0.1:${port}`, 'Redis Cluster'],
    ] as const) {
      const run = await runSwitchboard(['serve'], {
        DATA_DIR: dataDir(),
        [name]: value,
        PORT: '0',
        LOG_LEVEL: 'info',
      });
      expectOneLine(run, new RegExp(`^switchboard: cannot reach ${what} at 127\\.0\\.0\\.1:${port} `));
    }
  }, 90_000);

  it('both REDIS_URL and REDIS_CLUSTER_URLS', async () => {
    const run = await runSwitchboard(['serve'], {
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CLUSTER_URLS: 'redis://127.0.0.1:2',
    });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('REDIS_URL and REDIS_CLUSTER_URLS: set one of them');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
