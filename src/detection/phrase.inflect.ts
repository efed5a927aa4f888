// Inflections and glued forms of the keyword layer's phrases, generated when the tries are compiled, so
// "chat with an agent" also matches "chatting with agents" without stemming every message.
import { phraseTokens } from './text.normalize.ts';

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

export type Inflection = 'none' | 'plural' | 'present' | 'all';

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

/** A phrase as trie positions: per word, its accepted spellings (the word itself first). */
export function positionsFor(phrase: string, kind: Inflection): string[][] {
  return phraseTokens(phrase).map((w) => inflect(w, kind));
}
