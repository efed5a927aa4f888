// Delivery is at least once, so a side effect must be idempotent by the effect's idempotencyKey. Risk
// covered: a worker that ran an effect and died before completing it (its lease runs out, another worker
// gets the effect again) making the side effect happen twice — e.g. two tickets for one request. The
// handler here is the pattern every real handler follows: the side effect is keyed by a Postgres unique
// key, so the redelivery finds it done.
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEffectWorker, type EffectHandler } from '../../src/engine/effect.worker.ts';
import { rowsOf } from '../../src/storage/pg-effect.log.ts';
import { type Backend, backends, type StorageHarness } from './backends.ts';
import { newSession, turnCommit } from './turns.ts';

function idempotencySuite(backend: Backend) {
  describe.runIf(backend.enabled)(`a redelivered effect runs its side effect once: ${backend.name}`, () => {
    let h: StorageHarness;
    beforeAll(async () => {
      h = await backend.create();
      await h.records.db.execute(
        sql`create table side_effects (idempotency_key text primary key, done_at timestamptz not null default now())`,
      );
    });
    afterAll(async () => {
      await h?.close();
    });

    it('a worker dies after the side effect; the survivor re-runs the handler, the side effect stays single', async () => {
      let invocations = 0;
      const createTicket: EffectHandler = async (effect) => {
        invocations++;
        await h.records.db.execute(
          sql`insert into side_effects (idempotency_key) values (${effect.idempotencyKey}) on conflict do nothing`,
        );
        return { outcome: 'done' };
      };
      const s = newSession();
      await h.store.create(s);
      const c = turnCommit(s.id, 1, 1, { effects: ['createTicket'] });
      await h.store.commit(c);

      // The first worker claims and runs the handler, then crashes before `complete`.
      const leaseMs = 300;
      const claimed = (await h.effectLog.claim('doomed', 10, leaseMs)).filter((e) => e.sessionId === s.id);
      expect(claimed).toHaveLength(1);
      for (const e of claimed) await createTicket(e);

      await new Promise((r) => setTimeout(r, leaseMs + 100));
      h.clock.advance(leaseMs + 100);
      const survivor = createEffectWorker({
        log: h.otherEffectLog,
        handlers: { createTicket },
        logger: pino({ level: 'silent' }),
        consumer: 'survivor',
        leaseMs,
      });
      expect(await survivor.drainOnce()).toBeGreaterThanOrEqual(1);
      expect(invocations).toBe(2);
      const rows = rowsOf(
        await h.records.db.execute(
          sql`select idempotency_key from side_effects where idempotency_key like ${`${s.id}:%`}`,
        ),
      );
      expect(rows).toEqual([{ idempotency_key: c.effects[0]?.idempotencyKey }]);
      expect(await survivor.drainOnce()).toBe(0);
      expect(invocations).toBe(2);
    });
  });
}

for (const backend of backends) idempotencySuite(backend);
