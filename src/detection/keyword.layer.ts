// The keyword detection layer: microseconds, no network. Every phrase list is compiled once into token
// tries in createKeywordLayer; detect() only walks the tokens of one message.
//
// Precedence: escalation_request > solution_failed > solution_worked > frustrated > issue > greeting >
// acknowledged/affirm/deny (short messages only) > abstain.
//
// The human-request detector looks, clause by clause, for a human noun ("agent", "real person") and asks:
// is it another sense ("travel agent")? a question about hours or numbers? a past mention ("the agent I
// spoke to")? negated or dismissed ("no agent", "never mind")? Then it needs a present-tense request verb
// before the noun ("talk to", "i want", "get me"), whose verb chain is not negated ("i do not want to
// talk to ..."; negation of another verb, as in "i do not know how to contact an agent", does not count),
// or a keyword-only clause ("operator!", "live agent pls"), or a reversed frame ("can a human call me").
import type { Knowledge } from '../content/knowledge.ts';
import { CATEGORIES, type Category, type Intent, type LayerResult } from './detection.types.ts';
import { extraCategoryPhrases, type KeywordConfig } from './keyword.config.ts';
import { isBoundary, POSSESSIVE, phraseTokens, QUESTION_BREAK, tokenize } from './text.normalize.ts';

export interface KeywordLayer {
  detect(text: string): LayerResult;
}

// ---------------------------------------------------------------------------------------------------
// Token tries

interface TrieNode<V> {
  next: Map<string, TrieNode<V>>;
  value: V | undefined;
}

function newNode<V>(): TrieNode<V> {
  return { next: new Map(), value: undefined };
}

/** Phrases as token paths; each position accepts a set of spellings (inflections, glued forms). */
class PhraseTrie<V> {
  private readonly root: TrieNode<V> = newNode();
  /** Every token spelling that appears anywhere in the trie. */
  readonly vocabulary = new Set<string>();
  /** The value of the last successful longestAt() (avoids allocating a result object per call). */
  lastValue: V | undefined;

  add(positions: readonly (readonly string[])[], value: V): void {
    if (positions.length === 0) return;
    let node = this.root;
    for (const spellings of positions) {
      const canonical = spellings[0];
      if (canonical === undefined) return;
      let child = node.next.get(canonical);
      if (!child) {
        child = newNode();
        node.next.set(canonical, child);
      }
      for (const s of spellings) {
        if (!node.next.has(s)) node.next.set(s, child);
        this.vocabulary.add(s);
      }
      node = child;
    }
    if (node.value === undefined) node.value = value;
  }

  /** End (exclusive) of the longest phrase starting at `start` and ending by `limit`, or -1. */
  longestAt(tokens: readonly string[], start: number, limit: number): number {
    let node: TrieNode<V> | undefined = this.root;
    let end = -1;
    for (let i = start; i < limit; i++) {
      const token = tokens[i];
      if (token === undefined) break;
      node = node.next.get(token);
      if (!node) break;
      if (node.value !== undefined) {
        end = i + 1;
        this.lastValue = node.value;
      }
    }
    return end;
  }

  /** Whether a phrase starts anywhere in [from, to) and ends by `limit`. */
  anyIn(tokens: readonly string[], from: number, to: number, limit: number): boolean {
    for (let i = from; i < to; i++) if (this.longestAt(tokens, i, limit) > 0) return true;
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Inflections and glued forms (generated at compile time)

const NO_INFLECT = new Set([
  'my',
  'me',
  'to',
  'in',
  'on',
  'of',
  'the',
  'a',
  'an',
  'is',
  'it',
  'not',
  'no',
  'do',
  'i',
]);
const DIGIT = /\d/;
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

function doubles(word: string): boolean {
  // chat -> chatting, ship -> shipping: short consonant-vowel-consonant words double the last letter.
  const n = word.length;
  if (n < 3 || n > 5) return false;
  const [a, b, c] = [word[n - 3] ?? '', word[n - 2] ?? '', word[n - 1] ?? ''];
  return !VOWELS.has(a) && VOWELS.has(b) && !VOWELS.has(c) && !'wxy'.includes(c);
}

type Inflection = 'none' | 'plural' | 'present' | 'all';

function inflect(word: string, kind: Inflection): string[] {
  const out = [word];
  if (kind === 'none' || word.length < 3 || NO_INFLECT.has(word) || DIGIT.test(word)) return out;
  // Already inflected ("delivered", "shipping", "crashes"): no further forms ("delivereds").
  if (
    word.length > 4 &&
    (word.endsWith('ed') || word.endsWith('ing') || (word.endsWith('s') && !word.endsWith('ss')))
  ) {
    return out;
  }
  out.push(`${word}s`, `${word}es`);
  if (word.endsWith('y') && word.length > 3 && !VOWELS.has(word[word.length - 2] ?? ''))
    out.push(`${word.slice(0, -1)}ies`);
  if (kind === 'plural') return out;
  const stem = word.endsWith('e') && !word.endsWith('ee') ? word.slice(0, -1) : word;
  out.push(`${stem}ing`);
  if (doubles(word)) out.push(`${word}${word[word.length - 1]}ing`);
  if (kind === 'present') return out;
  out.push(word.endsWith('e') ? `${word}d` : `${word}ed`);
  if (doubles(word)) out.push(`${word}${word[word.length - 1]}ed`);
  if (word.endsWith('y') && !VOWELS.has(word[word.length - 2] ?? '')) out.push(`${word.slice(0, -1)}ied`);
  return out;
}

function positionsFor(phrase: string, kind: Inflection): string[][] {
  return phraseTokens(phrase).map((w) => inflect(w, kind));
}

// ---------------------------------------------------------------------------------------------------
// Typo tolerance: Damerau-Levenshtein (optimal string alignment) distance ≤ 1 via a deletion index.

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1); // insertion/deletion
}

class FuzzyIndex {
  private readonly deletions = new Map<string, string[]>();
  private readonly cache = new Map<string, string | null>();

  constructor(
    private readonly words: ReadonlySet<string>,
    private readonly minTokenLength: number,
    private readonly enabled: boolean,
    private readonly protectedWords: ReadonlySet<string>,
  ) {
    for (const w of words) {
      if (w.length < minTokenLength - 1) continue;
      for (let i = 0; i < w.length; i++) {
        const d = w.slice(0, i) + w.slice(i + 1);
        const list = this.deletions.get(d);
        if (list) list.push(w);
        else this.deletions.set(d, [w]);
      }
    }
  }

  /** The vocabulary word `token` is a typo of, or null. */
  correct(token: string): string | null {
    if (!this.enabled || token.length < this.minTokenLength || this.words.has(token)) return null;
    if (this.protectedWords.has(token) || isBoundary(token)) return null;
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    let found: string | null = null;
    const consider = (w: string): void => {
      if (found === null && w.length >= this.minTokenLength - 1 && withinOneEdit(token, w)) found = w;
    };
    for (const w of this.deletions.get(token) ?? []) consider(w);
    for (let i = 0; i < token.length && found === null; i++) {
      const d = token.slice(0, i) + token.slice(i + 1);
      if (this.words.has(d)) consider(d);
      for (const w of this.deletions.get(d) ?? []) consider(w);
    }
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(token, found);
    return found;
  }
}

// ---------------------------------------------------------------------------------------------------
// Compiled layer

interface NounInfo {
  phrase: string;
  strong: boolean;
}
interface SeedInfo {
  phrase: string;
  /** One word or a bare noun phrase ("supervisor", "escalate", "human agent"): only as a keyword-only clause. */
  bare: boolean;
}
type ShortKind = 'acknowledged' | 'affirm' | 'deny' | 'filler';
interface CategoryHit {
  category: Category;
  phrase: string;
  length: number;
}

interface Escalation {
  confidence: number;
  start: number;
  end: number;
  reason: string;
}

const DETERMINERS = new Set([
  'a',
  'an',
  'the',
  'my',
  'our',
  'this',
  'that',
  'previous',
  'last',
  'his',
  'her',
  'their',
]);
const REVERSE_SKIP = new Set([
  'please',
  'i',
  'we',
  'can',
  'could',
  'will',
  'would',
  'who',
  'that',
  'to',
  'you',
  'pls',
]);
const REVERSE_TAIL = new Set(['to', 'with', 'me', 'us']);

function set(list: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const p of list) for (const t of phraseTokens(p)) out.add(t);
  return out;
}

function trieOf<V>(list: readonly string[], kind: Inflection, value: (phrase: string) => V): PhraseTrie<V> {
  const trie = new PhraseTrie<V>();
  for (const p of list) trie.add(positionsFor(p, kind), value(p));
  return trie;
}

export function createKeywordLayer(config: KeywordConfig, knowledge: Knowledge): KeywordLayer {
  const t = config.thresholds;
  const c = config.confidence;
  const h = config.human;

  // --- human-request lexicon -------------------------------------------------------------------
  const nouns = new PhraseTrie<NounInfo>();
  const addNoun = (phrase: string, strong: boolean): void => {
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
  };
  for (const p of h.nouns.strong) addNoun(p, true);
  for (const p of h.nouns.weak) addNoun(p, false);
  // Every one-word seed that is not a verb ("supervisor", not "escalate") is a strong noun as well.
  const frameWords = set(h.requestFrames);
  for (const p of h.seedPhrases) {
    const words = phraseTokens(p);
    if (words.length === 1 && !frameWords.has(words[0] ?? '')) addNoun(p, true);
  }

  const frames = new PhraseTrie<string>();
  for (const p of h.requestFrames) {
    const positions = positionsFor(p, 'present');
    frames.add(positions, p);
    const last = positions[positions.length - 1] ?? [];
    // Glued forms: "talkto", "speakwith", "touchwith", "totalk".
    const glued = last.flatMap((w) => [`${w}to`, `${w}with`]);
    if (glued.length > 0) frames.add([...positions.slice(0, -1), [`${last[0]}to`, ...glued]], p);
    if (positions.length === 1) frames.add([(positions[0] ?? []).map((w) => `to${w}`)], p);
  }
  const seeds = trieOf(h.seedPhrases, 'present', (p): SeedInfo => {
    const words = phraseTokens(p);
    return {
      phrase: p,
      bare: words.length === 1 || nouns.longestAt(words, 0, words.length) === words.length,
    };
  });
  const reverse = trieOf(h.reverseFrames, 'none', (p) => p);
  const otherSenses = trieOf(h.otherSenses, 'plural', (p) => p);
  const past = trieOf(h.pastCues, 'none', (p) => p);
  const dismissals = trieOf(h.negation.dismissals, 'none', (p) => p);
  const hypotheticals = trieOf(h.hypotheticals, 'none', (p) => p);
  const questionCues = trieOf(h.questionCues.anywhere, 'none', (p) => p);
  const contactCues = trieOf(h.questionCues.nearNoun, 'none', (p) => p);
  const linkers = set([...h.linkers, ...h.intensifiers]);
  linkers.add(POSSESSIVE); // talk to the company's agent
  const kwFillers = set([...h.keywordOnlyFillers, ...h.intensifiers]);
  const chain = set(h.chainWords);
  const negWords = set(h.negation.words);
  const negAdjacent = set(h.negation.adjacent);
  const inability = set(h.negation.inability);
  const topicMarkers = set(h.topicMarkers);
  const clauseBreakers = set(h.clauseBreakers);
  const questionWords = set(config.intents.questionWords);

  // --- other intents ---------------------------------------------------------------------------
  const worked = trieOf(config.intents.solutionWorked, 'none', (p) => p);
  const failed = trieOf(config.intents.solutionFailed, 'none', (p) => p);
  const frustration = trieOf(config.intents.frustration, 'none', (p) => p);
  const greeting = trieOf(config.intents.greeting, 'none', (p) => p);
  const shortReplies = new PhraseTrie<ShortKind>();
  for (const p of config.intents.deny) shortReplies.add(positionsFor(p, 'none'), 'deny');
  for (const p of config.intents.affirm) shortReplies.add(positionsFor(p, 'none'), 'affirm');
  for (const p of config.intents.acknowledged) shortReplies.add(positionsFor(p, 'none'), 'acknowledged');
  for (const p of config.intents.shortReplyFillers) shortReplies.add(positionsFor(p, 'none'), 'filler');

  // --- categories (knowledge phrases of every content language + configured synonyms; 'other' is never
  // matched): "mi tarjeta fue rechazada" routes to payment like "my card was declined" ---------------
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

  // --- typo correction: known words of any list are never "corrected" -------------------------
  const known = new Set<string>([
    ...linkers,
    ...chain,
    ...negWords,
    ...negAdjacent,
    ...topicMarkers,
    ...questionWords,
    ...set(h.pastCues),
    ...set(h.otherSenses),
    ...set(h.questionCues.anywhere),
    ...set(h.questionCues.nearNoun),
    ...set(h.fuzzyExclusions),
    ...set(config.intents.solutionWorked),
    ...set(config.intents.solutionFailed),
    ...set(config.intents.frustration),
  ]);
  const humanWords = new Set<string>();
  for (const w of [...nouns.vocabulary, ...frames.vocabulary]) if (w.length >= 4) humanWords.add(w);
  const humanFuzzy = new FuzzyIndex(humanWords, t.fuzzyMinTokenLength, t.fuzzyMaxEditDistance > 0, known);
  const categoryProtected = new Set([...known, ...humanWords]);
  // Misspelt linkers between a verb and its noun ("chatting wirh an agent", "talk to yor manager").
  const linkerWords = new Set([...linkers].filter((w) => w.length >= 3));
  const linkerProtected = new Set([...humanWords, ...negWords, ...negAdjacent, ...topicMarkers, ...chain]);
  const linkerFuzzy = new FuzzyIndex(linkerWords, 3, t.fuzzyMaxEditDistance > 0, linkerProtected);
  const isLinker = (w: string): boolean => linkers.has(w) || linkerFuzzy.correct(w) !== null;
  const categoryFuzzy = new FuzzyIndex(
    categories.vocabulary,
    t.categoryFuzzyMinTokenLength,
    t.fuzzyMaxEditDistance > 0,
    categoryProtected,
  );

  interface Corrected {
    tokens: readonly string[];
    /** Token indices that were typo-corrected, and a readable "typo"→"word" for each. */
    fixedAt: readonly number[];
    fixes: readonly string[];
  }
  const NOTHING: readonly never[] = [];
  /** Tokens with typos corrected against one vocabulary; the input array itself when nothing changed. */
  function corrected(tokens: readonly string[], index: FuzzyIndex): Corrected {
    let out: string[] | null = null;
    let fixedAt: number[] | null = null;
    let fixes: string[] | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] ?? '';
      const fix = index.correct(token);
      if (fix !== null) {
        out ??= tokens.slice();
        fixedAt ??= [];
        fixes ??= [];
        out[i] = fix;
        fixedAt.push(i);
        fixes.push(`"${token}"→"${fix}"`);
      }
    }
    return { tokens: out ?? tokens, fixedAt: fixedAt ?? NOTHING, fixes: fixes ?? NOTHING };
  }

  /** The typo corrections used inside [start, end). */
  function typosIn(c: Corrected, start: number, end: number): string[] {
    const used: string[] = [];
    c.fixedAt.forEach((at, n) => {
      if (at >= start && at < end) used.push(c.fixes[n] ?? '');
    });
    return used;
  }

  // --- the human-request detector --------------------------------------------------------------

  /** Outcome of scanning back from a request verb through its verb chain. */
  function chainBlock(tok: readonly string[], frameStart: number, clauseStart: number): string | null {
    const lower = Math.max(clauseStart, frameStart - t.chainWindow);
    for (let k = frameStart - 1; k >= lower; k--) {
      const w = tok[k] ?? '';
      if (negWords.has(w)) {
        const before = tok[k - 1] ?? '';
        const after = tok[k + 1] ?? '';
        if (inability.has(before) || inability.has(after)) return null; // "i can not reach anyone"
        return `negated by "${w}"`;
      }
      if (negAdjacent.has(w)) return k === frameStart - 1 ? `negated by "${w}"` : null;
      if (past.longestAt(tok, k, frameStart) > 0) return `past reference "${w}"`;
      if (hypotheticals.longestAt(tok, k, frameStart) > 0) return `hypothetical "${w}"`;
      if (chain.has(w) || frames.longestAt(tok, k, frameStart) > 0) continue;
      return null;
    }
    return null;
  }

  function keywordOnly(tok: readonly string[], cs: number, ce: number, s: number, e: number): boolean {
    if (ce - cs > t.keywordOnlyMaxTokens) return false;
    for (let k = cs; k < ce; k++) {
      if (k >= s && k < e) continue;
      if (!kwFillers.has(tok[k] ?? '')) return false;
    }
    return true;
  }

  function negatedBefore(tok: readonly string[], cs: number, s: number): boolean {
    for (let k = cs; k < s; k++) {
      const w = tok[k] ?? '';
      if (negWords.has(w) && !inability.has(tok[k - 1] ?? '') && !inability.has(tok[k + 1] ?? ''))
        return true;
      if (negAdjacent.has(w) && k === s - 1) return true;
    }
    return false;
  }

  function pastAfter(tok: readonly string[], e: number, ce: number): boolean {
    const limit = Math.min(ce, e + t.pastCueWindow);
    for (let k = e; k < limit; k++) if (past.longestAt(tok, k, ce) > 0) return true;
    return false;
  }

  function span(raw: readonly string[], s: number, e: number): string {
    return raw.slice(s, e).join(' ');
  }

  /** One clause [cs, ce): a request, or null. `blocked` collects why candidates were rejected. */
  function clauseRequest(
    tok: readonly string[],
    raw: readonly string[],
    cs: number,
    ce: number,
    blocked: string[],
  ): Escalation | null {
    /** A question about hours, contact details, availability or identity around [s, e). */
    const questionAbout = (s: number, e: number): boolean =>
      questionCues.anyIn(tok, cs, s, ce) ||
      contactCues.anyIn(tok, Math.max(cs, s - t.contactCueWindow), s, ce) ||
      contactCues.anyIn(tok, e, Math.min(ce, e + 2), ce);

    for (let i = cs; i < ce; i++) {
      const nEnd = nouns.longestAt(tok, i, ce);
      if (nEnd < 0) continue;
      const noun = nouns.lastValue;
      if (!noun) continue;
      const nounText = span(raw, i, nEnd);
      // Another sense covering this noun ("delivery agent", "user agent string", "human error").
      let otherSense = false;
      for (let j = Math.max(cs, i - 3); j <= i && !otherSense; j++) {
        const oEnd = otherSenses.longestAt(tok, j, ce);
        if (oEnd > i) otherSense = true;
      }
      if (otherSense) {
        blocked.push(`"${nounText}" is another sense`);
        i = nEnd - 1;
        continue;
      }
      if (questionAbout(i, nEnd)) {
        blocked.push(`"${nounText}" in a question about hours/contact details/availability`);
        continue;
      }
      // Negated noun: "no agent", "not a human".
      let k = i - 1;
      while (k >= cs && k >= i - 2 && linkers.has(tok[k] ?? '') && !negAdjacent.has(tok[k] ?? '')) k--;
      const beforeNoun = k >= cs ? (tok[k] ?? '') : '';
      if (negWords.has(beforeNoun) || negAdjacent.has(beforeNoun)) {
        blocked.push(`"${nounText}" negated by "${beforeNoun}"`);
        continue;
      }
      // Possessive: "the agent's name" is about something of the agent ("someone's help" is still a request).
      if (tok[nEnd] === POSSESSIVE && !linkers.has(tok[nEnd + 1] ?? '')) {
        blocked.push(`"${nounText}" is a possessive`);
        continue;
      }
      if (pastAfter(tok, nEnd, ce)) {
        blocked.push(`"${nounText}" is a past mention`);
        continue;
      }
      if (dismissals.anyIn(tok, cs, i, i)) {
        blocked.push(`"${nounText}" dismissed`);
        continue;
      }

      // Nearest request verb before the noun (a verb right after a determiner is a noun: "a call from").
      let frameBlocked = false;
      const lower = Math.max(cs, i - t.maxFrameWindow - 4);
      for (let j = i - 1; j >= lower; j--) {
        const fEnd = frames.longestAt(tok, j, i);
        if (fEnd < 0 || DETERMINERS.has(tok[j - 1] ?? '')) continue;
        const frame = frames.lastValue ?? '';
        if (i - fEnd > t.maxFrameWindow) break;
        let gap = 0;
        let topic: string | null = null;
        for (let k = fEnd; k < i; k++) {
          const w = tok[k] ?? '';
          if (topicMarkers.has(w)) topic = w;
          if (!isLinker(w)) gap++;
        }
        if (gap > t.maxFrameGap) break; // the nearest verb is not about this noun
        if (topic !== null) {
          blocked.push(`"${nounText}" is the topic ("${topic}")`);
          frameBlocked = true;
          break;
        }
        const why = chainBlock(tok, j, cs);
        if (why) {
          blocked.push(`"${span(raw, j, nEnd)}" ${why}`);
          frameBlocked = true;
          break;
        }
        return {
          confidence: noun.strong ? c.escalation : c.escalationWeak,
          start: j,
          end: nEnd,
          reason: `request verb "${frame}" + human noun "${noun.phrase}"`,
        };
      }
      if (frameBlocked) continue;
      if (negatedBefore(tok, cs, i)) {
        blocked.push(`"${nounText}" negated`);
        continue;
      }
      if (noun.strong && keywordOnly(tok, cs, ce, i, nEnd)) {
        return {
          confidence: c.escalationKeywordOnly,
          start: cs,
          end: ce,
          reason: `keyword-only request "${noun.phrase}"`,
        };
      }
      // Reversed frame: "can a human call me", "is there someone i can talk to".
      let r = nEnd;
      while (r < ce && r < nEnd + 2 && REVERSE_SKIP.has(tok[r] ?? '')) r++;
      const rEnd = reverse.longestAt(tok, r, ce);
      if (rEnd > 0) {
        return {
          confidence: c.escalationWeak,
          start: i,
          end: rEnd,
          reason: `human noun "${noun.phrase}" + "${reverse.lastValue}"`,
        };
      }
      const fEnd = frames.longestAt(tok, r, ce);
      if (fEnd > 0 && (fEnd === ce || (REVERSE_TAIL.has(tok[fEnd] ?? '') && fEnd + 1 === ce))) {
        return {
          confidence: c.escalationWeak,
          start: i,
          end: Math.min(ce, fEnd + 1),
          reason: `human noun "${noun.phrase}" + request verb "${frames.lastValue}" after it`,
        };
      }
    }
    // Explicit seed phrases: with a verb anywhere; a bare noun phrase only as a keyword-only clause.
    for (let i = cs; i < ce; i++) {
      const end = seeds.longestAt(tok, i, ce);
      if (end < 0) continue;
      const seed = seeds.lastValue;
      if (!seed) continue;
      if (seed.bare && !keywordOnly(tok, cs, ce, i, end)) continue;
      let covered = false;
      for (let j = Math.max(cs, i - 3); j <= i && !covered; j++)
        if (otherSenses.longestAt(tok, j, ce) > i) covered = true;
      if (questionAbout(i, end) || covered || negatedBefore(tok, cs, i) || pastAfter(tok, end, ce)) {
        blocked.push(`seed "${seed.phrase}" not a request here`);
        continue;
      }
      if (dismissals.anyIn(tok, cs, i, i)) {
        blocked.push(`seed "${seed.phrase}" dismissed`);
        continue;
      }
      return {
        confidence: seed.bare ? c.escalationKeywordOnly : c.escalation,
        start: i,
        end: end,
        reason: `explicit request phrase "${seed.phrase}"`,
      };
    }

    return null;
  }

  function clauseEnds(tok: readonly string[]): number[] {
    // Clause boundaries: punctuation tokens and clause-breaking conjunctions ("but", "because").
    const ends: number[] = [];
    for (let i = 0; i < tok.length; i++) {
      const w = tok[i] ?? '';
      if (isBoundary(w) || clauseBreakers.has(w)) ends.push(i);
    }
    ends.push(tok.length);
    return ends;
  }

  function findEscalation(
    tok: readonly string[],
    raw: readonly string[],
    blocked: string[],
  ): Escalation | null {
    let cs = 0;
    for (const ce of clauseEnds(tok)) {
      if (ce > cs) {
        const found = clauseRequest(tok, raw, cs, ce, blocked);
        if (found) return found;
      }
      cs = ce + 1;
    }
    return null;
  }

  // --- category, verdicts, feelings ------------------------------------------------------------

  /** The longest (most specific) category phrase; the earliest one on a tie. */
  function findCategory(tok: readonly string[]): { hit: CategoryHit; start: number; end: number } | null {
    let best: { hit: CategoryHit; start: number; end: number } | null = null;
    for (let i = 0; i < tok.length; i++) {
      const end = categories.longestAt(tok, i, tok.length);
      const hit = categories.lastValue;
      if (end > 0 && hit && (!best || hit.length > best.hit.length)) best = { hit, start: i, end };
    }
    return best;
  }

  /** Whether the sentence around [s, e) is a question: it ends with "?" or starts with a question word. */
  function isQuestionAround(tok: readonly string[], s: number, e: number): boolean {
    let start = s;
    while (start > 0 && tok[start - 1] !== '.' && tok[start - 1] !== QUESTION_BREAK) start--;
    let end = e;
    while (end < tok.length && tok[end] !== '.' && tok[end] !== QUESTION_BREAK) end++;
    if (tok[end] === QUESTION_BREAK) return true;
    return start < s && questionWords.has(tok[start] ?? '');
  }

  /** solution_failed / solution_worked, or 'question' when the only success phrase is asked about. */
  function findVerdict(tok: readonly string[]): { intent: Intent; phrase: string; reason: string } | null {
    const raw = tok;
    let failedHit: { phrase: string; reason: string } | null = null;
    let workedHit: { phrase: string; reason: string } | null = null;
    let questioned: string | null = null;
    for (let i = 0; i < tok.length; i++) {
      const fEnd = failed.longestAt(tok, i, tok.length);
      if (fEnd > 0 && !failedHit)
        failedHit = { phrase: span(raw, i, fEnd), reason: `failure phrase "${failed.lastValue}"` };
      const wEnd = worked.longestAt(tok, i, tok.length);
      if (wEnd > 0 && !workedHit) {
        // "not fixed", "it is not solved": a negated success is a failure.
        let negated = false;
        for (let k = i - 1; k >= 0 && k >= i - 3 && !isBoundary(tok[k] ?? ','); k--) {
          const w = tok[k] ?? '';
          if (negWords.has(w) || (negAdjacent.has(w) && k === i - 1)) negated = true;
        }
        if (negated) {
          failedHit ??= {
            phrase: span(raw, Math.max(0, i - 2), wEnd),
            reason: `negated success "${worked.lastValue}"`,
          };
        } else if (isQuestionAround(tok, i, wEnd)) {
          questioned = span(raw, i, wEnd);
        } else {
          workedHit = { phrase: span(raw, i, wEnd), reason: `success phrase "${worked.lastValue}"` };
        }
      }
    }
    if (failedHit) return { intent: 'solution_failed', ...failedHit };
    if (workedHit) return { intent: 'solution_worked', ...workedHit };
    if (questioned)
      return { intent: 'question', phrase: questioned, reason: `"${questioned}" asked as a question` };
    return null;
  }

  function firstMatch(
    trie: PhraseTrie<string>,
    tok: readonly string[],
    raw: readonly string[],
  ): string | null {
    for (let i = 0; i < tok.length; i++) {
      const end = trie.longestAt(tok, i, tok.length);
      if (end > 0) return span(raw, i, end);
    }
    return null;
  }

  function shortReply(tok: readonly string[], words: number): { kind: ShortKind; phrase: string } | null {
    if (words > t.shortReplyMaxTokens) return null;
    let affirm = false;
    let deny = false;
    let ack = false;
    let phrase = '';
    for (let i = 0; i < tok.length; ) {
      const w = tok[i] ?? '';
      if (isBoundary(w)) {
        i++;
        continue;
      }
      const end = shortReplies.longestAt(tok, i, tok.length);
      if (end < 0) return null;
      const kind = shortReplies.lastValue;
      if (kind === 'affirm') affirm = true;
      else if (kind === 'deny') deny = true;
      else if (kind === 'acknowledged') ack = true;
      if (kind !== 'filler' && phrase === '') phrase = tok.slice(i, end).join(' ');
      i = end;
    }
    if (affirm && deny) return null;
    if (deny) return { kind: 'deny', phrase };
    if (affirm) return { kind: 'affirm', phrase };
    if (ack) return { kind: 'acknowledged', phrase };
    return null;
  }

  // --- detect ------------------------------------------------------------------------------------

  function result(
    intent: Intent,
    confidence: number,
    reason: string,
    category: Category | null,
    matchedPhrase?: string,
  ): LayerResult {
    const out: LayerResult = { layer: 'keyword', decided: true, intent, confidence, reason, category };
    if (matchedPhrase !== undefined) out.matchedPhrase = matchedPhrase;
    return out;
  }

  function abstain(reason: string): LayerResult {
    return { layer: 'keyword', decided: false, intent: null, confidence: 0, reason, category: null };
  }

  function round(n: number): number {
    return Math.max(0, Math.min(1, Math.round(n * 1000) / 1000));
  }

  return {
    detect(text: string): LayerResult {
      const blocked: string[] = [];
      const ruledOut: Intent[] = [];
      const out = detectMessage(text, blocked, ruledOut);
      if (blocked.length > 0 && out.intent !== 'escalation_request') ruledOut.push('escalation_request');
      // The learned layer must not read into the message what this layer's rules ruled out.
      return ruledOut.length > 0 ? { ...out, ruledOut } : out;
    },
  };

  function detectMessage(text: string, blocked: string[], ruledOut: Intent[]): LayerResult {
    const raw = tokenize(text);
    let words = 0;
    for (const w of raw) if (!isBoundary(w)) words++;
    if (words === 0) return abstain('empty message');

    const human = corrected(raw, humanFuzzy);
    const cat = corrected(raw, categoryFuzzy);
    const found = findCategory(cat.tokens);
    const category = found?.hit.category ?? null;

    const escalation = findEscalation(human.tokens, raw, blocked);
    if (escalation) {
      const typos = typosIn(human, escalation.start, escalation.end);
      const typo = typos.length > 0 ? ` (typo ${typos.join(', ')})` : '';
      const confidence = round(escalation.confidence - (typo ? c.fuzzyPenalty : 0));
      const phrase = span(raw, escalation.start, escalation.end);
      return result('escalation_request', confidence, `${escalation.reason}${typo}`, category, phrase);
    }
    const notes = blocked.length > 0 ? `; not a request: ${blocked.join('; ')}` : '';

    const verdict = findVerdict(raw);
    if (verdict && verdict.intent !== 'question') {
      const confidence = verdict.intent === 'solution_failed' ? c.solutionFailed : c.solutionWorked;
      return result(verdict.intent, confidence, `${verdict.reason}${notes}`, category, verdict.phrase);
    }
    const angry = firstMatch(frustration, raw, raw);
    if (angry) {
      return result('frustrated', c.frustrated, `frustration phrase "${angry}"${notes}`, category, angry);
    }
    if (found) {
      const typos = typosIn(cat, found.start, found.end);
      const typo = typos.length > 0 ? ` (typo ${typos.join(', ')})` : '';
      return result(
        'issue',
        round(c.issue - (typo ? c.fuzzyPenalty : 0)),
        `category phrase "${found.hit.phrase}" → ${found.hit.category}${typo}${notes}`,
        found.hit.category,
        span(raw, found.start, found.end),
      );
    }
    if (verdict) {
      ruledOut.push('solution_worked', 'solution_failed');
      return abstain(`${verdict.reason}: a question, not a verdict${notes}`);
    }
    if (words <= t.greetingMaxTokens) {
      const end = greeting.longestAt(raw, 0, raw.length);
      if (end > 0)
        return result('greeting', c.greeting, `greeting "${greeting.lastValue}"`, null, span(raw, 0, end));
    }
    const reply = shortReply(raw, words);
    if (reply && reply.kind !== 'filler') {
      return result(reply.kind, c.shortReply, `short reply "${reply.phrase}"`, null, reply.phrase);
    }
    return abstain(`no keyword matched${notes}`);
  }
}
