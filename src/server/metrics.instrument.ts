// Decorators that feed the metrics series: every LLM call counted and timed, every effect execution
// counted (handoffs also by channel).
import type { Classifier } from '../detection/classifier.port.ts';
import type { EffectHandler } from '../engine/effect.worker.ts';
import type { Series } from './metrics.series.ts';

/** Effect types that hand a conversation to humans. */
const HANDOFF_EFFECTS = new Set(['createHandoff']);

/** Counts and times every LLM call; a disabled classifier is returned as it is. */
export function instrumentClassifier(classifier: Classifier, series: Series): Classifier {
  if (!classifier.enabled) return classifier;
  const { llmCalls, llmDuration } = series;
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
export function instrumentEffectHandlers(
  handlers: Partial<Record<string, EffectHandler>>,
  series: Series,
): Partial<Record<string, EffectHandler>> {
  const { effects, handoffs } = series;
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
