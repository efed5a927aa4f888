// The TimerStore contract (Postgres `timers` table and Redis sorted set). Risks covered: a timer firing
// twice across processes, a timer lost when its claimer crashes, an old turn's arm overwriting a newer
// one (inactivity firing on an active conversation), and a fired timer erasing a re-arm.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DueTimer, TimerStore } from '../../src/storage/timer.store.ts';
import type { Backend, StorageHarness } from './backends.ts';

export function timerStoreContract(backend: Backend): void {
  describe.runIf(backend.enabled)(`TimerStore contract: ${backend.name}`, () => {
    let h: StorageHarness;
    beforeAll(async () => {
      h = await backend.create();
    });
    afterAll(async () => {
      await h?.close();
    });

    /** Claims due timers of these sessions only (other tests' timers stay untouched by the filter). */
    async function claim(store: TimerStore, ids: string[], leaseMs = 60_000): Promise<DueTimer[]> {
      const out = await store.claimDue(h.clock.now(), 1000, leaseMs);
      return out.filter((t) => ids.includes(t.sessionId));
    }
    const later = (ms: number) => new Date(h.clock.now().getTime() + ms);

    it('arms, reads back, and fires only once due', async () => {
      const id = randomUUID();
      const due = later(30_000);
      await h.timerStore.arm(id, 'inactivity', due, 3);
      expect(await h.otherTimerStore.get(id, 'inactivity')).toEqual({ dueAt: due, armedAtVersion: 3 });
      expect(await h.otherTimerStore.get(id, 'sla_reminder')).toBeNull();
      expect(await claim(h.timerStore, [id])).toEqual([]);
      h.clock.advance(31_000);
      expect(await claim(h.timerStore, [id])).toEqual([
        { sessionId: id, kind: 'inactivity', armedAtVersion: 3, dueAt: due },
      ]);
    });

    it('a newer arm replaces the timer; an older one (a late process) does not', async () => {
      const id = randomUUID();
      await h.timerStore.arm(id, 'inactivity', later(10_000), 5);
      await h.otherTimerStore.arm(id, 'inactivity', later(20_000), 7);
      await h.timerStore.arm(id, 'inactivity', later(5_000), 6);
      expect(await h.timerStore.get(id, 'inactivity')).toMatchObject({ armedAtVersion: 7 });
      const kinds = await Promise.all([
        h.timerStore.arm(id, 'sla_reminder', later(1_000), 7),
        h.timerStore.get(id, 'inactivity'),
      ]);
      expect(kinds[1]?.armedAtVersion).toBe(7);
      expect(await h.timerStore.get(id, 'sla_reminder')).toMatchObject({ armedAtVersion: 7 });
    });

    it('a due timer goes to exactly one of many concurrent claimers', async () => {
      const ids = Array.from({ length: 20 }, () => randomUUID());
      for (const id of ids) await h.timerStore.arm(id, 'inactivity', later(-1000), 2);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => claim(i % 2 === 0 ? h.timerStore : h.otherTimerStore, ids)),
      );
      const claimed = results.flat().map((t) => t.sessionId);
      expect(claimed.sort()).toEqual([...ids].sort());
    });

    it('a claimed timer whose claimer vanished fires again after the lease', async () => {
      const id = randomUUID();
      await h.timerStore.arm(id, 'sla_reminder', later(-10), 4);
      expect(await claim(h.timerStore, [id], 30_000)).toHaveLength(1);
      expect(await claim(h.otherTimerStore, [id], 30_000)).toEqual([]);
      h.clock.advance(31_000);
      expect((await claim(h.otherTimerStore, [id], 30_000)).map((t) => t.kind)).toEqual(['sla_reminder']);
    });

    it('complete removes the fired timer but not a re-arm that came after the claim', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await h.timerStore.arm(a, 'inactivity', later(-10), 2);
      await h.timerStore.arm(b, 'inactivity', later(-10), 2);
      const claimed = await claim(h.timerStore, [a, b]);
      expect(claimed).toHaveLength(2);
      // b's visitor wrote again meanwhile: its turn re-armed the timer.
      const rearmed = later(60_000);
      await h.otherTimerStore.arm(b, 'inactivity', rearmed, 3);
      for (const t of claimed) await h.timerStore.complete(t);
      expect(await h.timerStore.get(a, 'inactivity')).toBeNull();
      expect(await h.timerStore.get(b, 'inactivity')).toEqual({ dueAt: rearmed, armedAtVersion: 3 });
      h.clock.advance(40_000);
      expect(await claim(h.timerStore, [a, b])).toEqual([]);
      h.clock.advance(30_000);
      expect((await claim(h.timerStore, [a, b])).map((t) => [t.sessionId, t.armedAtVersion])).toEqual([
        [b, 3],
      ]);
    });

    it('cancel removes the timer unless a newer version armed it', async () => {
      const id = randomUUID();
      await h.timerStore.arm(id, 'sla_reminder', later(1000), 4);
      await h.otherTimerStore.cancel(id, 'sla_reminder', 3);
      expect(await h.timerStore.get(id, 'sla_reminder')).not.toBeNull();
      await h.otherTimerStore.cancel(id, 'sla_reminder', 5);
      expect(await h.timerStore.get(id, 'sla_reminder')).toBeNull();
      h.clock.advance(2000);
      expect(await claim(h.timerStore, [id])).toEqual([]);
      await h.timerStore.cancel(id, 'sla_reminder', 6); // nothing armed: no error
    });
  });
}
