// bench/two-process.ts in smoke mode (two scenarios × 2 s, about 20 s in all). Risks covered: the capacity
// check rotting unnoticed (the CLI banner it reads the port from, the config it starts servers with); the
// JSON line losing a figure docs/capacity.md quotes; a run leaving its databases or Redis keys behind.
import pg from 'pg';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/process.ts';
import { databaseUrl, redisUrl } from '../support/servers.ts';

describe.runIf(Boolean(databaseUrl && redisUrl))('bench/two-process.ts --smoke', () => {
  it('measures one and two server processes, ends with one JSON line, and cleans up', {
    timeout: 60_000,
  }, async () => {
    const { code, out } = await runBenchScript('bench/two-process.ts', ['--smoke']);
    expect(code, out).toBe(0);
    const figures = JSON.parse(out.trim().split('\n').at(-1) ?? '');
    expect(figures.smoke).toBe(true);
    for (const name of ['one', 'two']) {
      expect(figures[`${name}_turns_per_s`], name).toBeGreaterThan(0);
      expect(figures[`${name}_failed`], name).toBe(0);
      for (const part of ['app', 'redis', 'postgres', 'loadgen', 'machine'])
        expect(figures[`${name}_${part}_cpu_ms_per_turn`], `${name} ${part}`).toBeGreaterThan(0);
      expect(figures[`${name}_postgres_rows_per_turn`], name).toBeGreaterThan(0);
      expect(figures[`${name}_loadavg`], name).toHaveLength(3);
    }
    expect(figures.two_server_cpu_ms_per_turn).toHaveLength(2);
    expect(figures.scaling_two_vs_one).toBeGreaterThan(0);

    const run = /\(run ([0-9a-f]{8})\)/.exec(out)?.[1];
    expect(run, 'the header names the run').toBeTruthy();
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    const left = await redis.keys(`sbbench:${run}:*`);
    await redis.quit();
    expect(left).toEqual([]);
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    const { rows } = await c.query('select datname from pg_database where datname like $1', [
      `sb_bench_${run}_%`,
    ]);
    await c.end();
    expect(rows).toEqual([]);
  });
});
