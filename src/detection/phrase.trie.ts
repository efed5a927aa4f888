// Token tries: every phrase list of the keyword layer is compiled once into one; matching walks the tokens
// of one message without allocating.
import { type Inflection, positionsFor } from './phrase.inflect.ts';
import { phraseTokens } from './text.normalize.ts';

interface TrieNode<V> {
  next: Map<string, TrieNode<V>>;
  value: V | undefined;
}

function newNode<V>(): TrieNode<V> {
  return { next: new Map(), value: undefined };
}

/** Phrases as token paths; each position accepts a set of spellings (inflections, glued forms). */
export class PhraseTrie<V> {
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

export function trieOf<V>(
  list: readonly string[],
  kind: Inflection,
  value: (phrase: string) => V,
): PhraseTrie<V> {
  const trie = new PhraseTrie<V>();
  for (const p of list) trie.add(positionsFor(p, kind), value(p));
  return trie;
}

/** Every word of every phrase of a list. */
export function tokenSet(list: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const p of list) for (const t of phraseTokens(p)) out.add(t);
  return out;
}

/** The original text of tokens [s, e). */
export function span(raw: readonly string[], s: number, e: number): string {
  return raw.slice(s, e).join(' ');
}

/** The text of the first phrase of `trie` found in `tok` (read from `raw`), or null. */
export function firstMatch(
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
