// Keyword-layer configuration as data: phrase lists and thresholds loaded from YAML and validated once.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../config/paths.ts';
import { CATEGORIES, type Category } from './detection.types.ts';

const phrase = z.string().trim().min(1, 'phrases must not be empty');
const phrases = z.array(phrase);
const nonEmptyPhrases = z.array(phrase).min(1, 'needs at least one phrase');
const count = z.number().int().min(0);
const confidence = z.number().min(0).max(1);

const thresholdsSchema = z.strictObject({
  fuzzyMaxEditDistance: z.number().int().min(0).max(1, 'only edit distance 0 or 1 is supported'),
  fuzzyMinTokenLength: z.number().int().min(3),
  categoryFuzzyMinTokenLength: z.number().int().min(3),
  maxFrameGap: count,
  maxFrameWindow: z.number().int().min(1),
  contactCueWindow: count,
  pastCueWindow: count,
  chainWindow: z.number().int().min(1),
  keywordOnlyMaxTokens: z.number().int().min(1),
  shortReplyMaxTokens: z.number().int().min(1),
  greetingMaxTokens: z.number().int().min(1),
});

const confidenceSchema = z.strictObject({
  escalation: confidence,
  escalationWeak: confidence,
  escalationKeywordOnly: confidence,
  fuzzyPenalty: confidence,
  solutionFailed: confidence,
  solutionWorked: confidence,
  frustrated: confidence,
  issue: confidence,
  greeting: confidence,
  shortReply: confidence,
});

const humanSchema = z.strictObject({
  nouns: z.strictObject({ strong: nonEmptyPhrases, weak: phrases }),
  requestFrames: nonEmptyPhrases,
  seedPhrases: phrases,
  reverseFrames: phrases,
  linkers: phrases,
  intensifiers: phrases,
  keywordOnlyFillers: phrases,
  otherSenses: phrases,
  pastCues: phrases,
  negation: z.strictObject({
    words: nonEmptyPhrases,
    adjacent: phrases,
    inability: phrases,
    dismissals: phrases,
  }),
  chainWords: phrases,
  hypotheticals: phrases,
  topicMarkers: phrases,
  questionCues: z.strictObject({ anywhere: phrases, nearNoun: phrases }),
  clauseBreakers: phrases,
  fuzzyExclusions: phrases,
});

const intentsSchema = z.strictObject({
  solutionWorked: nonEmptyPhrases,
  solutionFailed: nonEmptyPhrases,
  greeting: nonEmptyPhrases,
  acknowledged: nonEmptyPhrases,
  affirm: nonEmptyPhrases,
  deny: nonEmptyPhrases,
  shortReplyFillers: phrases,
  frustration: phrases,
  questionWords: phrases,
});

const categoriesSchema = z.strictObject({
  extraPhrases: z
    .record(z.string(), phrases)
    .refine(
      (r) => Object.keys(r).every((k) => (CATEGORIES as readonly string[]).includes(k) && k !== 'other'),
      {
        message: `keys must be categories other than "other": ${CATEGORIES.filter((c) => c !== 'other').join(', ')}`,
      },
    )
    .default({}),
});

export const keywordConfigSchema = z.strictObject({
  thresholds: thresholdsSchema,
  confidence: confidenceSchema,
  human: humanSchema,
  intents: intentsSchema,
  categories: categoriesSchema.default({ extraPhrases: {} }),
});

export type KeywordConfig = z.infer<typeof keywordConfigSchema>;
export type KeywordThresholds = KeywordConfig['thresholds'];

export const DEFAULT_KEYWORD_CONFIG_PATH = projectPath('content/detection.yaml');

/** Parse and validate detection.yaml text; throws one readable error naming every invalid field. */
export function parseKeywordConfig(yamlText: string, source = 'detection config'): KeywordConfig {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (error) {
    throw new Error(`${source} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = keywordConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export function loadKeywordConfig(path = DEFAULT_KEYWORD_CONFIG_PATH): KeywordConfig {
  return parseKeywordConfig(readFileSync(path, 'utf8'), path);
}

/** Extra phrases for one category (empty when none are configured). */
export function extraCategoryPhrases(config: KeywordConfig, category: Category): readonly string[] {
  return config.categories.extraPhrases[category] ?? [];
}
