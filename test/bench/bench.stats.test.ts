// The bench's statistics. Risk covered: a wrong percentile making every reported p99 wrong.
import { describe, expect, it } from 'vitest';
import { percentile, round, summarize } from '../../bench/bench.stats.ts';
import { stageShares } from '../../bench/engine.bench.ts';

describe('bench statistics', () => {
  it('nearest-rank percentiles, mean and rounding', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    const s = summarize(values);
    expect(s).toEqual({ n: 100, mean: 50.5, p50: 50, p99: 99 });
    expect(percentile([1, 2, 3], 100)).toBe(3);
    expect(percentile([7], 1)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(round(1234.5678)).toBe(1235); // three significant digits, but never fewer than the integer part
    expect(round(0.0012345)).toBe(0.00123);
  });

  it('stage shares add up to 1, slowest first', () => {
    const zero = { load: 0, idempotency: 0, detect: 0, transition: 0, commit: 0, followups: 0, publish: 0 };
    const shares = stageShares([
      { ...zero, load: 1, commit: 3 },
      { ...zero, load: 1, commit: 1, publish: 2 },
    ]);
    expect(shares[0]).toEqual({ stage: 'commit', meanMs: 2, share: 0.5 });
    expect(shares[1]).toEqual({ stage: 'load', meanMs: 1, share: 0.25 });
    expect(shares.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1);
  });
});
