// The EffectLog contract every adapter passes (Postgres outbox with FOR UPDATE SKIP LOCKED, Redis Streams
// with a consumer group). Risks covered: an effect handed to two workers at once, an effect lost when
// its worker crashes (never re-delivered), a completed or failed effect coming back, and a retry that
// runs before its delay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimedEffect, EffectLog } from '../../src/storage/effect.log.ts';
import type { Backend, StorageHarness } from './backends.ts';
import { newSession, turnCommit } from './turns.ts';

/** Claims until the log has nothing more for this session (other tests' leftovers are put back). */
async function claimAll(log: EffectLog, consumer: string, sessionId: string, leaseMs = 60_000) {
  const mine: ClaimedEffect[] = [];
  for (;;) {
    const batch = await log.claim(consumer, 50, leaseMs);
    if (batch.length === 0) return mine;
    for (const e of batch) {
      if (e.sessionId === sessionId) mine.push(e);
      else await log.complete(e);
    }
  }
}

export function effectLogContract(backend: Backend): void {
  describe.runIf(backend.enabled)(`EffectLog contract: ${backend.name}`, () => {
    let h: StorageHarness;
    beforeAll(async () => {
      h = await backend.create();
    });
    afterAll(async () => {
      await h?.close();
    });

    async function sessionWithEffects(types: string[]) {
      const s = newSession();
      await h.store.create(s);
      const c = turnCommit(s.id, 1, 1, { effects: types });
      await h.store.commit(c);
      return { sessionId: s.id, effects: c.effects };
    }

    it('delivers committed effects with their key, type and params, attempt 1', async () => {
      const { sessionId, effects } = await sessionWithEffects(['createHandoff', 'notifyOperators']);
      const claimed = await claimAll(h.effectLog, 'w1', sessionId);
      expect(
        claimed.map(({ idempotencyKey, sessionId, seq, type, params, attempts }) => ({
          idempotencyKey,
          sessionId,
          seq,
          type,
          params,
          attempts,
        })),
      ).toEqual(effects.map((e) => ({ ...e, attempts: 1 })));
      for (const e of claimed) await h.effectLog.complete(e);
    });

    it('two workers claiming at the same time get disjoint effects, and together all of them', async () => {
      const types = Array.from({ length: 30 }, (_, i) => `effect${i}`);
      const { sessionId, effects } = await sessionWithEffects(types);
      const [a, b] = await Promise.all([
        claimAll(h.effectLog, 'worker-a', sessionId),
        claimAll(h.otherEffectLog, 'worker-b', sessionId),
      ]);
      const keys = [...a, ...b].map((e) => e.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual(effects.map((e) => e.idempotencyKey).sort());
      for (const e of [...a, ...b]) await h.effectLog.complete(e);
    });

    it('an effect whose worker vanished is delivered again once the lease runs out, and only then', async () => {
      const { sessionId } = await sessionWithEffects(['createHandoff']);
      const [first] = await claimAll(h.effectLog, 'crashing-worker', sessionId, 300);
      expect(first?.attempts).toBe(1);
      expect(await claimAll(h.otherEffectLog, 'survivor', sessionId, 300)).toEqual([]);
      await new Promise((r) => setTimeout(r, 400));
      h.clock.advance(400);
      const again = await claimAll(h.otherEffectLog, 'survivor', sessionId, 300);
      expect(again.map((e) => [e.idempotencyKey, e.attempts])).toEqual([[first?.idempotencyKey, 2]]);
      for (const e of again) await h.otherEffectLog.complete(e);
    });

    it('a completed effect is never delivered again and no longer pending', async () => {
      const before = await h.effectLog.pendingCount();
      const { sessionId } = await sessionWithEffects(['createHandoff', 'notifyOperators']);
      expect(await h.effectLog.pendingCount()).toBe(before + 2);
      const claimed = await claimAll(h.effectLog, 'w1', sessionId, 100);
      for (const e of claimed) await h.effectLog.complete(e);
      expect(await h.effectLog.pendingCount()).toBe(before);
      await new Promise((r) => setTimeout(r, 150));
      h.clock.advance(150);
      expect(await claimAll(h.otherEffectLog, 'w2', sessionId)).toEqual([]);
    });

    it('a retried effect waits for its delay, then comes back with the attempt counted', async () => {
      const { sessionId } = await sessionWithEffects(['createHandoff']);
      const [effect] = await claimAll(h.effectLog, 'w1', sessionId);
      if (!effect) throw new Error('nothing claimed');
      await h.effectLog.retry(effect, 'vendor answered 503', 60_000);
      expect(await h.effectLog.pendingCount()).toBeGreaterThanOrEqual(1);
      expect(await claimAll(h.otherEffectLog, 'w2', sessionId)).toEqual([]);
      h.clock.advance(61_000);
      const [again] = await claimAll(h.otherEffectLog, 'w2', sessionId);
      expect(again).toMatchObject({
        idempotencyKey: effect.idempotencyKey,
        type: 'createHandoff',
        params: effect.params,
        attempts: 2,
      });
      if (again) await h.otherEffectLog.complete(again);
    });

    it('an effect that failed for good is never delivered again and no longer pending', async () => {
      const before = await h.effectLog.pendingCount();
      const { sessionId } = await sessionWithEffects(['createHandoff']);
      const [effect] = await claimAll(h.effectLog, 'w1', sessionId, 100);
      if (!effect) throw new Error('nothing claimed');
      await h.effectLog.fail(effect, 'ticket API refused the request: 422');
      expect(await h.effectLog.pendingCount()).toBe(before);
      await new Promise((r) => setTimeout(r, 150));
      h.clock.advance(120_000);
      expect(await claimAll(h.otherEffectLog, 'w2', sessionId)).toEqual([]);
    });
  });
}
