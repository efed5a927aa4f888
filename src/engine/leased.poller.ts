// The one loop of every background consumer of a durable log (effects, trace entries, channel and desk
// inboxes): claim a batch under a lease (a crashed process's claim runs out and another takes it over),
// handle it, and go on until the log is empty. Writers `kick` it; a poll is the safety net for rows written
// by another process; a retry may ask to be woken when it is due. A failed round is logged and the next
// kick starts afresh; `stop` waits for the batch in hand, so a shutdown never cuts a handler in half.
import type { Logger } from 'pino';

export interface LeasedPollerOptions<T> {
  /** Said in the log line of a failed round ("effect worker loop failed"). */
  name: string;
  claim: (limit: number, leaseMs: number) => Promise<T[]>;
  handle: (batch: T[]) => Promise<void>;
  logger: Logger;
  batchSize: number;
  leaseMs: number;
  pollMs: number;
  /**
   * The claim may hold claimable-later rows back (one person's next message waits until the one before it
   * is handled): then a short batch does not mean an empty log, and the loop claims again after it.
   */
  claimHoldsBack?: boolean;
}

export function createLeasedPoller<T>(options: LeasedPollerOptions<T>) {
  const { logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let wake: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  /** Claims and handles one batch; returns how many items it claimed. */
  async function drainOnce(): Promise<number> {
    const batch = await options.claim(options.batchSize, options.leaseMs);
    if (batch.length > 0) await options.handle(batch);
    return batch.length;
  }

  // A claim short of the batch size found the log empty (for this consumer): no second claim to learn
  // that, unless the claim holds rows back. A row written meanwhile comes with a kick, which makes `again`.
  const full = options.claimHoldsBack ? 1 : options.batchSize;
  async function loop(): Promise<void> {
    do {
      again = false;
      while (!stopped && (await drainOnce()) >= full) {}
    } while (again && !stopped);
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop()
      .catch((error: unknown) => logger.error({ err: error }, `${options.name} loop failed`))
      .finally(() => {
        running = null;
      });
  }

  return {
    kick,
    drainOnce,
    /** Drains until the log is empty (tests, and a graceful shutdown). */
    async flush(): Promise<void> {
      while ((await drainOnce()) > 0) {}
    },
    /** Look again in `delayMs` (a retry falls due then), without waiting for the poll. */
    wakeIn(delayMs: number): void {
      if (stopped || wake) return;
      wake = setTimeout(() => {
        wake = null;
        kick();
      }, delayMs + 5);
      wake.unref();
    },
    start(): void {
      stopped = false;
      timer = setInterval(kick, options.pollMs);
      timer.unref();
      kick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      if (wake) clearTimeout(wake);
      timer = wake = null;
      await running;
    },
  };
}

export type LeasedPoller = ReturnType<typeof createLeasedPoller>;

/** Exponential backoff with jitter: half the step fixed, half random (no thundering herd after an outage). */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export interface RetryPolicy {
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

/** When to try again after `attempts` tries (at least `atLeastMs`, a vendor's Retry-After), or null: give up. */
export function retryDelay(attempts: number, policy: RetryPolicy, atLeastMs = 0): number | null {
  if (attempts >= policy.maxAttempts) return null;
  return Math.max(atLeastMs, backoffMs(attempts, policy.baseBackoffMs, policy.maxBackoffMs));
}
