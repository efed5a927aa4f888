// The effect worker against the catalog. Risk covered: an effect whose params do not match its schema
// (written by another build, or by hand) reaching a handler that trusts them, or being retried forever.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { checkEffectParams } from '../../src/engine/effect.catalog.ts';
import { createEffectWorker } from '../../src/engine/effect.worker.ts';
import type { ClaimedEffect, EffectLog } from '../../src/storage/effect.log.ts';

/** An EffectLog port in memory: what the worker claims once, and what it did with each effect. */
function effectsOnce(effects: ClaimedEffect[]) {
  const done: string[] = [];
  const failed: Array<{ key: string; error: string }> = [];
  const log: EffectLog = {
    kind: 'memory',
    claim: async () => effects.splice(0),
    complete: async (e) => {
      done.push(e.idempotencyKey);
    },
    retry: async () => {
      throw new Error('nothing here should be retried');
    },
    fail: async (e, error) => {
      failed.push({ key: e.idempotencyKey, error });
    },
    pendingCount: async () => effects.length,
  };
  return { log, done, failed };
}

const effect = (key: string, params: Record<string, unknown>): ClaimedEffect => ({
  id: key,
  idempotencyKey: key,
  sessionId: 's1',
  seq: 2,
  type: 'notifyOperators',
  params,
  attempts: 1,
});

describe('effect worker params check', () => {
  it('fails an effect with params the catalog refuses, for good and naming the field; runs a valid one', async () => {
    const { log, done, failed } = effectsOnce([
      effect('good', { state: 'escalated.queued', at: '2026-01-01T00:00:00Z', reason: 'new_escalation' }),
      effect('bad', { state: 'escalated.queued', at: '2026-01-01T00:00:00Z' }),
    ]);
    const handled: string[] = [];
    const gaveUp: string[] = [];
    const worker = createEffectWorker({
      log,
      handlers: {
        notifyOperators: async (e) => {
          handled.push(e.idempotencyKey);
          return { outcome: 'done' };
        },
      },
      checkParams: checkEffectParams,
      onGaveUp: async (e) => {
        gaveUp.push(e.idempotencyKey);
      },
      logger: pino({ level: 'silent' }),
      consumer: 'test',
    });
    expect(await worker.drainOnce()).toBe(2);
    expect(handled).toEqual(['good']);
    expect(done).toEqual(['good']);
    expect(failed).toEqual([
      { key: 'bad', error: expect.stringMatching(/bad params for notifyOperators: reason/) },
    ]);
    expect(gaveUp).toEqual(['bad']);
  });
});

describe('effect worker order', () => {
  // Risk: two turns' deliveries of one session racing, so a WhatsApp visitor reads the replies out of
  // order (seen on Redis in the channel contract suite: seqs 1, 5, 3).
  it("runs one session's effects in commit order, other sessions alongside", async () => {
    const at = '2026-01-01T00:00:00Z';
    const mk = (sessionId: string, seq: number): ClaimedEffect => ({
      ...effect(`${sessionId}:${seq}`, { state: 'escalated.queued', at, reason: 'r' }),
      sessionId,
      seq,
    });
    const { log } = effectsOnce([mk('s1', 5), mk('s2', 2), mk('s1', 3)]);
    const finished: string[] = [];
    const worker = createEffectWorker({
      log,
      handlers: {
        notifyOperators: async (e) => {
          // The earlier turn's effect is the slow one: run side by side, it would finish last.
          await new Promise((r) => setTimeout(r, e.seq === 3 ? 60 : 5));
          finished.push(e.idempotencyKey);
          return { outcome: 'done' };
        },
      },
      checkParams: checkEffectParams,
      logger: pino({ level: 'silent' }),
      consumer: 'test',
    });
    expect(await worker.drainOnce()).toBe(3);
    expect(finished.filter((k) => k.startsWith('s1:'))).toEqual(['s1:3', 's1:5']);
    expect(finished[0]).toBe('s2:2');
  });
});
