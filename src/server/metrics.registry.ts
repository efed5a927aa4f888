// Prometheus metrics of one process (prom-client): turn latency by deciding layer, LLM calls, handoffs,
// queue depth and active sessions. Each runtime owns its registry, so tests with several runtimes in one
// process never share series. Counters are fed by decorators around the engine hook, the classifier and
// the effect handlers; queue depths are read from the shared stores at scrape time.

import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Classifier } from '../detection/classifier.port.ts';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { CommittedTurn } from '../engine/engine.ts';
import { ENDED_STATES } from '../machines/conversation.ended.ts';
import type { EffectLog } from '../storage/effect.log.ts';
import type { HandoffCountsRepository } from '../storage/handoff-counts.repository.ts';
import { registerActiveSessions, registerQueueGauges } from './metrics.gauges.ts';
import { instrumentClassifier, instrumentEffectHandlers } from './metrics.instrument.ts';
import { createSeries } from './metrics.series.ts';

export interface MetricsOptions {
  /** Queue depth and handoff deliveries, read from the shared tables at scrape time. */
  handoffCounts: HandoffCountsRepository;
  effectLog: EffectLog;
  logger: Logger;
  /** A session counts as active while its last turn is younger than this (default 15 minutes). */
  activeWindowMs?: number;
  /** Process-level series (CPU, memory, event loop lag); off in tests that build many runtimes. */
  defaultMetrics?: boolean;
  now?: () => number;
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  const now = options.now ?? Date.now;
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const series = createSeries(registry);
  const { turnDuration, transitions } = series;
  const active = registerActiveSessions(registry, now, options.activeWindowMs ?? 15 * 60_000);
  registerQueueGauges(registry, options);

  /** The engine's `onTurn` hook. Cheap: a histogram observation and a map write. */
  function observeTurn(turn: CommittedTurn): void {
    const { trace, response } = turn;
    turnDuration.observe(
      {
        layer: trace.detection ? (trace.detection.layer ?? 'undecided') : 'none',
        inbound: trace.inbound.kind,
      },
      turn.durationMs / 1000,
    );
    if (trace.from !== trace.to) transitions.inc({ state: trace.to });
    if (ENDED_STATES.has(response.state)) active.delete(response.sessionId);
    else active.set(response.sessionId, { at: now(), owner: response.owner });
  }

  return {
    registry,
    observeTurn,
    instrumentClassifier: (classifier: Classifier) => instrumentClassifier(classifier, series),
    instrumentEffectHandlers: (handlers: Partial<Record<string, EffectHandler>>) =>
      instrumentEffectHandlers(handlers, series),
  };
}
