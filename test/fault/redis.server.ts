// A redis-server of the test's own (loopback, no persistence), which a test may flush, shut down and
// restart empty: what the shared Redis must never be put through.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

export interface OwnRedis {
  url: string;
  /** FLUSHALL: every key gone at once, the server stays up. */
  flush(): Promise<void>;
  /** SHUTDOWN NOSAVE, then a new empty server on the same port. */
  restartEmpty(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets open and answers nothing (a hung process, a black hole). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  stop(): Promise<void>;
}

async function waitForPing(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server at ${url} did not start`);
}

export async function startOwnRedis(port: number): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    await waitForPing(url);
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  const admin = async (command: string[]) => {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.sendCommand(command);
    } catch {
      // SHUTDOWN closes the connection before answering.
    }
    client.destroy();
  };
  await start();
  return {
    url,
    flush: () => admin(['FLUSHALL']),
    async restartEmpty() {
      const c = child as ChildProcess | null;
      const exited = c ? new Promise((r) => c.once('exit', r)) : Promise.resolve();
      await admin(['SHUTDOWN', 'NOSAVE']);
      await exited;
      child = null;
      await start();
    },
    pause() {
      (child as ChildProcess | null)?.kill('SIGSTOP');
    },
    resume() {
      (child as ChildProcess | null)?.kill('SIGCONT');
    },
    async stop() {
      (child as ChildProcess | null)?.kill('SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
