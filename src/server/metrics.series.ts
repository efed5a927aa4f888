// The counters and histograms of one runtime's registry, fed by the turn hook and the decorators around
// the classifier and the effect handlers (metrics.instrument.ts).
import { Counter, Histogram, type Registry } from 'prom-client';

// Turns take ~1 ms on the embedded store and seconds when the LLM is slow: buckets cover both ends.
const TURN_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LLM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5, 10];

export function createSeries(registry: Registry) {
  return {
    turnDuration: new Histogram({
      name: 'switchboard_turn_duration_seconds',
      help: 'Time of one committed turn inside the engine (load to publish), by the detection layer that decided it ("undecided" when no layer did; "none" when nothing was detected: operator, timer, human-owned session) and the inbound kind',
      labelNames: ['layer', 'inbound'] as const,
      buckets: TURN_BUCKETS,
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'switchboard_state_entries_total',
      help: 'Committed turns by the state they ended in (only turns that changed state)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    llmCalls: new Counter({
      name: 'switchboard_llm_calls_total',
      help: 'LLM classifier calls by outcome: answered, failed (timeout, 429/5xx, unparseable answer), skipped (no call made: circuit open) or error (the adapter threw)',
      labelNames: ['model', 'outcome'] as const,
      registers: [registry],
    }),
    llmDuration: new Histogram({
      name: 'switchboard_llm_call_duration_seconds',
      help: 'Latency of LLM classifier calls that were made (answered or failed)',
      labelNames: ['model'] as const,
      buckets: LLM_BUCKETS,
      registers: [registry],
    }),
    handoffs: new Counter({
      name: 'switchboard_handoffs_total',
      help: 'Handoff effect executions by channel (instant_chat, callback, ticket) and outcome (done, retry, failed)',
      labelNames: ['target', 'outcome'] as const,
      registers: [registry],
    }),
    effects: new Counter({
      name: 'switchboard_effects_total',
      help: 'Effect executions by type and outcome (done, retry, failed)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Series = ReturnType<typeof createSeries>;
