// The n-gram database the language detector loads: eld's extrasmall database cut down to our content
// languages (content/model/language.ngrams.json, written by `npm run train`, eld's Apache-2.0 licence beside
// it). Scores of the languages kept are the full database's own, so detection is the same; parsing 86 kB of
// JSON instead of evaluating eld's 950 kB module for 60 languages is what keeps it off the start-up bill.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/env.ts';
import { projectPath } from '../config/paths.ts';

export const LANGUAGE_DATA_PATH = projectPath('content/model/language.ngrams.json');
/** eld's own entry point: its database files and its detector sit beside it in the package. */
export const ELD_ENTRY = import.meta.resolve('eld');

/** eld's database format: language ids → codes, and per n-gram the score of each language id. */
export interface LanguageData {
  type: string;
  languages: Record<string, string>;
  isSubset: boolean;
  ngrams: Record<string, Record<string, number>>;
}

/**
 * The database with only `keep`'s languages, and only the n-grams one of them has. Ids are renumbered 0…n-1:
 * eld sizes its score array by the number of languages, so an id past it would score NaN.
 */
export function subsetLanguageData(full: LanguageData, keep: readonly string[]): LanguageData {
  const ids = Object.entries(full.languages)
    .filter(([, code]) => keep.includes(code))
    .map(([id]) => id);
  const renumbered = new Map(ids.map((id, i) => [id, String(i)]));
  const ngrams: LanguageData['ngrams'] = {};
  for (const [ngram, scores] of Object.entries(full.ngrams)) {
    const kept = Object.fromEntries(
      ids.filter((id) => id in scores).map((id) => [renumbered.get(id) ?? id, scores[id] ?? 0]),
    );
    if (Object.keys(kept).length > 0) ngrams[ngram] = kept;
  }
  return {
    type: full.type,
    languages: Object.fromEntries(ids.map((id, i) => [String(i), full.languages[id] ?? ''])),
    isSubset: true,
    ngrams,
  };
}

function isLanguageData(value: unknown): value is LanguageData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.type === 'string' &&
    typeof v.languages === 'object' &&
    v.languages !== null &&
    typeof v.ngrams === 'object' &&
    v.ngrams !== null
  );
}

/** Reads the database and checks it knows every content language (a new one needs `npm run train`). */
export function loadLanguageData(languages: readonly string[], path = LANGUAGE_DATA_PATH): LanguageData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `language data ${path} cannot be read (${(error as Error).message}): run npm run train`,
    );
  }
  if (!isLanguageData(parsed)) throw new ConfigError(`language data ${path} is not an eld n-gram database`);
  const known = new Set(Object.values(parsed.languages));
  const missing = languages.filter((l) => !known.has(l));
  if (missing.length > 0)
    throw new ConfigError(
      `language data ${path} has no ${missing.join(', ')}: run npm run train after adding a content language`,
    );
  return parsed;
}
