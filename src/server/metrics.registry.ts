// Prometheus metrics of one process (prom-client): turn latency by deciding layer, LLM calls, handoffs,
// queue depth and active sessions. Each runtime owns its registry, so tests with several runtimes in one
// process never share series. Counters are fed by decorators around the engine hook, the classifier and
// the effect handlers; queue depths are read from the shared stores at scrape time.

import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Classifier } from '../detection/classifier.port.ts';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { CommittedTurn } from '../engine/engine.ts';
import { ENDED_STATES } from '../machines/conversation.ended.ts';
import type { EffectLog } from '../storage/effect.log.ts';
import type { HandoffCountsRepository } from '../storage/handoff-counts.repository.ts';

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

/** States after which a conversation is over until the visitor writes again. */
/** Effect types that hand a conversation to humans. */
const HANDOFF_EFFECTS = new Set(['createHandoff']);

// Turns take ~1 ms on the embedded store and seconds when the LLM is slow: buckets cover both ends.
const TURN_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LLM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5, 10];

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  const now = options.now ?? Date.now;
  const activeWindowMs = options.activeWindowMs ?? 15 * 60_000;
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });

  const turnDuration = new Histogram({
    name: 'switchboard_turn_duration_seconds',
    help: 'Time of one committed turn inside the engine (load to publish), by the detection layer that decided it ("undecided" when no layer did; "none" when nothing was detected: operator, timer, human-owned session) and the inbound kind',
    labelNames: ['layer', 'inbound'] as const,
    buckets: TURN_BUCKETS,
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'switchboard_state_entries_total',
    help: 'Committed turns by the state they ended in (only turns that changed state)',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const llmCalls = new Counter({
    name: 'switchboard_llm_calls_total',
    help: 'LLM classifier calls by outcome: answered, failed (timeout, 429/5xx, unparseable answer), skipped (no call made: circuit open) or error (the adapter threw)',
    labelNames: ['model', 'outcome'] as const,
    registers: [registry],
  });
  const llmDuration = new Histogram({
    name: 'switchboard_llm_call_duration_seconds',
    help: 'Latency of LLM classifier calls that were made (answered or failed)',
    labelNames: ['model'] as const,
    buckets: LLM_BUCKETS,
    registers: [registry],
  });
  const handoffs = new Counter({
    name: 'switchboard_handoffs_total',
    help: 'Handoff effect executions by channel (instant_chat, callback, ticket) and outcome (done, retry, failed)',
    labelNames: ['target', 'outcome'] as const,
    registers: [registry],
  });
  const effects = new Counter({
    name: 'switchboard_effects_total',
    help: 'Effect executions by type and outcome (done, retry, failed)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });

  const active = new Map<string, { at: number; owner: 'bot' | 'human' }>();
  new Gauge({
    name: 'switchboard_active_sessions',
    help: 'Sessions of this process with a turn in the last active window that have not ended, by owner (per process: sum over processes may count a session served by several)',
    labelNames: ['owner'] as const,
    registers: [registry],
    collect() {
      const cutoff = now() - activeWindowMs;
      let bot = 0;
      let human = 0;
      for (const [id, s] of active) {
        if (s.at < cutoff) active.delete(id);
        else if (s.owner === 'bot') bot++;
        else human++;
      }
      this.set({ owner: 'bot' }, bot);
      this.set({ owner: 'human' }, human);
    },
  });

  const logScrapeError = (source: string) => (error: unknown) =>
    options.logger.warn({ err: error, source }, 'metrics: could not read a queue depth');

  new Gauge({
    name: 'switchboard_effects_pending',
    help: 'Committed effects not yet done (outbox / stream backlog, shared by all processes)',
    registers: [registry],
    async collect() {
      await options.effectLog
        .pendingCount()
        .then((n) => this.set(n))
        .catch(logScrapeError('effects'));
    },
  });
  new Gauge({
    name: 'switchboard_escalations_queued',
    help: 'Escalations waiting for an operator (status queued, shared by all processes)',
    registers: [registry],
    async collect() {
      await options.handoffCounts
        .queuedEscalations()
        .then((n) => this.set(n))
        .catch(logScrapeError('escalations'));
    },
  });
  new Gauge({
    name: 'switchboard_handoff_deliveries',
    help: 'Handoff deliveries recorded in escalation_integrations by target (console, salesiq, zendesk …) and status (pending, delivered, failed)',
    labelNames: ['target', 'status'] as const,
    registers: [registry],
    async collect() {
      await options.handoffCounts
        .deliveries()
        .then((rows) => {
          this.reset();
          for (const r of rows) this.set({ target: r.target, status: r.status }, r.n);
        })
        .catch(logScrapeError('handoffs'));
    },
  });

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

  /** Counts and times every LLM call; a disabled classifier is returned as it is. */
  function instrumentClassifier(classifier: Classifier): Classifier {
    if (!classifier.enabled) return classifier;
    const model = classifier.model;
    return {
      ...classifier,
      async classify(input) {
        const started = performance.now();
        try {
          const result = await classifier.classify(input);
          llmCalls.inc({ model, outcome: !result ? 'skipped' : result.failed ? 'failed' : 'answered' });
          if (result) llmDuration.observe({ model }, (performance.now() - started) / 1000);
          return result;
        } catch (error) {
          llmCalls.inc({ model, outcome: 'error' });
          llmDuration.observe({ model }, (performance.now() - started) / 1000);
          throw error;
        }
      },
    };
  }

  /** Wraps effect handlers so every execution is counted, and handoffs by channel. */
  function instrumentEffectHandlers(
    handlers: Partial<Record<string, EffectHandler>>,
  ): Partial<Record<string, EffectHandler>> {
    const wrapped: Partial<Record<string, EffectHandler>> = {};
    for (const [type, handler] of Object.entries(handlers)) {
      if (!handler) continue;
      wrapped[type] = async (effect) => {
        let outcome: string = 'retry';
        try {
          const result = await handler(effect);
          outcome = result.outcome;
          return result;
        } finally {
          effects.inc({ type, outcome });
          if (HANDOFF_EFFECTS.has(type)) {
            const channel = typeof effect.params.channel === 'string' ? effect.params.channel : 'unknown';
            handoffs.inc({ target: channel, outcome });
          }
        }
      };
    }
    return wrapped;
  }

  return { registry, observeTurn, instrumentClassifier, instrumentEffectHandlers };
}
