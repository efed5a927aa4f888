// The bench in smoke mode, as CI runs it. Risks covered: the bench rotting unnoticed until someone needs
// numbers; the final JSON line losing a figure; a run leaving its database or Redis keys behind.
import pg from 'pg';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/process.ts';
import { databaseUrl, redisUrl } from '../support/servers.ts';

describe('npm run bench -- --smoke', () => {
  it('runs every part, ends with one JSON line of figures, and cleans up', { timeout: 300_000 }, async () => {
    const { code, out } = await runBenchScript('bench/run.ts', ['--smoke']);
    expect(code, out).toBe(0);
    const lines = out.trim().split('\n');
    const figures = JSON.parse(lines.at(-1) ?? '');
    for (const key of [
      'detect_p99_us',
      'engine_turns_per_s_c64',
      'engine_vs_redis_baseline',
      'http_turns_per_s',
      'http_vs_express_echo',
      'http_p99_ms',
      'redis_bytes_per_session',
      'startup_ms',
    ])
      expect(figures, key).toHaveProperty(key);
    expect(figures.smoke).toBe(true);
    expect(figures.detect_p99_us).toBeGreaterThan(0);
    expect(figures.engine_turns_per_s_c64).toBeGreaterThan(0);
    expect(figures.http_turns_per_s).toBeGreaterThan(0);
    expect(figures.http_vs_express_echo).toBeGreaterThan(0);
    expect(figures.startup_ms).toBeGreaterThan(0);
    expect(figures.startup_first_ms).toBeGreaterThan(0);
    expect(figures.slowest_stage).toMatch(/^(load|idempotency|detect|transition|commit|followups|publish)$/);
    for (const part of ['[detect]', '[engine]', '[stages]', '[memory]', '[http]', '[startup]'])
      expect(out, part).toContain(part);
    if (redisUrl) {
      expect(figures.session_store).toBe('redis');
      expect(figures.engine_vs_redis_baseline).toBeGreaterThan(0);
      expect(figures.redis_bytes_per_session).toBeGreaterThan(0);
    }

    const run = /run ([0-9a-f]{8})\)/.exec(out)?.[1];
    expect(run, 'the header names the run').toBeTruthy();
    if (redisUrl) {
      const client = createClient({ url: redisUrl });
      await client.connect();
      const left = await client.keys(`sbbench:${run}:*`);
      await client.quit();
      expect(left).toEqual([]);
    }
    if (databaseUrl) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      const { rows } = await c.query('select datname from pg_database where datname like $1', [
        `sb_bench_${run}_%`,
      ]);
      await c.end();
      expect(rows).toEqual([]);
    }
  });
});
