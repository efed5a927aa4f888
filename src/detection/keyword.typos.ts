// Typo tolerance of the keyword layer: Damerau-Levenshtein (optimal string alignment) distance ≤ 1 against
// one vocabulary, through a deletion index built once; corrections are cached per token.
import { isBoundary } from './text.normalize.ts';

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

export class FuzzyIndex {
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

export interface Corrected {
  tokens: readonly string[];
  /** Token indices that were typo-corrected, and a readable "typo"→"word" for each. */
  fixedAt: readonly number[];
  fixes: readonly string[];
}

const NOTHING: readonly never[] = [];

/** Tokens with typos corrected against one vocabulary; the input array itself when nothing changed. */
export function corrected(tokens: readonly string[], index: FuzzyIndex): Corrected {
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
export function typosIn(c: Corrected, start: number, end: number): string[] {
  const used: string[] = [];
  c.fixedAt.forEach((at, n) => {
    if (at >= start && at < end) used.push(c.fixes[n] ?? '');
  });
  return used;
}
