// Durable timers: says which timers a turn arms or cancels (the engine commits them with the turn, in the
// session store's one atomic write), and polls for due ones, firing each as a `timer` inbound through
// `engine.handle` — with the ordering, atomicity and trace of every other turn.
// Firing is idempotent (`timerId` = kind:armingVersion is the turn's idempotency key); a timer from an
// older turn is harmless: inactivity only fires at the version that armed it, and a state that no longer
// accepts the event answers `not_accepted`. Never XState `after`: those do not survive persistence.
import type { Logger } from 'pino';
import type { SessionStore } from '../storage/session.store.ts';
import type { DueTimer, TimerStore } from '../storage/timer.store.ts';
import type { HandleResult, Inbound } from './inbound.ts';
import { createLeasedPoller } from './leased.poller.ts';
import type { TimerSettings } from './timer.policy.ts';

export interface TimerServiceOptions {
  store: TimerStore;
  sessions: Pick<SessionStore, 'load'>;
  /** `engine.handle`: the engine is built first (it applies `timerChanges` in each commit itself). */
  handle: (sessionId: string, inbound: Inbound) => Promise<HandleResult>;
  logger: Logger;
  now: () => Date;
  settings: TimerSettings;
  pollMs?: number;
  leaseMs?: number;
  batchSize?: number;
}

export function createTimerService(options: TimerServiceOptions) {
  const { store, logger, settings } = options;

  async function fire(t: DueTimer): Promise<void> {
    const inbound: Inbound = {
      kind: 'timer',
      timer: t.kind,
      timerId: `${t.kind}:${t.armedAtVersion}`,
      ...(t.kind === 'inactivity' ? { onlyAtVersion: t.armedAtVersion } : {}),
    };
    const result = await options.handle(t.sessionId, inbound);
    if (result.outcome === 'busy') return; // the lease runs out and it fires again
    if (result.outcome === 'not_accepted' && t.kind === 'inactivity' && settings.inactivityMs > 0) {
      const session = await options.sessions.load(t.sessionId);
      if (session && session.version > t.armedAtVersion) {
        // A later turn's re-arm is missing (turns committed before timers were part of the commit could
        // lose it to a crash between the two): arm from that turn.
        await store.complete(t);
        await store.arm(
          t.sessionId,
          'inactivity',
          new Date(Date.parse(session.updatedAt) + settings.inactivityMs),
          session.version,
        );
        return;
      }
    }
    await store.complete(t);
    logger.info(
      { sessionId: t.sessionId, timer: t.kind, armedAtVersion: t.armedAtVersion, outcome: result.outcome },
      'timer fired',
    );
  }

  const poller = createLeasedPoller({
    name: 'timer poll',
    claim: (limit, leaseMs) => store.claimDue(options.now(), limit, leaseMs),
    handle: async (due) => {
      await Promise.all(
        due.map((t) =>
          fire(t).catch((error: unknown) =>
            logger.error(
              { err: error, sessionId: t.sessionId, timer: t.kind },
              'timer failed; retried after the lease',
            ),
          ),
        ),
      );
    },
    logger,
    batchSize: options.batchSize ?? 50,
    leaseMs: options.leaseMs ?? 30_000,
    pollMs: options.pollMs ?? 1000,
  });

  return {
    store,
    /** Fires every timer due now (one batch); returns how many it claimed. */
    tick: poller.drainOnce,
    start: poller.start,
    stop: poller.stop,
  };
}

export type TimerService = ReturnType<typeof createTimerService>;
