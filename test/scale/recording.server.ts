// A real Switchboard server process for the scale tests: the runtime exactly as `switchboard serve` builds
// it, except that every effect handler is a recorder. Each execution is logged in `effect_deliveries`
// (one row per run, with this process's pid) and the side effect itself is a row in `effect_side_effects`
// keyed by the idempotency key — the pattern real handlers follow. TEST_EFFECT_DELAY_MS widens the window
// between the two, so a process killed under load dies with effects in flight.
import pg from 'pg';
import { parseEnv } from '../../src/config/env.ts';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { RECORD_DETECTION } from '../../src/detection/intent-log.record.ts';
import type { EffectHandler } from '../../src/engine/effect.worker.ts';
import { buildMachine, createRuntime } from '../../src/server/runtime.ts';

const config = parseEnv();
if (!config.storage.databaseUrl) throw new Error('the recording server needs DATABASE_URL');
const pool = new pg.Pool({ connectionString: config.storage.databaseUrl, max: 8 });
const delayMs = Number(process.env.TEST_EFFECT_DELAY_MS ?? 0);

const record: EffectHandler = async (effect) => {
  await pool.query(
    'insert into effect_deliveries (idempotency_key, type, session_id, pid) values ($1, $2, $3, $4)',
    [effect.idempotencyKey, effect.type, effect.sessionId, process.pid],
  );
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  await pool.query(
    `insert into effect_side_effects (idempotency_key, type, session_id, pid) values ($1, $2, $3, $4)
     on conflict (idempotency_key) do nothing`,
    [effect.idempotencyKey, effect.type, effect.sessionId, process.pid],
  );
  return { outcome: 'done' };
};

const machine = buildMachine(
  config,
  loadKnowledge(config.content.knowledgeFile, config.operators.firstResponseSla),
);
const types = [...Object.keys(machine.implementations.actions), RECORD_DETECTION];
const runtime = await createRuntime(config, {
  effectHandlers: Object.fromEntries(types.map((t) => [t, record])),
});
const { url } = await runtime.listen();
runtime.logger.info({ url, pid: process.pid }, 'recording server listening');

process.on('SIGTERM', () => {
  void runtime
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
