// A real Redis Cluster for tests: three masters and three replicas of Debian's `redis-server` on loopback
// ports the test chooses, joined with `redis-cli --cluster create … --cluster-replicas 1`. The servers are
// children of the test process (their PIDs are known, so a test can kill one master) and are stopped by
// `stop()`. Without redis-server the cluster suites are not run locally; under CI=true they fail instead.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCI } from './servers.ts';

export const redisServerInstalled =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;

if (isCI && !redisServerInstalled) {
  throw new Error(
    'CI=true but redis-server / redis-cli are not installed: the Redis Cluster suites must run in CI',
  );
}

export interface ClusterNode {
  port: number;
  process: ChildProcess;
}

export interface RedisCluster {
  /** Seed URLs for REDIS_CLUSTER_URLS. */
  urls: string[];
  nodes: ClusterNode[];
  /** `cluster-node-timeout`: how long a master may be silent before its replica is promoted. */
  nodeTimeoutMs: number;
  /** The port of the master currently serving `slot`. */
  masterOfSlot(slot: number): Promise<number>;
  /** SIGKILL of one node; resolves when the process is gone. */
  kill(port: number): Promise<void>;
  /** SIGSTOP of one node: its sockets stay open and nothing answers (a hung process). */
  pause(port: number): void;
  /** SIGCONT after `pause`. */
  resume(port: number): void;
  /** Starts a killed node again (same config file): it rejoins, as a replica of whoever took its slots. */
  restart(port: number): Promise<void>;
  /** Resolves when every master has a replica that is in sync. */
  waitReplicated(timeoutMs?: number): Promise<void>;
  /** Resolves when every slot is served again (`cluster_state:ok` on a surviving node). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startRedisCluster(options: {
  basePort: number;
  nodeTimeoutMs?: number;
}): Promise<RedisCluster> {
  if (!redisServerInstalled) throw new Error('redis-server is not installed');
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const dir = mkdtempSync(join(tmpdir(), 'sb-cluster-'));
  const ports = Array.from({ length: 6 }, (_, i) => options.basePort + i);
  // A leftover server from an aborted run on these ports would join the wrong cluster: refuse early.
  for (const port of ports)
    if (cli(port, 'ping').includes('PONG')) throw new Error(`port ${port} is already serving Redis`);
  const serverArgs = (port: number) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    String(nodeTimeoutMs),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const nodes: ClusterNode[] = ports.map((port) => ({
    port,
    process: spawn('redis-server', serverArgs(port), { stdio: 'ignore' }),
  }));
  const nodeOn = (port: number) => {
    const node = nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no cluster node on port ${port}`);
    return node;
  };
  const replicated = (timeoutMs = 20_000) =>
    until(
      () =>
        nodes.filter(
          (n) =>
            n.process.exitCode === null &&
            n.process.signalCode === null &&
            cli(n.port, 'info', 'replication').includes('master_link_status:up'),
        ).length === 3,
      timeoutMs,
      'replicas did not sync',
    );
  const stop = async () => {
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.process.exitCode !== null || n.process.signalCode !== null) return resolve();
            n.process.once('exit', () => resolve());
            n.process.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(() => ports.every((p) => cli(p, 'ping').includes('PONG')), 10_000, 'nodes did not answer');
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    const healthy = (timeoutMs = 20_000) =>
      until(
        () =>
          nodes.some(
            (n) => n.process.exitCode === null && cli(n.port, 'cluster', 'info').includes('cluster_state:ok'),
          ),
        timeoutMs,
        'cluster_state did not become ok',
      );
    await healthy();
    // Every node must agree before a client asks one of them for the slot map.
    await until(
      () => ports.every((p) => cli(p, 'cluster', 'info').includes('cluster_state:ok')),
      20_000,
      'not every node reports cluster_state:ok',
    );
    // Replicas must have synced, or killing a master could leave its slots without a promotable replica.
    await until(
      () => ports.filter((p) => cli(p, 'info', 'replication').includes('master_link_status:up')).length === 3,
      20_000,
      'replicas did not sync',
    );
    return {
      urls: ports.slice(0, 3).map((p) => `redis://127.0.0.1:${p}`),
      nodes,
      nodeTimeoutMs,
      async masterOfSlot(slot) {
        for (const n of nodes) {
          if (n.process.exitCode !== null || n.process.signalCode !== null) continue;
          for (const line of cli(n.port, 'cluster', 'nodes').split('\n')) {
            const fields = line.split(' ');
            if (!fields[2]?.includes('master') || fields[2].includes('fail')) continue;
            const port = Number(fields[1]?.split(':')[1]?.split('@')[0]);
            for (const range of fields.slice(8)) {
              const [from, to = from] = range.split('-').map(Number);
              if (from !== undefined && to !== undefined && slot >= from && slot <= to) return port;
            }
          }
          break;
        }
        throw new Error(`no master serves slot ${slot}`);
      },
      kill(port) {
        const node = nodeOn(port);
        return new Promise((resolve) => {
          node.process.once('exit', () => resolve());
          node.process.kill('SIGKILL');
        });
      },
      pause(port) {
        nodeOn(port).process.kill('SIGSTOP');
      },
      resume(port) {
        nodeOn(port).process.kill('SIGCONT');
      },
      async restart(port) {
        const node = nodeOn(port);
        node.process = spawn('redis-server', serverArgs(port), { stdio: 'ignore' });
        await until(() => cli(port, 'ping').includes('PONG'), 10_000, `node ${port} did not answer`);
      },
      waitReplicated: replicated,
      waitHealthy: healthy,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
