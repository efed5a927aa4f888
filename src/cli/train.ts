// `npm run train`: trains the learned intent model on the train slice of corpus/ and writes
// content/model/intent.model.json, with the Bitext licence beside it (the weights derive from that
// corpus, CDLA-Sharing-1.0); and content/model/language.ngrams.json, eld's extrasmall n-grams of the content
// languages, with eld's licence (Apache-2.0). Deterministic: re-running on the same material gives the same files.
import { copyFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadKnowledge } from '../content/knowledge.ts';
import { CORPUS_DIR, loadTrainingMaterial } from '../detection/intent.corpus.ts';
import { DEFAULT_INTENT_MODEL_PATH } from '../detection/intent.model.ts';
import {
  DEFAULT_TRAIN_OPTIONS,
  fitTemperature,
  labelThresholds,
  toModelData,
  trainIntentModel,
} from '../detection/intent.train.ts';
import { ELD_ENTRY, LANGUAGE_DATA_PATH, subsetLanguageData } from '../detection/language.data.ts';
import { loadIntentsConfig } from '../detection/learned.layer.ts';

/** Precision each label's decisions must reach on the calibration slice. */
const LABEL_PRECISION = 0.95;

const examples = loadTrainingMaterial();
const train = examples.filter((e) => e.slice === 'train');
const calibration = examples.filter((e) => e.slice === 'calibration');
const started = performance.now();
const model = trainIntentModel(train, DEFAULT_TRAIN_OPTIONS);
const temperature = fitTemperature(model, calibration);
const trainedOn =
  `train slice (fnv1a bucket 3-9 of 10) of corpus/bitext + corpus/local: ${train.length} examples; ` +
  `temperature and per-label thresholds (precision ${LABEL_PRECISION}) fitted on ${calibration.length} calibration ` +
  `examples; ${JSON.stringify(DEFAULT_TRAIN_OPTIONS)}`;
const thresholds = labelThresholds(
  model,
  temperature,
  calibration,
  loadIntentsConfig().threshold,
  LABEL_PRECISION,
);
const data = toModelData(model, temperature, thresholds, trainedOn);
writeFileSync(DEFAULT_INTENT_MODEL_PATH, `${JSON.stringify(data)}\n`);
copyFileSync(
  `${CORPUS_DIR}bitext/LICENSE.txt`,
  fileURLToPath(new URL('LICENSE.bitext.txt', `file://${DEFAULT_INTENT_MODEL_PATH}`)),
);
console.log(
  `trained ${data.labels.length} labels on ${train.length} examples in ${Math.round(performance.now() - started)} ms; ` +
    `temperature ${temperature}; thresholds ${JSON.stringify(thresholds)}; ${data.features.length} features → ${DEFAULT_INTENT_MODEL_PATH}`,
);

// The language detector's database: only the content languages' n-grams (language.data.ts says why).
const { ngramsData } = (await import(new URL('../ngrams/extrasmall.js', ELD_ENTRY).href)) as {
  ngramsData: Parameters<typeof subsetLanguageData>[0];
};
const languages = Object.keys(loadKnowledge().languages).sort();
const languageData = subsetLanguageData(ngramsData, languages);
writeFileSync(LANGUAGE_DATA_PATH, `${JSON.stringify(languageData)}\n`);
copyFileSync(
  fileURLToPath(new URL('../../LICENSE', ELD_ENTRY)),
  fileURLToPath(new URL('LICENSE.eld.txt', `file://${LANGUAGE_DATA_PATH}`)),
);
console.log(
  `language data: ${languages.join(', ')} from eld ${ngramsData.type}, ${Object.keys(languageData.ngrams).length} of ` +
    `${Object.keys(ngramsData.ngrams).length} n-grams → ${LANGUAGE_DATA_PATH}`,
);
