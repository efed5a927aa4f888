// Axis ticks for the analytics charts. Risk covered: tick labels that repeat once rounded ("0 0 1 1 1" for
// a count axis up to 1) and an axis that runs far past the data (0–12 for a largest bar of 6).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisTicks } from '../../src/server/client/analytics.charts.ts';

describe('axisTicks', () => {
  it('gives the tight, readable axes a person would draw', () => {
    expect(axisTicks(6, true)).toEqual([0, 2, 4, 6]);
    expect(axisTicks(1, true)).toEqual([0, 1]);
    expect(axisTicks(0, true)).toEqual([0, 1]);
    expect(axisTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(axisTicks(37)).toEqual([0, 10, 20, 30, 40]);
  });

  it('always covers the largest value, ends within one step of it, and never repeats a rounded count', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.boolean(), (largest, whole) => {
        const ticks = axisTicks(largest, whole);
        const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
        const top = ticks.at(-1) ?? 0;
        expect(ticks[0]).toBe(0);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(whole ? 7 : 6);
        expect(top).toBeGreaterThanOrEqual(largest);
        expect(top - Math.max(largest, whole ? 1 : 0)).toBeLessThan(step);
        if (whole) expect(new Set(ticks.map(Math.round)).size).toBe(ticks.length);
      }),
    );
  });
});
