// Risk covered: a committed turn's effects waiting for the worker's poll instead of running at once. The
// engine signals every commit; the composition root must wake the effect worker with it (it did not: the
// signals had no listener, and every handoff, reply delivery and notice waited up to a poll interval).
// The poll here is an hour, so only the wake-up can run the effects within the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime({ overrides: { effectWorker: { pollMs: 3_600_000 } } });
});
afterAll(async () => {
  await t?.close();
});

describe('a commit wakes the effect worker', () => {
  it("runs the effects of a visitor's escalation without waiting for the poll", async () => {
    const visitor = await startVisitor(t.url);
    // The start-up drain has run; whatever is pending from here on was committed after it.
    await expect.poll(() => t.runtime.effectLog.pendingCount(), { timeout: 10_000 }).toBe(0);
    expect((await visitor.send('I want to talk to a human')).body.state).toBe('escalation_options');
    expect((await visitor.press('instant_chat')).body.state).toBe('escalated.queued');
    await expect.poll(() => t.runtime.effectLog.pendingCount(), { timeout: 10_000 }).toBe(0);
    // The escalation effect ran: the visitor is in the operators' queue.
    expect(await t.runtime.operators.queue.ofConversation(visitor.sessionId)).toHaveLength(1);
  });
});
