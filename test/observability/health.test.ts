// Liveness and readiness probes. Risks covered: a load balancer keeps sending visitors to a process whose
// Postgres or Redis is unreachable (readyz must say 503 and name which, and recover when it is back); an
// outage crashing the process instead of making it unready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl, freshPostgresDatabase, redisPrefix, redisUrl } from '../support/servers.ts';
import { startTcpProxy, type TcpProxy } from './tcp.proxy.ts';

describe('health probes on the embedded default', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ overrides: { defaultMetrics: false } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('/healthz answers 200 while the process is up', async () => {
    const res = await api(t.url, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('/readyz answers 200 with every check listed', async () => {
    const res = await api(t.url, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', checks: { postgres: { ok: true } } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe.runIf(Boolean(databaseUrl))('readiness when Postgres goes down (real server behind a proxy)', () => {
  let t: TestRuntime;
  let proxy: TcpProxy;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshPostgresDatabase();
    drop = db.drop;
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    t = await startTestRuntime({
      env: { DATABASE_URL: viaProxy.toString() },
      overrides: { defaultMetrics: false },
    });
  });
  afterAll(async () => {
    await proxy.up().catch(() => {});
    await t.close();
    await proxy.close();
    await drop();
  });

  it('is ready, then 503 naming postgres while it is unreachable, then ready again', async () => {
    expect((await api(t.url, 'GET', '/readyz')).status).toBe(200);

    await proxy.down();
    const down = await api(t.url, 'GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    expect(down.body.down).toEqual(['postgres']);
    expect(down.body.message).toMatch(/postgres/);
    expect(down.body.checks.postgres.ok).toBe(false);
    // Liveness is about the process, not its dependencies: restarting it would not bring Postgres back.
    expect((await api(t.url, 'GET', '/healthz')).status).toBe(200);

    await proxy.up();
    let ready = await api(t.url, 'GET', '/readyz');
    for (let i = 0; i < 20 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await api(t.url, 'GET', '/readyz');
    }
    expect(ready.status).toBe(200);
    const session = await api(t.url, 'POST', '/api/v1/sessions', {});
    expect(session.status).toBe(201);
  });
});

describe.runIf(Boolean(databaseUrl && redisUrl))(
  'readiness when Redis goes down (real server behind a proxy)',
  () => {
    let t: TestRuntime;
    let proxy: TcpProxy;
    beforeAll(async () => {
      const target = new URL(redisUrl ?? '');
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      const viaProxy = new URL(redisUrl ?? '');
      viaProxy.port = String(proxy.port);
      t = await startTestRuntime({
        backend: 'postgres',
        env: { REDIS_URL: viaProxy.toString(), REDIS_KEY_PREFIX: redisPrefix() },
        overrides: { defaultMetrics: false },
      });
    });
    afterAll(async () => {
      await proxy.up().catch(() => {});
      await t.close();
      await proxy.close();
    });

    it('is ready, then 503 naming redis while it is unreachable, then ready again', async () => {
      const before = await api(t.url, 'GET', '/readyz');
      expect(before.status).toBe(200);
      expect(before.body.checks).toMatchObject({ postgres: { ok: true }, redis: { ok: true } });

      await proxy.down();
      const down = await api(t.url, 'GET', '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.down).toEqual(['redis']);
      expect((await api(t.url, 'GET', '/healthz')).status).toBe(200);

      await proxy.up();
      let ready = down;
      for (let i = 0; i < 60 && ready.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        ready = await api(t.url, 'GET', '/readyz');
      }
      expect(ready.status).toBe(200);
    });
  },
);
