import { configDefaults, defineConfig } from 'vitest/config';

// Three projects, all run by `npm test` (`npm run test:unit` etc. run one):
// - unit: pure code (the machine, detection layers, replay, formats), no database, no server.
// - e2e: real processes (spawned servers and CLIs, the browser, the bench); the slowest.
// - integration: the rest: a real runtime or store in the test process, on PGlite or the real Postgres
//   and Redis. A new test file lands here unless listed above, so "unit" never silently needs a database.
// Every file is in exactly one project.
const UNIT = [
  'test/*.test.ts',
  'test/machines/**/*.test.ts',
  'test/config/**/*.test.ts',
  'test/bench/bench.stats.test.ts',
  'test/detection/customer-priority.test.ts',
  'test/detection/gemini.classifier.test.ts',
  'test/engine/leased.poller.test.ts',
  'test/detection/llm.config.test.ts',
  'test/detection/card.mask.test.ts',
  'test/detection/local.corpus.test.ts',
  'test/detection/reply.mood.test.ts',
  'test/detection/rules.engine.test.ts',
  'test/detection/sentiment.test.ts',
  'test/handoff/packet.test.ts',
  'test/handoff/routing.test.ts',
  'test/handoff/slack.signature.test.ts',
  'test/handoff/targets.contract.test.ts',
  'test/qa/coverage.test.ts',
  'test/storage/redis-session-codec.test.ts',
  'test/qa/diagram.test.ts',
  'test/qa/replay.test.ts',
  'test/qa/trace.format.test.ts',
  'test/server/route.table.test.ts',
  'test/scale/docker-compose.test.ts',
];
const E2E = [
  'test/browser/**/*.test.ts',
  'test/scale/crash.test.ts',
  'test/bench/bench.smoke.test.ts',
  'test/bench/two-process.smoke.test.ts',
  'test/**/*.cli.test.ts',
  'test/**/*.processes.test.ts',
  'test/**/two-processes.test.ts',
  'test/server/restart.test.ts',
  'test/observability/shutdown.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Migrates once per run (or not at all when the migrations did not change): tests clone the result.
    globalSetup: ['test/support/global-setup.ts'],
    // Two files at a time for unit and integration (vitest's default on 2 cores is one: cores - 1), whose
    // files mostly wait on a database; then the e2e files one at a time, alone, because they time real
    // processes and a browser against each other. Measured on this 2-core machine: 845 s all serial.
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT, ...E2E],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E,
          exclude: [...configDefaults.exclude, ...UNIT],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
