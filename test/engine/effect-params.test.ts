// The params check as the runtime wires it (issue 12): an effect whose params the catalog refuses, written to
// the real outbox (PGlite) by another build or by hand, fails for good with a readable error and never
// reaches its handler. Risk covered: a handler trusting params it parses loosely, or a bad effect retried
// forever.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EffectHandler } from '../../src/engine/effect.worker.ts';
import { outbox } from '../../src/storage/schema/index.ts';
import { newSession } from '../storage/turns.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

describe('effect params at the runtime', () => {
  let t: TestRuntime;
  const handled: string[] = [];
  const notifyOperators: EffectHandler = async (e) => {
    handled.push(e.idempotencyKey);
    return { outcome: 'done' };
  };
  beforeAll(async () => {
    t = await startTestRuntime({
      overrides: { runWorker: false, defaultMetrics: false, effectHandlers: { notifyOperators } },
    });
  });
  afterAll(() => t?.close());

  it('fails an effect without the reason its schema needs, naming the field, and never runs it', async () => {
    // The fixture's params are those of createHandoff: no `reason`, which notifyOperators requires.
    const s = newSession({ effects: ['notifyOperators'] });
    await t.runtime.store.create(s);
    while ((await t.runtime.worker.drainOnce()) > 0) {}
    const [row] = await t.runtime.database.db.select().from(outbox).where(eq(outbox.sessionId, s.id));
    expect(row?.status).toBe('failed');
    expect(row?.lastError).toMatch(/^bad params for notifyOperators: reason: /);
    expect(handled).toEqual([]);
  });
});
