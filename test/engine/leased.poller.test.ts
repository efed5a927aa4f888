// The one leased-poll loop behind the effect worker, the trace sink, the timers and the channel and desk
// inboxes. Risks covered: a kick during a round lost (an item written then waits for the next poll), a
// failed round killing the loop for good or failing silently, a shutdown cutting a handler in half or
// claiming after it, a retry's wake-up never coming.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { backoffMs, createLeasedPoller, retryDelay } from '../../src/engine/leased.poller.ts';

function logLines() {
  const lines: Array<{ msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const until = async (ok: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** A log in memory: claim takes up to `limit` items; the lease is what the poller asked for. */
function memoryLog() {
  const pending: number[] = [];
  const leases: number[] = [];
  return {
    pending,
    leases,
    claim: async (limit: number, leaseMs: number) => {
      leases.push(leaseMs);
      return pending.splice(0, limit);
    },
  };
}

describe('leased poller', () => {
  it('drains batch after batch until empty, with the lease it was given, and never loses a kick', async () => {
    const log = memoryLog();
    const handled: number[] = [];
    let release: () => void = () => {};
    let gate: Promise<void> | null = null;
    const poller = createLeasedPoller({
      name: 'test',
      claim: log.claim,
      handle: async (batch) => {
        if (gate) await gate;
        handled.push(...batch);
      },
      logger: logLines().logger,
      batchSize: 2,
      leaseMs: 1234,
      pollMs: 60_000,
    });
    log.pending.push(1, 2, 3, 4, 5);
    poller.start();
    await until(() => handled.length === 5);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    expect(log.leases.every((l) => l === 1234)).toBe(true);

    // A kick while a round is in hand (the batch is being handled and the log looks empty after it).
    gate = new Promise((r) => {
      release = r;
    });
    log.pending.push(6);
    poller.kick();
    await until(() => log.pending.length === 0);
    log.pending.push(7);
    poller.kick(); // during the round: must cause another pass, not be dropped
    gate = null;
    release();
    await until(() => handled.includes(7));
    await poller.stop();
  });

  // Risk: an empty claim after every short batch — one more statement per round, on the embedded
  // database one more turn's worth of work on the event loop.
  it('claims once for a batch short of the batch size, and again only when kicked meanwhile', async () => {
    const log = memoryLog();
    const handled: number[] = [];
    const poller = createLeasedPoller({
      name: 'test',
      claim: log.claim,
      handle: async (batch) => {
        handled.push(...batch);
      },
      logger: logLines().logger,
      batchSize: 3,
      leaseMs: 1000,
      pollMs: 60_000,
    });
    log.pending.push(1, 2, 3, 4);
    poller.start();
    await until(() => handled.length === 4);
    await new Promise((r) => setTimeout(r, 20));
    expect(log.leases.length).toBe(2); // [1, 2, 3] then [4]: not a third, empty claim
    log.pending.push(5);
    poller.kick();
    await until(() => handled.length === 5);
    await new Promise((r) => setTimeout(r, 20));
    expect(log.leases.length).toBe(3);
    await poller.stop();
  });

  // Risk: a log whose claim holds rows back (the channel inbox: one person's next message waits for the
  // one before it) left with claimable rows until the next poll.
  it('claims again after a short batch when the claim holds rows back', async () => {
    const pending = [1, 2, 3];
    const handled: number[] = [];
    const poller = createLeasedPoller({
      name: 'test',
      claim: async () => pending.splice(0, 1), // one at a time, as if each waited for the one before
      handle: async (batch) => {
        handled.push(...batch);
      },
      logger: logLines().logger,
      batchSize: 20,
      leaseMs: 1000,
      pollMs: 60_000,
      claimHoldsBack: true,
    });
    poller.start();
    await until(() => handled.length === 3);
    await poller.stop();
  });

  it('logs a failed round by name and carries on at the next kick', async () => {
    const { logger, lines } = logLines();
    let fail = true;
    const handled: number[] = [];
    const log = memoryLog();
    const poller = createLeasedPoller({
      name: 'effect worker',
      claim: async (limit, lease) => {
        if (fail) throw new Error('connection terminated');
        return log.claim(limit, lease);
      },
      handle: async (batch) => {
        handled.push(...batch);
      },
      logger,
      batchSize: 10,
      leaseMs: 100,
      pollMs: 60_000,
    });
    poller.start();
    await until(() => lines.some((l) => l.msg === 'effect worker loop failed'));
    fail = false;
    log.pending.push(1);
    poller.kick();
    await until(() => handled.length === 1);
    await poller.stop();
  });

  it('stop waits for the batch in hand and claims nothing after it; a retry wakes it when due', async () => {
    const log = memoryLog();
    let finished = 0;
    let claims = 0;
    const poller = createLeasedPoller({
      name: 'test',
      claim: async (limit, lease) => {
        claims++;
        return log.claim(limit, lease);
      },
      handle: async (batch) => {
        await new Promise((r) => setTimeout(r, 100));
        finished += batch.length;
      },
      logger: logLines().logger,
      batchSize: 1,
      leaseMs: 100,
      pollMs: 60_000,
    });
    log.pending.push(1, 2, 3);
    poller.start();
    await until(() => claims === 1);
    await poller.stop();
    expect(finished).toBe(1);
    const claimsAtStop = claims;
    poller.kick();
    poller.wakeIn(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(claims).toBe(claimsAtStop);

    poller.start();
    await until(() => finished === 3);
    log.pending.push(4);
    poller.wakeIn(20); // nothing kicks it but the wake-up (the poll is a minute away)
    await until(() => finished === 4);
    await poller.stop();
  });

  it('backs off exponentially with jitter, honours a Retry-After, and gives up after the last attempt', () => {
    expect(backoffMs(1, 500, 60_000, () => 0)).toBe(250);
    expect(backoffMs(1, 500, 60_000, () => 1)).toBe(500);
    expect(backoffMs(4, 500, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 500, 60_000, () => 1)).toBe(60_000);
    const policy = { maxAttempts: 3, baseBackoffMs: 500, maxBackoffMs: 60_000 };
    expect(retryDelay(1, policy)).toBeLessThanOrEqual(500);
    expect(retryDelay(2, policy, 30_000)).toBe(30_000);
    expect(retryDelay(3, policy)).toBeNull();
  });
});
