// The learned layer, between keywords and the LLM: the trained intent model's best label, mapped to one
// of our intents (content/intents.yaml), decided only when its calibrated probability reaches the
// threshold; otherwise it abstains and the message goes on to the LLM, as before. It never overrides what
// the keyword layer ruled out: "this human mention is not a request" (negation, a past agent, a travel
// agent), "this verdict is a question" ("does that mean it's fixed now?").
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { projectPath } from '../config/paths.ts';
import { categorySchema, intentSchema, type LayerResult } from './detection.types.ts';
import type { IntentModel } from './intent.model.ts';

export const DEFAULT_INTENTS_PATH = projectPath('content/intents.yaml');

const intentsConfigSchema = z.strictObject({
  threshold: z.number().min(0).max(1),
  labels: z.record(
    z.string().min(1),
    z.strictObject({ intent: intentSchema.nullable(), category: categorySchema.optional() }),
  ),
});
export type IntentsConfig = z.infer<typeof intentsConfigSchema>;

export function parseIntentsConfig(yamlText: string, source = 'intents config'): IntentsConfig {
  const result = intentsConfigSchema.safeParse(parse(yamlText));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export function loadIntentsConfig(path = DEFAULT_INTENTS_PATH): IntentsConfig {
  return parseIntentsConfig(readFileSync(path, 'utf8'), path);
}

export interface LearnedLayer {
  /** `keyword` is what the keyword layer said about the same message. */
  detect(text: string, keyword?: LayerResult): LayerResult;
}

export function createLearnedLayer(model: IntentModel, config: IntentsConfig): LearnedLayer {
  const unmapped = model.labels.filter((l) => !(l in config.labels));
  if (unmapped.length > 0)
    throw new ConfigError(
      `intents config: the model's labels ${unmapped.join(', ')} have no meaning in labels:`,
    );
  const abstain = (reason: string, confidence: number): LayerResult => ({
    layer: 'learned',
    decided: false,
    intent: null,
    confidence,
    reason,
    category: null,
  });
  return {
    detect(text, keyword) {
      const best = model.best(text);
      const p = Math.round(best.probability * 1000) / 1000;
      const meaning = config.labels[best.label];
      const said = `${best.label} p=${p.toFixed(3)}`;
      if (!meaning || meaning.intent === null) return abstain(`${said}: not ours to decide`, p);
      const threshold = Math.max(config.threshold, model.threshold(best.label));
      if (best.probability < threshold) return abstain(`${said} below the threshold ${threshold}`, p);
      if (keyword?.ruledOut?.includes(meaning.intent))
        return abstain(`${said}, but the keyword layer ruled ${meaning.intent} out`, p);
      return {
        layer: 'learned',
        decided: true,
        intent: meaning.intent,
        confidence: p,
        reason: `${said}${meaning.category ? ` → ${meaning.category}` : ''}`,
        category: meaning.category ?? null,
      };
    },
  };
}
