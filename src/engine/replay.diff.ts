// A small line diff (longest common subsequence) for replay output: a step is a dozen lines, so the
// quadratic table is nothing, and a dependency would be more code to trust than this.

export type DiffLine = { kind: 'same' | 'removed' | 'added'; text: string };

export function diffLines(expected: readonly string[], actual: readonly string[]): DiffLine[] {
  const n = expected.length;
  const m = actual.length;
  // lcs[i][j] = length of the LCS of expected[i..] and actual[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        expected[i] === actual[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (expected[i] === actual[j]) {
      out.push({ kind: 'same', text: expected[i] as string });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ kind: 'removed', text: expected[i++] as string });
    } else {
      out.push({ kind: 'added', text: actual[j++] as string });
    }
  }
  while (i < n) out.push({ kind: 'removed', text: expected[i++] as string });
  while (j < m) out.push({ kind: 'added', text: actual[j++] as string });
  return out;
}

export interface DiffStyle {
  removed: (s: string) => string;
  added: (s: string) => string;
}

export const plainStyle: DiffStyle = { removed: (s) => s, added: (s) => s };
export const ansiStyle: DiffStyle = {
  removed: (s) => `\u001b[31m${s}\u001b[39m`,
  added: (s) => `\u001b[32m${s}\u001b[39m`,
};

/** `- recorded` / `+ replayed` lines, unchanged lines as context. */
export function renderDiff(lines: readonly DiffLine[], indent = '', style: DiffStyle = plainStyle): string[] {
  return lines.map((l) =>
    l.kind === 'same'
      ? `${indent}  ${l.text}`
      : l.kind === 'removed'
        ? style.removed(`${indent}- ${l.text}`)
        : style.added(`${indent}+ ${l.text}`),
  );
}
