// The keyword layer's phrase lists (detection.yaml and the knowledge base) compiled once, when the layer is
// created, into token tries, word sets and typo indexes; detect() only reads them.
import type { Knowledge } from '../content/knowledge.ts';
import { CATEGORIES, type Category } from './detection.types.ts';
import { extraCategoryPhrases, type KeywordConfig } from './keyword.config.ts';
import { FuzzyIndex } from './keyword.typos.ts';
import { positionsFor } from './phrase.inflect.ts';
import { PhraseTrie, tokenSet, trieOf } from './phrase.trie.ts';
import { POSSESSIVE, phraseTokens } from './text.normalize.ts';

type HumanConfig = KeywordConfig['human'];

export interface NounInfo {
  phrase: string;
  strong: boolean;
}
export interface SeedInfo {
  phrase: string;
  /** One word or a bare noun phrase ("supervisor", "escalate", "human agent"): only as a keyword-only clause. */
  bare: boolean;
}
export type ShortKind = 'acknowledged' | 'affirm' | 'deny' | 'filler';
export interface CategoryHit {
  category: Category;
  phrase: string;
  length: number;
}

/** What the human-request detector matches against. */
export interface HumanLexicon {
  nouns: PhraseTrie<NounInfo>;
  frames: PhraseTrie<string>;
  seeds: PhraseTrie<SeedInfo>;
  reverse: PhraseTrie<string>;
  otherSenses: PhraseTrie<string>;
  past: PhraseTrie<string>;
  dismissals: PhraseTrie<string>;
  hypotheticals: PhraseTrie<string>;
  questionCues: PhraseTrie<string>;
  contactCues: PhraseTrie<string>;
  linkers: ReadonlySet<string>;
  kwFillers: ReadonlySet<string>;
  chain: ReadonlySet<string>;
  negWords: ReadonlySet<string>;
  negAdjacent: ReadonlySet<string>;
  inability: ReadonlySet<string>;
  topicMarkers: ReadonlySet<string>;
  clauseBreakers: ReadonlySet<string>;
}

/** What every other intent (verdicts, frustration, category, greeting, short replies) matches against. */
export interface IntentLexicon {
  worked: PhraseTrie<string>;
  failed: PhraseTrie<string>;
  frustration: PhraseTrie<string>;
  greeting: PhraseTrie<string>;
  shortReplies: PhraseTrie<ShortKind>;
  categories: PhraseTrie<CategoryHit>;
  questionWords: ReadonlySet<string>;
}

export interface TypoIndexes {
  /** Human nouns and request verbs. */
  human: FuzzyIndex;
  /** Misspelt linkers between a verb and its noun ("chatting wirh an agent", "talk to yor manager"). */
  linker: FuzzyIndex;
  category: FuzzyIndex;
}

function addNoun(nouns: PhraseTrie<NounInfo>, phrase: string, strong: boolean): void {
  const positions = positionsFor(phrase, 'plural');
  const info = { phrase, strong };
  nouns.add(positions, info);
  const words = phraseTokens(phrase);
  if (words.length === 1) {
    // Glued forms typed without a space: "tosomebody", "withagent".
    const glued = (positions[0] ?? []).flatMap((w) => ['to', 'with', 'a', 'an'].map((p) => p + w));
    nouns.add([[`to${words[0]}`, ...glued]], info);
  } else {
    nouns.add([[words.join('')]], info); // "customersupport"
  }
}

function compileNouns(h: HumanConfig): PhraseTrie<NounInfo> {
  const nouns = new PhraseTrie<NounInfo>();
  for (const p of h.nouns.strong) addNoun(nouns, p, true);
  for (const p of h.nouns.weak) addNoun(nouns, p, false);
  // Every one-word seed that is not a verb ("supervisor", not "escalate") is a strong noun as well.
  const frameWords = tokenSet(h.requestFrames);
  for (const p of h.seedPhrases) {
    const words = phraseTokens(p);
    if (words.length === 1 && !frameWords.has(words[0] ?? '')) addNoun(nouns, p, true);
  }
  return nouns;
}

function compileFrames(requestFrames: readonly string[]): PhraseTrie<string> {
  const frames = new PhraseTrie<string>();
  for (const p of requestFrames) {
    const positions = positionsFor(p, 'present');
    frames.add(positions, p);
    const last = positions[positions.length - 1] ?? [];
    // Glued forms: "talkto", "speakwith", "touchwith", "totalk".
    const glued = last.flatMap((w) => [`${w}to`, `${w}with`]);
    if (glued.length > 0) frames.add([...positions.slice(0, -1), [`${last[0]}to`, ...glued]], p);
    if (positions.length === 1) frames.add([(positions[0] ?? []).map((w) => `to${w}`)], p);
  }
  return frames;
}

const itself = (p: string): string => p;

export function compileHumanLexicon(config: KeywordConfig): HumanLexicon {
  const h = config.human;
  const nouns = compileNouns(h);
  const seeds = trieOf(h.seedPhrases, 'present', (p): SeedInfo => {
    const words = phraseTokens(p);
    return {
      phrase: p,
      bare: words.length === 1 || nouns.longestAt(words, 0, words.length) === words.length,
    };
  });
  const linkers = tokenSet([...h.linkers, ...h.intensifiers]);
  linkers.add(POSSESSIVE); // talk to the company's agent
  return {
    nouns,
    frames: compileFrames(h.requestFrames),
    seeds,
    reverse: trieOf(h.reverseFrames, 'none', itself),
    otherSenses: trieOf(h.otherSenses, 'plural', itself),
    past: trieOf(h.pastCues, 'none', itself),
    dismissals: trieOf(h.negation.dismissals, 'none', itself),
    hypotheticals: trieOf(h.hypotheticals, 'none', itself),
    questionCues: trieOf(h.questionCues.anywhere, 'none', itself),
    contactCues: trieOf(h.questionCues.nearNoun, 'none', itself),
    linkers,
    kwFillers: tokenSet([...h.keywordOnlyFillers, ...h.intensifiers]),
    chain: tokenSet(h.chainWords),
    negWords: tokenSet(h.negation.words),
    negAdjacent: tokenSet(h.negation.adjacent),
    inability: tokenSet(h.negation.inability),
    topicMarkers: tokenSet(h.topicMarkers),
    clauseBreakers: tokenSet(h.clauseBreakers),
  };
}

/**
 * Knowledge phrases of every content language + configured synonyms ('other' is never matched):
 * "mi tarjeta fue rechazada" routes to payment like "my card was declined".
 */
function compileCategories(config: KeywordConfig, knowledge: Knowledge): PhraseTrie<CategoryHit> {
  const categories = new PhraseTrie<CategoryHit>();
  const languages = Object.values(knowledge.languages ?? {});
  for (const category of CATEGORIES) {
    if (category === 'other') continue;
    const list = [
      ...knowledge.categories[category].phrases,
      ...languages.flatMap((l) => l.categories[category].phrases),
      ...extraCategoryPhrases(config, category),
    ];
    for (const p of list) {
      const words = phraseTokens(p);
      categories.add(positionsFor(p, 'all'), { category, phrase: p, length: words.join(' ').length });
    }
  }
  return categories;
}

export function compileIntentLexicon(config: KeywordConfig, knowledge: Knowledge): IntentLexicon {
  const intents = config.intents;
  const shortReplies = new PhraseTrie<ShortKind>();
  for (const p of intents.deny) shortReplies.add(positionsFor(p, 'none'), 'deny');
  for (const p of intents.affirm) shortReplies.add(positionsFor(p, 'none'), 'affirm');
  for (const p of intents.acknowledged) shortReplies.add(positionsFor(p, 'none'), 'acknowledged');
  for (const p of intents.shortReplyFillers) shortReplies.add(positionsFor(p, 'none'), 'filler');
  return {
    worked: trieOf(intents.solutionWorked, 'none', itself),
    failed: trieOf(intents.solutionFailed, 'none', itself),
    frustration: trieOf(intents.frustration, 'none', itself),
    greeting: trieOf(intents.greeting, 'none', itself),
    shortReplies,
    categories: compileCategories(config, knowledge),
    questionWords: tokenSet(intents.questionWords),
  };
}

/** Typo indexes; known words of any list are never "corrected". */
export function compileTypoIndexes(
  config: KeywordConfig,
  human: HumanLexicon,
  intents: IntentLexicon,
): TypoIndexes {
  const { thresholds: t, human: h } = config;
  const enabled = t.fuzzyMaxEditDistance > 0;
  const known = new Set<string>([
    ...human.linkers,
    ...human.chain,
    ...human.negWords,
    ...human.negAdjacent,
    ...human.topicMarkers,
    ...intents.questionWords,
    ...tokenSet(h.pastCues),
    ...tokenSet(h.otherSenses),
    ...tokenSet(h.questionCues.anywhere),
    ...tokenSet(h.questionCues.nearNoun),
    ...tokenSet(h.fuzzyExclusions),
    ...tokenSet(config.intents.solutionWorked),
    ...tokenSet(config.intents.solutionFailed),
    ...tokenSet(config.intents.frustration),
  ]);
  const humanWords = new Set<string>();
  for (const w of [...human.nouns.vocabulary, ...human.frames.vocabulary])
    if (w.length >= 4) humanWords.add(w);
  const linkerWords = new Set([...human.linkers].filter((w) => w.length >= 3));
  const linkerProtected = new Set([
    ...humanWords,
    ...human.negWords,
    ...human.negAdjacent,
    ...human.topicMarkers,
    ...human.chain,
  ]);
  return {
    human: new FuzzyIndex(humanWords, t.fuzzyMinTokenLength, enabled, known),
    linker: new FuzzyIndex(linkerWords, 3, enabled, linkerProtected),
    category: new FuzzyIndex(
      intents.categories.vocabulary,
      t.categoryFuzzyMinTokenLength,
      enabled,
      new Set([...known, ...humanWords]),
    ),
  };
}
