// The machine and the detection pipeline exactly as a configuration builds them. The runtime uses these
// to serve, replay and coverage use them to judge traces against the same behaviour, without loading the
// server (storage, Redis, HTTP) at all.
import type { Config } from '../config/env.ts';
import { type Knowledge, stepCounts } from '../content/knowledge.ts';
import type { Classifier } from '../detection/classifier.port.ts';
import { createDetector } from '../detection/detector.ts';
import { loadKeywordConfig } from '../detection/keyword.config.ts';
import { createKeywordLayer } from '../detection/keyword.layer.ts';
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
) {
  return createDetector({
    keyword: createKeywordLayer(keywordConfig, knowledge),
    classifier,
    rules: config.rules,
  });
}
