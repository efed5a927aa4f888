// The keyword detection layer: microseconds, no network. Every phrase list is compiled once into token
// tries in createKeywordLayer (keyword.lexicon.ts); detect() only walks the tokens of one message.
//
// Precedence: escalation_request > solution_failed > solution_worked > frustrated > issue > greeting >
// acknowledged/affirm/deny (short messages only) > abstain. The human request is keyword.human.ts.
import type { Knowledge } from '../content/knowledge.ts';
import type { Category, Intent, LayerResult } from './detection.types.ts';
import type { KeywordConfig } from './keyword.config.ts';
import { findEscalation, type HumanRequestMatcher } from './keyword.human.ts';
import { findCategory, findVerdict, shortReply } from './keyword.intents.ts';
import {
  compileHumanLexicon,
  compileIntentLexicon,
  compileTypoIndexes,
  type HumanLexicon,
  type IntentLexicon,
  type TypoIndexes,
} from './keyword.lexicon.ts';
import { type Corrected, corrected, typosIn } from './keyword.typos.ts';
import { firstMatch, span } from './phrase.trie.ts';
import { isBoundary, tokenize } from './text.normalize.ts';

export interface KeywordLayer {
  detect(text: string): LayerResult;
}

interface CompiledLayer {
  human: HumanLexicon;
  intents: IntentLexicon;
  typos: TypoIndexes;
  request: HumanRequestMatcher;
  thresholds: KeywordConfig['thresholds'];
  confidence: KeywordConfig['confidence'];
}

export function createKeywordLayer(config: KeywordConfig, knowledge: Knowledge): KeywordLayer {
  const human = compileHumanLexicon(config);
  const intents = compileIntentLexicon(config, knowledge);
  const typos = compileTypoIndexes(config, human, intents);
  const { thresholds, confidence } = config;
  const layer: CompiledLayer = {
    human,
    intents,
    typos,
    request: { lexicon: human, linkerTypos: typos.linker, thresholds, confidence },
    thresholds,
    confidence,
  };
  return {
    detect(text: string): LayerResult {
      const blocked: string[] = [];
      const ruledOut: Intent[] = [];
      const out = detectMessage(layer, text, blocked, ruledOut);
      if (blocked.length > 0 && out.intent !== 'escalation_request') ruledOut.push('escalation_request');
      // The learned layer must not read into the message what this layer's rules ruled out.
      return ruledOut.length > 0 ? { ...out, ruledOut } : out;
    },
  };
}

function detectMessage(
  layer: CompiledLayer,
  text: string,
  blocked: string[],
  ruledOut: Intent[],
): LayerResult {
  const { intents, thresholds: t, confidence: c } = layer;
  const raw = tokenize(text);
  let words = 0;
  for (const w of raw) if (!isBoundary(w)) words++;
  if (words === 0) return abstain('empty message');

  const human = corrected(raw, layer.typos.human);
  const cat = corrected(raw, layer.typos.category);
  const found = findCategory(intents, cat.tokens);
  const category = found?.hit.category ?? null;

  const escalation = findEscalation(layer.request, human.tokens, raw, blocked);
  if (escalation) {
    const typo = typoNote(human, escalation.start, escalation.end);
    const confidence = round(escalation.confidence - (typo ? c.fuzzyPenalty : 0));
    const phrase = span(raw, escalation.start, escalation.end);
    return result('escalation_request', confidence, `${escalation.reason}${typo}`, category, phrase);
  }
  const notes = blocked.length > 0 ? `; not a request: ${blocked.join('; ')}` : '';

  const verdict = findVerdict(intents, layer.human, raw);
  if (verdict && verdict.intent !== 'question') {
    const confidence = verdict.intent === 'solution_failed' ? c.solutionFailed : c.solutionWorked;
    return result(verdict.intent, confidence, `${verdict.reason}${notes}`, category, verdict.phrase);
  }
  const angry = firstMatch(intents.frustration, raw, raw);
  if (angry) {
    return result('frustrated', c.frustrated, `frustration phrase "${angry}"${notes}`, category, angry);
  }
  if (found) {
    const typo = typoNote(cat, found.start, found.end);
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
    const { greeting } = intents;
    const end = greeting.longestAt(raw, 0, raw.length);
    if (end > 0)
      return result('greeting', c.greeting, `greeting "${greeting.lastValue}"`, null, span(raw, 0, end));
  }
  const reply = shortReply(intents, t.shortReplyMaxTokens, raw, words);
  if (reply && reply.kind !== 'filler') {
    return result(reply.kind, c.shortReply, `short reply "${reply.phrase}"`, null, reply.phrase);
  }
  return abstain(`no keyword matched${notes}`);
}

/** " (typo "x"→"y")" for the corrections used inside [start, end), or ''. */
function typoNote(c: Corrected, start: number, end: number): string {
  const typos = typosIn(c, start, end);
  return typos.length > 0 ? ` (typo ${typos.join(', ')})` : '';
}

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
