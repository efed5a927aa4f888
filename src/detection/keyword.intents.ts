// Every keyword intent but the human request: the issue category, the solution verdict and short replies.
import type { Intent } from './detection.types.ts';
import type { CategoryHit, HumanLexicon, IntentLexicon, ShortKind } from './keyword.lexicon.ts';
import { span } from './phrase.trie.ts';
import { isBoundary, QUESTION_BREAK } from './text.normalize.ts';

/** The longest (most specific) category phrase; the earliest one on a tie. */
export function findCategory(
  lex: IntentLexicon,
  tok: readonly string[],
): { hit: CategoryHit; start: number; end: number } | null {
  const { categories } = lex;
  let best: { hit: CategoryHit; start: number; end: number } | null = null;
  for (let i = 0; i < tok.length; i++) {
    const end = categories.longestAt(tok, i, tok.length);
    const hit = categories.lastValue;
    if (end > 0 && hit && (!best || hit.length > best.hit.length)) best = { hit, start: i, end };
  }
  return best;
}

/** Whether the sentence around [s, e) is a question: it ends with "?" or starts with a question word. */
function isQuestionAround(lex: IntentLexicon, tok: readonly string[], s: number, e: number): boolean {
  let start = s;
  while (start > 0 && tok[start - 1] !== '.' && tok[start - 1] !== QUESTION_BREAK) start--;
  let end = e;
  while (end < tok.length && tok[end] !== '.' && tok[end] !== QUESTION_BREAK) end++;
  if (tok[end] === QUESTION_BREAK) return true;
  return start < s && lex.questionWords.has(tok[start] ?? '');
}

/** "not fixed", "it is not solved": whether the success phrase at `i` is negated (a failure). */
function negatedAt(negation: HumanLexicon, tok: readonly string[], i: number): boolean {
  let negated = false;
  for (let k = i - 1; k >= 0 && k >= i - 3 && !isBoundary(tok[k] ?? ','); k--) {
    const w = tok[k] ?? '';
    if (negation.negWords.has(w) || (negation.negAdjacent.has(w) && k === i - 1)) negated = true;
  }
  return negated;
}

/** solution_failed / solution_worked, or 'question' when the only success phrase is asked about. */
export function findVerdict(
  lex: IntentLexicon,
  negation: HumanLexicon,
  tok: readonly string[],
): { intent: Intent; phrase: string; reason: string } | null {
  const { failed, worked } = lex;
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
      if (negatedAt(negation, tok, i)) {
        failedHit ??= {
          phrase: span(raw, Math.max(0, i - 2), wEnd),
          reason: `negated success "${worked.lastValue}"`,
        };
      } else if (isQuestionAround(lex, tok, i, wEnd)) {
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

/** A message of nothing but short replies ("ok thanks", "no"); null when it mixes yes and no. */
export function shortReply(
  lex: IntentLexicon,
  maxTokens: number,
  tok: readonly string[],
  words: number,
): { kind: ShortKind; phrase: string } | null {
  if (words > maxTokens) return null;
  const { shortReplies } = lex;
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
