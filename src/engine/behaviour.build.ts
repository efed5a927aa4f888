// The machine and the detection pipeline exactly as a configuration builds them. The runtime uses these
// to serve, replay and coverage use them to judge traces against the same behaviour, without loading the
// server (storage, Redis, HTTP) at all.
import type { Config } from '../config/env.ts';
import { type Knowledge, stepCounts } from '../content/knowledge.ts';
import type { Classifier } from '../detection/classifier.port.ts';
import { loadCustomerPriority } from '../detection/customer-priority.ts';
import { createDetector } from '../detection/detector.ts';
import { loadIntentModel } from '../detection/intent.model.ts';
import { loadKeywordConfig } from '../detection/keyword.config.ts';
import { createKeywordLayer } from '../detection/keyword.layer.ts';
import { createLanguageDetector } from '../detection/language.detect.ts';
import { createLearnedLayer, type LearnedLayer, loadIntentsConfig } from '../detection/learned.layer.ts';
import { createConversationMachine } from '../machines/conversation.machine.ts';

export function buildMachine(config: Config, knowledge: Knowledge) {
  return createConversationMachine({
    maxFailedAttempts: config.conversation.maxFailedAttempts,
    stepCounts: stepCounts(knowledge),
    historyLimit: 20,
  });
}

/** `classifier` is the LLM layer (replay --redetect passes one that answers with the recorded result). */
export function buildDetector(
  config: Config,
  knowledge: Knowledge,
  classifier: Classifier,
  keywordConfig = loadKeywordConfig(config.content.detectionFile),
  learned: LearnedLayer = defaultLearnedLayer(),
) {
  const languages = Object.keys(knowledge.languages);
  return createDetector({
    keyword: createKeywordLayer(keywordConfig, knowledge),
    classifier,
    rules: { ...config.rules, customerPriority: loadCustomerPriority(config.content.customerPriorityFile) },
    learned,
    ...(languages.length > 1 ? { language: createLanguageDetector(languages) } : {}),
  });
}

let shared: LearnedLayer | undefined;
/** The committed model and content/intents.yaml, loaded once per process (replay builds many detectors). */
export function defaultLearnedLayer(): LearnedLayer {
  shared ??= createLearnedLayer(loadIntentModel(), loadIntentsConfig());
  return shared;
}
