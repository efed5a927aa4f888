// Training for the learned intent model: multinomial logistic regression by stochastic gradient descent
// with L2, in a seeded order (the same material gives the same weights, byte for byte), then a softmax
// temperature fitted on the calibration slice so that "0.9" is right about nine times in ten.
import { type IntentModelData, intentFeatures, softmaxInPlace } from './intent.model.ts';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 30, learningRate: 0.2, l2: 1e-5, seed: 20 };

/** mulberry32: a tiny seeded PRNG, enough for shuffling. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Encoded {
  features: Float64Array[];
  label: number;
}

export interface Trained {
  labels: string[];
  bias: Float64Array;
  weights: Map<string, Float64Array>;
}

export function trainIntentModel(
  examples: ReadonlyArray<{ text: string; label: string }>,
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): Trained {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const k = labels.length;
  const weights = new Map<string, Float64Array>();
  const encoded: Encoded[] = examples.map((e) => ({
    label: labels.indexOf(e.label),
    features: intentFeatures(e.text).map((f) => {
      let w = weights.get(f);
      if (!w) {
        w = new Float64Array(k);
        weights.set(f, w);
      }
      return w;
    }),
  }));
  const bias = new Float64Array(k);
  const p = new Float64Array(k);
  const next = random(options.seed);
  const order = encoded.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const rate = options.learningRate / (1 + epoch * 0.2);
    for (const index of order) {
      const example = encoded[index] as Encoded;
      p.set(bias);
      for (const w of example.features)
        for (let j = 0; j < k; j++) p[j] = (p[j] as number) + (w[j] as number);
      softmaxInPlace(p);
      // Features of one message share the step: long messages should not learn faster than short ones.
      const step = rate / Math.sqrt(example.features.length);
      for (let j = 0; j < k; j++) {
        const gradient = (p[j] as number) - (j === example.label ? 1 : 0);
        bias[j] = (bias[j] as number) - rate * gradient;
        for (const w of example.features)
          w[j] = (w[j] as number) - step * (gradient + options.l2 * (w[j] as number));
      }
    }
  }
  return { labels, bias, weights };
}

/** Raw (temperature 1) class scores of one text under a trained model. */
function logits(model: Trained, text: string): Float64Array {
  const s = Float64Array.from(model.bias);
  for (const f of intentFeatures(text)) {
    const w = model.weights.get(f);
    if (w) for (let j = 0; j < s.length; j++) s[j] = (s[j] as number) + (w[j] as number);
  }
  return s;
}

/** The temperature that minimises the negative log-likelihood on held-out examples (grid search). */
export function fitTemperature(
  model: Trained,
  heldOut: ReadonlyArray<{ text: string; label: string }>,
): number {
  const scored = heldOut
    .map((e) => ({ s: logits(model, e.text), y: model.labels.indexOf(e.label) }))
    .filter((e) => e.y >= 0);
  let best = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let t = 0.25; t <= 4.0001; t += 0.05) {
    let loss = 0;
    for (const { s, y } of scored) {
      const p = Float64Array.from(s);
      softmaxInPlace(p, t);
      loss -= Math.log(Math.max(p[y] as number, 1e-12));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}

/**
 * Per label, the lowest probability (from `base` up) at which its decisions on held-out examples are
 * right at least `precision` of the time: a label the model confuses more ("it works again" against
 * "the error shows again") has to be surer before it decides.
 */
export function labelThresholds(
  model: Trained,
  temperature: number,
  heldOut: ReadonlyArray<{ text: string; label: string }>,
  base: number,
  precision: number,
): Record<string, number> {
  const best = heldOut.map((e) => {
    const p = logits(model, e.text);
    softmaxInPlace(p, temperature);
    let top = 0;
    for (let j = 1; j < p.length; j++) if ((p[j] as number) > (p[top] as number)) top = j;
    return {
      predicted: model.labels[top] as string,
      p: p[top] as number,
      right: model.labels[top] === e.label,
    };
  });
  const out: Record<string, number> = {};
  for (const label of model.labels) {
    const mine = best.filter((b) => b.predicted === label);
    let chosen = 1;
    for (let t = base; t <= 0.995; t += 0.01) {
      const decided = mine.filter((b) => b.p >= t);
      const right = decided.filter((b) => b.right).length;
      if (decided.length === 0 || right / decided.length >= precision) {
        chosen = t;
        break;
      }
    }
    out[label] = Math.round(chosen * 100) / 100;
  }
  return out;
}

/** The model file: weights rounded, features whose weights are all negligible dropped. */
export function toModelData(
  model: Trained,
  temperature: number,
  thresholds: Record<string, number>,
  trainedOn: string,
): IntentModelData {
  // `|| 0` turns -0 into 0, as JSON would.
  const round = (x: number) => Math.round(x * 1000) / 1000 || 0;
  const features: string[] = [];
  const weights: number[] = [];
  for (const f of [...model.weights.keys()].sort()) {
    const rounded = [...(model.weights.get(f) as Float64Array)].map(round);
    if (!rounded.some((x) => Math.abs(x) >= 0.005)) continue;
    features.push(f);
    weights.push(...rounded);
  }
  return {
    version: 1,
    trainedOn,
    labels: model.labels,
    temperature,
    thresholds,
    bias: [...model.bias].map(round),
    features,
    weights,
  };
}
