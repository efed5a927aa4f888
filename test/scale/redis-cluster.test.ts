// The scale-out suites on a real Redis Cluster (three masters, three replicas of Debian's redis-server on
// loopback ports 17400-17405, started here), plus a master killed under load. Risks covered: a Lua script
// or command whose keys span slots (CROSSSLOT) or land on the wrong node; a lost update, a duplicate or an
// effect run twice when sessions spread over several masters; live updates not crossing processes over
// sharded pub/sub; the service not answering again after a failover; acknowledged turns lost in a
// failover (reported without WAIT, none allowed with REDIS_WAIT_REPLICAS=1).
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '../../src/engine/realtime.port.ts';
import { createRedisRealtime } from '../../src/server/realtime.redis.ts';
import { createRedisConnection, redisLayout } from '../../src/storage/redis-client.ts';
import { isStorageUnavailable } from '../../src/storage/storage.errors.ts';
import { type ServerProcess, startServerProcess } from '../support/process.ts';
import { type RedisCluster, redisServerInstalled, startRedisCluster } from '../support/redis-cluster.ts';
import { databaseUrl, freshPostgresDatabase, isCI, redisPrefix } from '../support/servers.ts';
import { crashSuite } from './crash.suite.ts';
import { SCRIPT } from './load.ts';
import { clusterTarget, dropTargetPrefix } from './redis.target.ts';
import { twoProcessesSuite } from './two-processes.suite.ts';

const BASE_PORT = 17400;
const URLS = [0, 1, 2].map((i) => `redis://127.0.0.1:${BASE_PORT + i}`);
const NODE_TIMEOUT_MS = 2000;

describe.runIf(Boolean(databaseUrl) && (redisServerInstalled || isCI))('on a Redis Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ basePort: BASE_PORT, nodeTimeoutMs: NODE_TIMEOUT_MS });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  it('fans live updates out between two connections over sharded pub/sub', async () => {
    const logger = pino({ level: 'silent' });
    const target = clusterTarget(URLS);
    const [a, b] = [await target.connect(), await target.connect()];
    const prefix = redisPrefix();
    const one = await createRedisRealtime({ client: a, prefix, logger });
    const two = await createRedisRealtime({ client: b, prefix, logger });
    try {
      const got: RealtimeEvent[] = [];
      // Channels hash to different slots (masters); each must reach the other connection.
      const channels = ['operators', 'session:a', 'session:b', 'session:c'];
      for (const c of channels) await two.subscribe(c, (e) => got.push(e));
      for (const [i, c] of channels.entries())
        await one.publish(c, { sessionId: c, seq: i, kind: 'turn', payload: null });
      const deadline = Date.now() + 5000;
      while (got.length < channels.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(got.map((e) => e.sessionId).sort()).toEqual([...channels].sort());
    } finally {
      await one.close();
      await two.close();
      await a.close();
      await b.close();
    }
  });

  // Risk: a master that stops answering with its sockets open (a hung process, a black-holed network)
  // holds every request on its slots for as long as that lasts — node-redis's cluster client has no bound
  // on the answer time (its per-command timeout only covers the wait to be written, and is off). The
  // watchdog drops that master's connection within the bound. The pause is shorter than the cluster's node
  // timeout, so no failover hides the hang.
  it('fails a command to a silent master within the bound, and answers again once it is back', async () => {
    const client = await createRedisConnection({ kind: 'cluster', urls: URLS }, { answerBoundMs: 400 });
    const key = `${redisPrefix()}stall`;
    let paused: number | null = null;
    try {
      await client.set(key, 'v');
      paused = await cluster.masterOfSlot(keySlot(BASE_PORT, key));
      cluster.pause(paused);
      const started = Date.now();
      const outcome = await Promise.race([
        client.get(key).then(
          () => 'answered',
          (error: unknown) => (isStorageUnavailable(error) ? 'unavailable' : `failed: ${String(error)}`),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('pending'), 1500)),
      ]);
      const afterMs = Date.now() - started;
      cluster.resume(paused);
      paused = null;
      expect(outcome).toBe('unavailable');
      expect(afterMs).toBeLessThan(1500);
      const deadline = Date.now() + 10_000;
      let value: string | null = null;
      while (value !== 'v' && Date.now() < deadline) {
        value = await client.get(key).catch(() => null);
        if (value !== 'v') await new Promise((r) => setTimeout(r, 50));
      }
      expect(value).toBe('v');
    } finally {
      if (paused !== null) cluster.resume(paused);
      await client.del(key).catch(() => {});
      await client.close();
    }
  });

  describe('two server processes', () => twoProcessesSuite(clusterTarget(URLS)));
  describe('a server process killed', () => crashSuite(clusterTarget(URLS)));

  describe('a master killed under load', () => {
    let db: { url: string; drop: () => Promise<void> };
    beforeAll(async () => {
      db = await freshPostgresDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    // The first kill runs without WAIT, the second with it, each on a master that still has its replica.
    for (const waitReplicas of [0, 1]) {
      it(`fails over and answers again (REDIS_WAIT_REPLICAS=${waitReplicas})`, async () => {
        const figures = await failover(cluster, db.url, waitReplicas);
        console.info(
          `failover (WAIT ${waitReplicas}): ${figures.sessions} sessions, ${figures.acknowledged} turns acknowledged ` +
            `(${figures.acknowledgedBeforeKill} before the kill), ${figures.failedRequests} requests failed and were retried; ` +
            `killed master :${figures.killedPort}; answered again after ${figures.recoveredMs} ms (first ${figures.firstRecoveryMs} ms); ` +
            `acknowledged turns lost: ${figures.lost}; stored twice: ${figures.duplicates}; ` +
            `turn latency p50 ${figures.p50Ms} ms before the kill`,
        );
        expect(figures.duplicates).toBe(0);
        // Answering again within the cluster's own failover time (node timeout + election), with margin
        // for this shared machine.
        expect(figures.recoveredMs).toBeLessThan(NODE_TIMEOUT_MS + 20_000);
        if (waitReplicas > 0) expect(figures.lost).toBe(0);
      }, 180_000);
    }
  });
});

interface FailoverFigures {
  sessions: number;
  acknowledged: number;
  acknowledgedBeforeKill: number;
  failedRequests: number;
  killedPort: number;
  recoveredMs: number;
  firstRecoveryMs: number;
  lost: number;
  duplicates: number;
  p50Ms: number;
}

const SESSIONS = 30;

function keySlot(port: number, key: string): number {
  const out = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'keyslot', key], { encoding: 'utf8' });
  return Number(out.stdout.trim());
}

/** The hash slots a node serves, from its own CLUSTER NODES line. */
function slotsOf(port: number): Set<number> {
  const id = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'myid'], {
    encoding: 'utf8',
  }).stdout.trim();
  const nodes = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'nodes'], { encoding: 'utf8' }).stdout;
  const slots = new Set<number>();
  for (const line of nodes.split('\n')) {
    const f = line.split(' ');
    if (f[0] !== id) continue;
    for (const range of f.slice(8)) {
      const [from, to = from] = range.split('-').map(Number);
      if (from === undefined || to === undefined) continue;
      for (let slot = from; slot <= to; slot++) slots.add(slot);
    }
  }
  return slots;
}

/** A master that still has a replica to promote (the first run's promoted replica has none). */
function masterWithReplica(cluster: RedisCluster): number {
  const alive = cluster.nodes.find((n) => n.process.exitCode === null && n.process.signalCode === null);
  const out = spawnSync('redis-cli', ['-p', String(alive?.port), 'cluster', 'nodes'], { encoding: 'utf8' });
  const lines = out.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  const masters = lines.filter((f) => f[2]?.includes('master') && !f[2].includes('fail'));
  const withReplica = masters.find((m) =>
    lines.some((r) => r[3] === m[0] && r[2]?.includes('slave') && !r[2].includes('fail')),
  );
  if (!withReplica) throw new Error('no master with a live replica is left');
  return Number(withReplica[1]?.split(':')[1]?.split('@')[0]);
}

async function failover(
  cluster: RedisCluster,
  dbUrl: string,
  waitReplicas: number,
): Promise<FailoverFigures> {
  const prefix = redisPrefix();
  const target = clusterTarget(URLS, waitReplicas ? { REDIS_WAIT_REPLICAS: String(waitReplicas) } : {});
  const server: ServerProcess = await startServerProcess(
    {
      DATABASE_URL: dbUrl,
      ...target.env,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '1000000',
      // The clients retry a session's message every 100 ms while the cluster fails over: the per-session
      // limit (60/min) would answer 429 and turn a failover test into a rate-limit test.
      SESSION_MESSAGES_PER_MINUTE: '1000000',
      LOG_LEVEL: 'error',
    },
    60_000,
  );
  const layout = redisLayout({ prefix, shards: target.shards });
  const victim = masterWithReplica(cluster);
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as any };
    };
    let failedRequests = 0;
    let killedAt = 0;
    const latencies: number[] = [];
    /** Retries with the same clientMessageId until answered, as a browser would. */
    const deliver = async (path: string, body: unknown, token?: string) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const sent = performance.now();
        try {
          const r = await post(path, body, token);
          if (r.status >= 200 && r.status < 300) {
            if (!killedAt) latencies.push(performance.now() - sent);
            return { ...r, at: Date.now() };
          }
          if (r.status < 500) throw new Error(`refused: ${r.status} ${JSON.stringify(r.body)}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('refused')) throw error;
        }
        failedRequests++;
        if (Date.now() > deadline) throw new Error(`${path} not answered within 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const sessions = await Promise.all(
      Array.from({ length: SESSIONS }, async () => {
        const started = await deliver('/api/v1/sessions', {});
        return { id: started.body.sessionId as string, token: started.body.token as string };
      }),
    );
    // The sessions whose keys live on the master about to die (their slot is one of its slots).
    const victimSlots = slotsOf(victim);
    const affected = new Set(
      sessions.filter((s) => victimSlots.has(keySlot(victim, layout.session(s.id)))).map((s) => s.id),
    );
    expect(affected.size).toBeGreaterThan(0);

    const acked: Array<{ sessionId: string; clientMessageId: string; at: number }> = [];
    let stop = false;
    const firstAfterKill = new Map<string, number>();
    const visitors = sessions.map(async (s, i) => {
      for (let k = 0; !stop; k++) {
        const clientMessageId = `f${i}-m${k}`;
        const r = await deliver(
          `/api/v1/sessions/${s.id}/messages`,
          { text: SCRIPT[k % SCRIPT.length], clientMessageId },
          s.token,
        );
        acked.push({ sessionId: s.id, clientMessageId, at: r.at });
        if (killedAt && affected.has(s.id) && !firstAfterKill.has(s.id))
          firstAfterKill.set(s.id, r.at - killedAt);
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    killedAt = Date.now();
    const acknowledgedBeforeKill = acked.length;
    await cluster.kill(victim);
    if (waitReplicas > 0) {
      // With WAIT a master needs its replica: once the replica took over, the dead master is restarted
      // (as an orchestrator would) and rejoins as the new master's replica; until then that shard refuses.
      const slot = [...victimSlots][0] ?? 0;
      const until = Date.now() + 30_000;
      while (Date.now() < until && (await cluster.masterOfSlot(slot).catch(() => victim)) === victim)
        await new Promise((r) => setTimeout(r, 100));
      await cluster.restart(victim);
    }
    // Load goes on until every session on the dead master was answered again, then two seconds more.
    const deadline = Date.now() + 60_000;
    while (firstAfterKill.size < affected.size && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all(visitors);
    await cluster.waitHealthy();
    // The dead master comes back as a replica, so the next run again has a replica behind every master.
    if (waitReplicas === 0) await cluster.restart(victim);
    await cluster.waitReplicated(30_000);

    // What the sessions hold now: every acknowledged turn should be there once.
    let lost = 0;
    let duplicates = 0;
    for (const s of sessions) {
      const res = await fetch(`${server.url}/api/v1/sessions/${s.id}`, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      const view = (await res.json()) as {
        messages: Array<{ role: string; clientMessageId?: string; seq: number }>;
      };
      const visitorMessages = view.messages.filter((m) => m.role === 'visitor').length;
      const mine = acked.filter((a) => a.sessionId === s.id).length;
      if (visitorMessages < mine) lost += mine - visitorMessages;
      if (visitorMessages > mine) duplicates += visitorMessages - mine;
    }
    const recoveries = [...firstAfterKill.values()];
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      sessions: SESSIONS,
      acknowledged: acked.length,
      acknowledgedBeforeKill,
      failedRequests,
      killedPort: victim,
      recoveredMs: recoveries.length === affected.size ? Math.max(...recoveries) : Number.POSITIVE_INFINITY,
      firstRecoveryMs: Math.min(...recoveries),
      lost,
      duplicates,
      p50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    };
  } finally {
    await server.kill('SIGTERM');
    await dropTargetPrefix(target, prefix).catch(() => {});
  }
}
