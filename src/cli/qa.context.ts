// What the QA commands replay against: the machine (and detection) exactly as the server would build them
// from this environment's behaviour variables (MAX_FAILED_ATTEMPTS, KNOWLEDGE_FILE, …). Storage, network and
// secrets are never read: replay and coverage must not touch a database or call a model.
import { parseEnv } from '../config/env.ts';
import { loadKnowledge } from '../content/knowledge.ts';
import type { Classifier } from '../detection/classifier.port.ts';
import type { LayerResult } from '../detection/detection.types.ts';
import { loadKeywordConfig } from '../detection/keyword.config.ts';
import { buildDetector, buildMachine } from '../engine/behaviour.build.ts';
import { recordedClassifier } from '../engine/replay.ts';
import { behaviourEnv } from '../qa/behaviour.env.ts';

export function currentMachine(env: Record<string, string | undefined> = process.env) {
  const config = parseEnv(behaviourEnv(env));
  const knowledge = loadKnowledge(config.content.knowledgeFile, config.operators.firstResponseSla);
  return { config, knowledge, machine: buildMachine(config, knowledge) };
}

/**
 * For --redetect: one detector (the keyword tries are compiled once), whose LLM layer answers with the
 * recorded result of the message being replayed. Replay is sequential, so swapping the answer is safe.
 */
export function redetector(env: Record<string, string | undefined> = process.env) {
  const { config, knowledge } = currentMachine(env);
  let recorded: LayerResult | null = null;
  const classifier: Classifier = { ...recordedClassifier(null), classify: async () => recorded };
  const detector = buildDetector(
    config,
    knowledge,
    classifier,
    loadKeywordConfig(config.content.detectionFile),
  );
  return (recordedLlm: LayerResult | null) => {
    recorded = recordedLlm;
    return detector;
  };
}
