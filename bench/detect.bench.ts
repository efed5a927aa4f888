// Detection cost per message: the button layer (state-gated, here the troubleshooting buttons) then the
// keyword layer, over every utterance of the shared corpus, against a baseline in the same run: a plain
// lowercase `includes('agent')` scan of the same texts. A second path adds what the local pipeline runs
// when the keywords do not decide: the learned intent model, and language detection on every message;
// with the model's and the language detector's load times (what they add to start-up). Means are timed per pass (no timer in the loop);
// p50/p99 per message with hrtime, which adds the same ~tens of ns to both sides.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initialTransition } from 'xstate';
import { z } from 'zod';
import { loadKnowledge } from '../src/content/knowledge.ts';
import { matchButtonText } from '../src/detection/button.layer.ts';
import { loadIntentModel } from '../src/detection/intent.model.ts';
import { loadKeywordConfig } from '../src/detection/keyword.config.ts';
import { createKeywordLayer } from '../src/detection/keyword.layer.ts';
import { createLanguageDetector } from '../src/detection/language.detect.ts';
import { createLearnedLayer, loadIntentsConfig } from '../src/detection/learned.layer.ts';
import { offeredButtons } from '../src/machines/conversation.buttons.ts';
import { createConversationMachine } from '../src/machines/conversation.machine.ts';
import { type Summary, summarize } from './bench.stats.ts';

export const CORPUS = fileURLToPath(new URL('../corpus/bitext/utterances.jsonl', import.meta.url));

export interface DetectResult {
  messages: number;
  samples: number;
  layers: Summary;
  baseline: Summary;
  layersMeanUs: number;
  baselineMeanUs: number;
  decidedShare: number;
  /** button → keyword → learned model (when undecided), plus language detection. */
  learned: Summary;
  learnedMeanUs: number;
  learnedDecidedShare: number;
  modelLoadMs: number;
  languageLoadMs: number;
}

export function loadCorpus(path = CORPUS): string[] {
  const line = z.object({ text: z.string() });
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => line.parse(JSON.parse(l)).text);
}

/**
 * What the language detector adds to start-up, timed in a fresh process (modules already loaded here):
 * importing it (eld's detector module) and building it on content/model/language.ngrams.json. The config
 * module it shares with the server (zod…) is loaded first: start-up pays for that anyway.
 */
function languageDatabaseLoadMs(): number {
  const script =
    "await import('./src/config/env.ts'); const t = performance.now(); " +
    "const m = await import('./src/detection/language.detect.ts'); " +
    "m.createLanguageDetector(['en', 'es']); process.stdout.write(String(performance.now() - t));";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  return Number(out);
}

export function benchDetect(options: { passes: number }): DetectResult {
  const texts = loadCorpus();
  const knowledge = loadKnowledge();
  const keyword = createKeywordLayer(loadKeywordConfig(), knowledge);
  const t0 = performance.now();
  const model = createLearnedLayer(loadIntentModel(), loadIntentsConfig());
  const modelLoadMs = performance.now() - t0;
  const language = createLanguageDetector(Object.keys(knowledge.languages));
  const languageLoadMs = languageDatabaseLoadMs();
  const [snapshot] = initialTransition(createConversationMachine(), {
    at: new Date(0).toISOString(),
    visitor: {},
  });
  const offered = offeredButtons('troubleshooting', snapshot.context);
  let decided = 0;
  const layers = (text: string) => {
    const button = matchButtonText(text, offered);
    const result = button.decided ? button : keyword.detect(text);
    if (result.decided) decided++;
  };
  let learnedDecided = 0;
  let languages = 0;
  const learned = (text: string) => {
    const button = matchButtonText(text, offered);
    let result = button.decided ? button : keyword.detect(text);
    if (!result.decided) result = model.detect(text, result);
    if (result.decided) learnedDecided++;
    if (language.detect(text)) languages++;
  };
  let hits = 0;
  const baseline = (text: string) => {
    if (text.toLowerCase().includes('agent')) hits++;
  };

  const timedPasses = (fn: (t: string) => void) => {
    const started = process.hrtime.bigint();
    for (let p = 0; p < options.passes; p++) for (const t of texts) fn(t);
    return Number(process.hrtime.bigint() - started) / 1000 / (options.passes * texts.length);
  };
  const perMessage = (fn: (t: string) => void) => {
    const samples = new Float64Array(options.passes * texts.length);
    let i = 0;
    for (let p = 0; p < options.passes; p++)
      for (const t of texts) {
        const t0 = process.hrtime.bigint();
        fn(t);
        samples[i++] = Number(process.hrtime.bigint() - t0) / 1000;
      }
    return summarize(samples);
  };

  // Warm both paths up so the JIT has compiled them before anything is timed.
  for (const t of texts) {
    layers(t);
    learned(t);
    baseline(t);
  }
  const layersMeanUs = timedPasses(layers);
  const learnedMeanUs = timedPasses(learned);
  const baselineMeanUs = timedPasses(baseline);
  decided = 0;
  learnedDecided = 0;
  const layersSummary = perMessage(layers);
  const learnedSummary = perMessage(learned);
  const baselineSummary = perMessage(baseline);
  if (hits < 0 || languages < 0) throw new Error('unreachable: keeps the baseline from being optimised away');
  return {
    messages: texts.length,
    samples: options.passes * texts.length,
    layers: layersSummary,
    baseline: baselineSummary,
    layersMeanUs,
    baselineMeanUs,
    decidedShare: decided / (options.passes * texts.length),
    learned: learnedSummary,
    learnedMeanUs,
    learnedDecidedShare: learnedDecided / (options.passes * texts.length),
    modelLoadMs,
    languageLoadMs,
  };
}
