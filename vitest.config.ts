import { configDefaults, defineConfig } from 'vitest/config';

// Three projects, all run by `npm test` (`vitest run --project unit` runs one):
// - e2e: real processes (spawned servers and CLIs, the browser, the bench); the slowest.
// - integration: a real runtime or store in this process, on PGlite or the real Postgres / Redis.
// - unit: everything else (pure functions, the machine, detection, replay), no database.
// Every file is in exactly one: unit is what the other two leave.
const E2E = [
  'test/browser/**/*.test.ts',
  'test/scale/crash.test.ts',
  'test/bench/bench.smoke.test.ts',
  'test/**/*.cli.test.ts',
  'test/**/*.processes.test.ts',
  'test/**/two-processes.test.ts',
  'test/server/restart.test.ts',
  'test/observability/shutdown.test.ts',
];
const INTEGRATION = [
  'test/storage/**/*.test.ts',
  'test/analytics/**/*.test.ts',
  'test/conversations/**/*.test.ts',
  'test/observability/**/*.test.ts',
  'test/operator/**/*.test.ts',
  'test/realtime/**/*.test.ts',
  'test/server/**/*.test.ts',
  'test/handoff/handoff.e2e.test.ts',
  'test/handoff/ticket-number.test.ts',
  'test/handoff/zoho-token.test.ts',
  'test/detection/llm.engine.test.ts',
  'test/qa/qa.routes.test.ts',
  'test/qa/specs.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Migrates once per run (or not at all when the migrations did not change): tests clone the result.
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'e2e', include: E2E } },
      {
        extends: true,
        test: { name: 'integration', include: INTEGRATION, exclude: [...configDefaults.exclude, ...E2E] },
      },
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E, ...INTEGRATION],
        },
      },
    ],
  },
});
