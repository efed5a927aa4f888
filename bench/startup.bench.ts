// Start-up time as an operator sees it: `switchboard serve` (bin/switchboard.mjs → the built dist/, what
// `npm start` runs) from spawn until /healthz answers, on the embedded default (the Quick start). Twice on
// one data directory: the first start creates and migrates the PGlite database, the second is an ordinary
// restart. The baseline is a bare `node` HTTP server spawned and probed the same way in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
    s.on('error', reject);
  });
}

/** Milliseconds from spawn until GET `path` answers 2xx; the process is then stopped with SIGTERM. */
async function timeToServe(args: string[], env: NodeJS.ProcessEnv, path: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`exited with ${child.exitCode} before serving:\n${stderr}`);
      if (performance.now() - started > 120_000) throw new Error(`not serving after 120 s:\n${stderr}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}${path}`)).ok) return performance.now() - started;
      } catch {}
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchStartup(): Promise<{ firstMs: number; restartMs: number; nodeMs: number }> {
  const { DATABASE_URL: _d, REDIS_URL: _r, REDIS_CLUSTER_URLS: _c, ...rest } = process.env;
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-start-'));
  const env = { ...rest, DATA_DIR: dir, LOG_LEVEL: 'warn' };
  const serve = [join(ROOT, 'bin/switchboard.mjs'), 'serve'];
  try {
    // A bare server first, so both measurements pay for a warm file cache alike.
    const bare = [
      '-e',
      "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')",
    ];
    const nodeMs = await timeToServe(bare, env, '/');
    const firstMs = await timeToServe(serve, env, '/healthz');
    const restartMs = await timeToServe(serve, env, '/healthz');
    return { firstMs, restartMs, nodeMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
