// The learned intent model: a multinomial logistic regression over words, word pairs and character
// n-grams (fastText-style subwords, so "assistnce", "wroks" and Spanish inflections share features with
// what training saw). Shared by training (scripts/train.ts) and the runtime layer: one feature function,
// so what is scored is exactly what was trained. Inference is a sparse dot product: microseconds.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../config/paths.ts';
import { isBoundary, tokenize } from './text.normalize.ts';

export const DEFAULT_INTENT_MODEL_PATH = projectPath('content/model/intent.model.json');

/** Character n-gram lengths taken inside each word (with "<" and ">" marking its edges). */
const CHAR_MIN = 3;
const CHAR_MAX = 5;

/** The features of one message, deduplicated, in a stable order. */
export function intentFeatures(text: string): string[] {
  const words = tokenize(text).filter((t) => !isBoundary(t));
  const out = new Set<string>();
  let previous = '<s>';
  for (const word of words) {
    out.add(`w:${word}`);
    out.add(`b:${previous} ${word}`);
    previous = word;
    const padded = `<${word}>`;
    for (let n = CHAR_MIN; n <= CHAR_MAX; n++)
      for (let i = 0; i + n <= padded.length; i++) out.add(padded.slice(i, i + n));
  }
  if (words.length > 0) out.add(`b:${previous} </s>`);
  return [...out];
}

/** A long array of numbers, checked in one plain loop (zod's per-element parse doubles the load time). */
const numbers = z.custom<number[]>(
  (v) => Array.isArray(v) && v.every((n) => typeof n === 'number' && Number.isFinite(n)),
  { message: 'expected an array of finite numbers' },
);

export const intentModelSchema = z.object({
  version: z.literal(1),
  /** What the weights were trained on (split rule, sizes), for the record. */
  trainedOn: z.string(),
  labels: z.array(z.string().min(1)).min(2),
  /** Softmax temperature fitted on the calibration slice: probabilities mean what they say. */
  temperature: z.number().positive(),
  /** Per label, the probability its decisions need (chosen on the calibration slice, see intent.train.ts). */
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
  bias: z.array(z.number()),
  /** Features whose weights are not all ~0; `weights` holds labels.length numbers per feature, in order. */
  features: z.array(z.string()),
  weights: numbers,
});
export type IntentModelData = z.infer<typeof intentModelSchema>;

export interface IntentScore {
  label: string;
  probability: number;
}

export interface IntentModel {
  readonly labels: readonly string[];
  /** The probability a label's decisions need, from the model file (0 when it names none). */
  threshold(label: string): number;
  /** Best label first. */
  classify(text: string): IntentScore[];
  /** Only the best label (no sorting, no allocation per label). */
  best(text: string): IntentScore;
}

export function createIntentModel(data: IntentModelData): IntentModel {
  const k = data.labels.length;
  if (data.bias.length !== k) throw new Error(`intent model: ${data.bias.length} biases for ${k} labels`);
  if (data.weights.length !== data.features.length * k)
    throw new Error(
      `intent model: ${data.weights.length} weights for ${data.features.length} features × ${k} labels`,
    );
  const all = Float64Array.from(data.weights);
  const weights = new Map<string, Float64Array>();
  data.features.forEach((feature, i) => {
    weights.set(feature, all.subarray(i * k, (i + 1) * k));
  });
  const scores = new Float64Array(k);
  const probabilities = (text: string): Float64Array => {
    scores.set(data.bias);
    for (const f of intentFeatures(text)) {
      const w = weights.get(f);
      if (w) for (let j = 0; j < k; j++) scores[j] = (scores[j] as number) + (w[j] as number);
    }
    softmaxInPlace(scores, data.temperature);
    return scores;
  };
  return {
    labels: data.labels,
    threshold: (label) => data.thresholds[label] ?? 0,
    classify(text) {
      const p = probabilities(text);
      return data.labels
        .map((label, j) => ({ label, probability: p[j] as number }))
        .sort((a, b) => b.probability - a.probability);
    },
    best(text) {
      const p = probabilities(text);
      let top = 0;
      for (let j = 1; j < k; j++) if ((p[j] as number) > (p[top] as number)) top = j;
      return { label: data.labels[top] as string, probability: p[top] as number };
    },
  };
}

export function softmaxInPlace(scores: Float64Array, temperature = 1): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let j = 0; j < scores.length; j++) {
    const e = Math.exp(((scores[j] as number) - max) / temperature);
    scores[j] = e;
    sum += e;
  }
  for (let j = 0; j < scores.length; j++) scores[j] = (scores[j] as number) / sum;
}

export function loadIntentModel(path = DEFAULT_INTENT_MODEL_PATH): IntentModel {
  const parsed = intentModelSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} is not an intent model (run npm run train): ${parsed.error.issues[0]?.message}`);
  return createIntentModel(parsed.data);
}
