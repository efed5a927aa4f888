// Runs committed effects: claims from the EffectLog, calls the handler for the effect's type, completes
// or retries with exponential backoff and jitter. Handlers must be idempotent on `idempotencyKey`:
// delivery is at least once (a crash between the handler and `complete` re-runs the effect).
import type { Logger } from 'pino';
import type { ClaimedEffect, EffectLog } from '../storage/effect.log.ts';
import { createLeasedPoller, retryDelay } from './leased.poller.ts';

export type EffectOutcome =
  | { outcome: 'done' }
  | { outcome: 'retry'; error: string; retryAfterMs?: number }
  | { outcome: 'failed'; error: string };

export type EffectHandler = (effect: ClaimedEffect) => Promise<EffectOutcome>;

export interface EffectWorkerOptions {
  log: EffectLog;
  handlers: Partial<Record<string, EffectHandler>>;
  logger: Logger;
  consumer: string;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Checks a claimed effect's params against the catalog (effect.catalog.ts `checkEffectParams`): a string
   * says what is wrong, and the effect fails for good instead of reaching a handler that would trust them.
   */
  checkParams?: (type: string, params: unknown) => string | null;
  /** Told when an effect fails for good (so the engine can tell the visitor). */
  onGaveUp?: (effect: ClaimedEffect, error: string) => Promise<void>;
}

function bySession(batch: ClaimedEffect[]): Map<string, ClaimedEffect[]> {
  const groups = new Map<string, ClaimedEffect[]>();
  for (const effect of [...batch].sort((a, b) => a.seq - b.seq)) {
    const group = groups.get(effect.sessionId);
    if (group) group.push(effect);
    else groups.set(effect.sessionId, [effect]);
  }
  return groups;
}

export function createEffectWorker(options: EffectWorkerOptions) {
  const { log, handlers, logger } = options;
  const retryPolicy = {
    maxAttempts: options.maxAttempts ?? 8,
    baseBackoffMs: options.baseBackoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 60_000,
  };

  async function runOne(effect: ClaimedEffect): Promise<void> {
    const handler = handlers[effect.type];
    if (!handler) {
      // Start-up refuses a catalog with gaps, so this is an effect written by another build: never "done".
      logger.error({ effect: effect.idempotencyKey, type: effect.type }, 'no handler for effect type');
      await log.fail(effect, `no handler for effect type ${effect.type}`);
      return;
    }
    let outcome: EffectOutcome;
    const badParams = options.checkParams?.(effect.type, effect.params) ?? null;
    try {
      // Written by a build with another catalog, or by hand: retrying would never make them valid.
      outcome = badParams ? { outcome: 'failed', error: badParams } : await handler(effect);
    } catch (error) {
      outcome = { outcome: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.outcome === 'done') return log.complete(effect);
    const delay =
      outcome.outcome === 'retry' ? retryDelay(effect.attempts, retryPolicy, outcome.retryAfterMs) : null;
    if (outcome.outcome === 'retry' && delay !== null) {
      logger.warn(
        {
          effect: effect.idempotencyKey,
          type: effect.type,
          attempt: effect.attempts,
          delay,
          error: outcome.error,
        },
        'effect will be retried',
      );
      return log.retry(effect, outcome.error, delay);
    }
    logger.error(
      { effect: effect.idempotencyKey, type: effect.type, error: outcome.error },
      'effect failed for good',
    );
    await log.fail(effect, outcome.error);
    await options
      .onGaveUp?.(effect, outcome.error)
      .catch((e: unknown) => logger.error({ err: e }, 'onGaveUp failed'));
  }

  async function inOrder(effects: ClaimedEffect[]): Promise<void> {
    for (const effect of effects) await runOne(effect);
  }

  const poller = createLeasedPoller({
    name: 'effect worker',
    claim: (limit, leaseMs) => log.claim(options.consumer, limit, leaseMs),
    // One session's effects one after another, in commit order (two turns' replies must reach a WhatsApp
    // visitor in the order they were written); different sessions side by side.
    handle: async (batch) => {
      await Promise.all([...bySession(batch).values()].map(inOrder));
    },
    logger,
    batchSize: options.batchSize ?? 20,
    leaseMs: options.leaseMs ?? 30_000,
    pollMs: options.pollMs ?? 500,
  });
  const { kick, drainOnce, start, stop } = poller;
  return { kick, drainOnce, start, stop };
}
