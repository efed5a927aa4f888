// The human-request detector. Clause by clause, it looks for a human noun ("agent", "real person") and asks:
// is it another sense ("travel agent")? a question about hours or numbers? a past mention ("the agent I
// spoke to")? negated or dismissed ("no agent", "never mind")? Then it needs a present-tense request verb
// before the noun ("talk to", "i want", "get me"), whose verb chain is not negated ("i do not want to
// talk to ..."; negation of another verb, as in "i do not know how to contact an agent", does not count),
// or a keyword-only clause ("operator!", "live agent pls"), or a reversed frame ("can a human call me").
import type { KeywordConfig, KeywordThresholds } from './keyword.config.ts';
import type { HumanLexicon, NounInfo } from './keyword.lexicon.ts';
import type { FuzzyIndex } from './keyword.typos.ts';
import { span } from './phrase.trie.ts';
import { isBoundary, POSSESSIVE } from './text.normalize.ts';

export interface Escalation {
  confidence: number;
  start: number;
  end: number;
  reason: string;
}

export interface HumanRequestMatcher {
  lexicon: HumanLexicon;
  linkerTypos: FuzzyIndex;
  thresholds: KeywordThresholds;
  confidence: KeywordConfig['confidence'];
}

/** One clause [start, end) of a message; `blocked` collects why candidates were rejected. */
interface Clause {
  /** Typo-corrected tokens. */
  tok: readonly string[];
  raw: readonly string[];
  start: number;
  end: number;
  blocked: string[];
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

/** The first request of the message, clause by clause, or null. */
export function findEscalation(
  m: HumanRequestMatcher,
  tok: readonly string[],
  raw: readonly string[],
  blocked: string[],
): Escalation | null {
  let cs = 0;
  for (const ce of clauseEnds(m.lexicon, tok)) {
    if (ce > cs) {
      const found = clauseRequest(m, { tok, raw, start: cs, end: ce, blocked });
      if (found) return found;
    }
    cs = ce + 1;
  }
  return null;
}

function clauseEnds(lex: HumanLexicon, tok: readonly string[]): number[] {
  // Clause boundaries: punctuation tokens and clause-breaking conjunctions ("but", "because").
  const ends: number[] = [];
  for (let i = 0; i < tok.length; i++) {
    const w = tok[i] ?? '';
    if (isBoundary(w) || lex.clauseBreakers.has(w)) ends.push(i);
  }
  ends.push(tok.length);
  return ends;
}

function clauseRequest(m: HumanRequestMatcher, clause: Clause): Escalation | null {
  return nounRequest(m, clause) ?? seedRequest(m, clause);
}

/** A request built around a human noun of the clause. */
function nounRequest(m: HumanRequestMatcher, clause: Clause): Escalation | null {
  const { tok, raw, start: cs, end: ce, blocked } = clause;
  const { nouns } = m.lexicon;
  for (let i = cs; i < ce; i++) {
    const nEnd = nouns.longestAt(tok, i, ce);
    if (nEnd < 0) continue;
    const noun = nouns.lastValue;
    if (!noun) continue;
    const nounText = span(raw, i, nEnd);
    // Another sense covering this noun ("delivery agent", "user agent string", "human error").
    if (otherSenseCovers(m.lexicon, clause, i)) {
      blocked.push(`"${nounText}" is another sense`);
      i = nEnd - 1;
      continue;
    }
    if (nounRuledOut(m, clause, i, nEnd, nounText)) continue;
    const found = requestAround(m, clause, i, nEnd, noun, nounText);
    if (found) return found;
  }
  return null;
}

/** Whether the noun at [i, nEnd) is asked about, negated, a possessive, a past mention or dismissed. */
function nounRuledOut(
  m: HumanRequestMatcher,
  clause: Clause,
  i: number,
  nEnd: number,
  nounText: string,
): boolean {
  const { tok, start: cs, blocked } = clause;
  const { linkers, negWords, negAdjacent, dismissals } = m.lexicon;
  if (questionAbout(m, clause, i, nEnd)) {
    blocked.push(`"${nounText}" in a question about hours/contact details/availability`);
    return true;
  }
  // Negated noun: "no agent", "not a human".
  let k = i - 1;
  while (k >= cs && k >= i - 2 && linkers.has(tok[k] ?? '') && !negAdjacent.has(tok[k] ?? '')) k--;
  const beforeNoun = k >= cs ? (tok[k] ?? '') : '';
  if (negWords.has(beforeNoun) || negAdjacent.has(beforeNoun)) {
    blocked.push(`"${nounText}" negated by "${beforeNoun}"`);
    return true;
  }
  // Possessive: "the agent's name" is about something of the agent ("someone's help" is still a request).
  if (tok[nEnd] === POSSESSIVE && !linkers.has(tok[nEnd + 1] ?? '')) {
    blocked.push(`"${nounText}" is a possessive`);
    return true;
  }
  if (pastAfter(m, clause, nEnd)) {
    blocked.push(`"${nounText}" is a past mention`);
    return true;
  }
  if (dismissals.anyIn(tok, cs, i, i)) {
    blocked.push(`"${nounText}" dismissed`);
    return true;
  }
  return false;
}

/** The request the noun at [i, nEnd) is part of: a verb before it, a keyword-only clause, a reversed frame. */
function requestAround(
  m: HumanRequestMatcher,
  clause: Clause,
  i: number,
  nEnd: number,
  noun: NounInfo,
  nounText: string,
): Escalation | null {
  const before = requestVerbBefore(m, clause, i, nEnd, noun, nounText);
  if (before === 'blocked') return null;
  if (before) return before;
  if (negatedBefore(m.lexicon, clause, i)) {
    clause.blocked.push(`"${nounText}" negated`);
    return null;
  }
  if (noun.strong && keywordOnly(m, clause, i, nEnd)) {
    return {
      confidence: m.confidence.escalationKeywordOnly,
      start: clause.start,
      end: clause.end,
      reason: `keyword-only request "${noun.phrase}"`,
    };
  }
  return reversedRequest(m, clause, i, nEnd, noun);
}

/**
 * The nearest request verb before the noun (a verb right after a determiner is a noun: "a call from"):
 * a request, 'blocked' when that verb is about a topic or its chain is negated, or null when there is none.
 */
function requestVerbBefore(
  m: HumanRequestMatcher,
  clause: Clause,
  i: number,
  nEnd: number,
  noun: NounInfo,
  nounText: string,
): Escalation | 'blocked' | null {
  const { tok, raw, start: cs, blocked } = clause;
  const { frames, topicMarkers } = m.lexicon;
  const t = m.thresholds;
  const lower = Math.max(cs, i - t.maxFrameWindow - 4);
  for (let j = i - 1; j >= lower; j--) {
    const fEnd = frames.longestAt(tok, j, i);
    if (fEnd < 0 || DETERMINERS.has(tok[j - 1] ?? '')) continue;
    const frame = frames.lastValue ?? '';
    if (i - fEnd > t.maxFrameWindow) return null;
    let gap = 0;
    let topic: string | null = null;
    for (let k = fEnd; k < i; k++) {
      const w = tok[k] ?? '';
      if (topicMarkers.has(w)) topic = w;
      if (!isLinker(m, w)) gap++;
    }
    if (gap > t.maxFrameGap) return null; // the nearest verb is not about this noun
    if (topic !== null) {
      blocked.push(`"${nounText}" is the topic ("${topic}")`);
      return 'blocked';
    }
    const why = chainBlock(m, tok, j, cs);
    if (why) {
      blocked.push(`"${span(raw, j, nEnd)}" ${why}`);
      return 'blocked';
    }
    return {
      confidence: noun.strong ? m.confidence.escalation : m.confidence.escalationWeak,
      start: j,
      end: nEnd,
      reason: `request verb "${frame}" + human noun "${noun.phrase}"`,
    };
  }
  return null;
}

/** Reversed frame: "can a human call me", "is there someone i can talk to". */
function reversedRequest(
  m: HumanRequestMatcher,
  clause: Clause,
  i: number,
  nEnd: number,
  noun: NounInfo,
): Escalation | null {
  const { tok, end: ce } = clause;
  const { reverse, frames } = m.lexicon;
  let r = nEnd;
  while (r < ce && r < nEnd + 2 && REVERSE_SKIP.has(tok[r] ?? '')) r++;
  const rEnd = reverse.longestAt(tok, r, ce);
  if (rEnd > 0) {
    return {
      confidence: m.confidence.escalationWeak,
      start: i,
      end: rEnd,
      reason: `human noun "${noun.phrase}" + "${reverse.lastValue}"`,
    };
  }
  const fEnd = frames.longestAt(tok, r, ce);
  if (fEnd > 0 && (fEnd === ce || (REVERSE_TAIL.has(tok[fEnd] ?? '') && fEnd + 1 === ce))) {
    return {
      confidence: m.confidence.escalationWeak,
      start: i,
      end: Math.min(ce, fEnd + 1),
      reason: `human noun "${noun.phrase}" + request verb "${frames.lastValue}" after it`,
    };
  }
  return null;
}

/** Explicit seed phrases: with a verb anywhere; a bare noun phrase only as a keyword-only clause. */
function seedRequest(m: HumanRequestMatcher, clause: Clause): Escalation | null {
  const { tok, start: cs, end: ce, blocked } = clause;
  const { seeds, dismissals } = m.lexicon;
  for (let i = cs; i < ce; i++) {
    const end = seeds.longestAt(tok, i, ce);
    if (end < 0) continue;
    const seed = seeds.lastValue;
    if (!seed) continue;
    if (seed.bare && !keywordOnly(m, clause, i, end)) continue;
    if (
      questionAbout(m, clause, i, end) ||
      otherSenseCovers(m.lexicon, clause, i) ||
      negatedBefore(m.lexicon, clause, i) ||
      pastAfter(m, clause, end)
    ) {
      blocked.push(`seed "${seed.phrase}" not a request here`);
      continue;
    }
    if (dismissals.anyIn(tok, cs, i, i)) {
      blocked.push(`seed "${seed.phrase}" dismissed`);
      continue;
    }
    return {
      confidence: seed.bare ? m.confidence.escalationKeywordOnly : m.confidence.escalation,
      start: i,
      end: end,
      reason: `explicit request phrase "${seed.phrase}"`,
    };
  }
  return null;
}

/** Whether an other-sense phrase starting up to three tokens before `i` covers the token at `i`. */
function otherSenseCovers(lex: HumanLexicon, clause: Clause, i: number): boolean {
  const { tok, start: cs, end: ce } = clause;
  for (let j = Math.max(cs, i - 3); j <= i; j++) if (lex.otherSenses.longestAt(tok, j, ce) > i) return true;
  return false;
}

/** A question about hours, contact details, availability or identity around [s, e). */
function questionAbout(m: HumanRequestMatcher, clause: Clause, s: number, e: number): boolean {
  const { tok, start: cs, end: ce } = clause;
  const { questionCues, contactCues } = m.lexicon;
  return (
    questionCues.anyIn(tok, cs, s, ce) ||
    contactCues.anyIn(tok, Math.max(cs, s - m.thresholds.contactCueWindow), s, ce) ||
    contactCues.anyIn(tok, e, Math.min(ce, e + 2), ce)
  );
}

function isLinker(m: HumanRequestMatcher, w: string): boolean {
  return m.lexicon.linkers.has(w) || m.linkerTypos.correct(w) !== null;
}

/** Why the verb chain ending at a request verb blocks it (negated, past, hypothetical), or null. */
function chainBlock(
  m: HumanRequestMatcher,
  tok: readonly string[],
  frameStart: number,
  clauseStart: number,
): string | null {
  const { negWords, negAdjacent, inability, past, hypotheticals, chain, frames } = m.lexicon;
  const lower = Math.max(clauseStart, frameStart - m.thresholds.chainWindow);
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

/** Whether the clause is nothing but the noun at [s, e) and fillers ("operator!", "live agent pls"). */
function keywordOnly(m: HumanRequestMatcher, clause: Clause, s: number, e: number): boolean {
  const { tok, start: cs, end: ce } = clause;
  if (ce - cs > m.thresholds.keywordOnlyMaxTokens) return false;
  for (let k = cs; k < ce; k++) {
    if (k >= s && k < e) continue;
    if (!m.lexicon.kwFillers.has(tok[k] ?? '')) return false;
  }
  return true;
}

/** Whether a negation before `s` in the clause applies ("i can not reach anyone" is no negation). */
function negatedBefore(lex: HumanLexicon, clause: Clause, s: number): boolean {
  const { tok, start: cs } = clause;
  for (let k = cs; k < s; k++) {
    const w = tok[k] ?? '';
    if (lex.negWords.has(w) && !lex.inability.has(tok[k - 1] ?? '') && !lex.inability.has(tok[k + 1] ?? ''))
      return true;
    if (lex.negAdjacent.has(w) && k === s - 1) return true;
  }
  return false;
}

/** Whether a past cue follows soon after `e` ("the agent i spoke to"). */
function pastAfter(m: HumanRequestMatcher, clause: Clause, e: number): boolean {
  const { tok, end: ce } = clause;
  const limit = Math.min(ce, e + m.thresholds.pastCueWindow);
  for (let k = e; k < limit; k++) if (m.lexicon.past.longestAt(tok, k, ce) > 0) return true;
  return false;
}
