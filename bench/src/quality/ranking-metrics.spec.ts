import { seededRandom } from '@matchstream/testing';
import { evaluate } from './evaluate';
import {
  bootstrapMacroInterval,
  macroAverage,
  microAverage,
  ndcgAtK,
  pairedBootstrapDifference,
  precisionAtK,
  reciprocalRank,
} from './ranking-metrics';
import { expectedRandom } from './random-baseline';

// A tiny fixture: rankings of five items, true = relevant.
const T = true;
const F = false;

describe('ranking metrics', () => {
  it('precision@k counts relevant items among the first k, k in the denominator', () => {
    expect(precisionAtK([T, F, T, F, F], 2)).toBe(0.5);
    expect(precisionAtK([T, F, T, F, F], 5)).toBe(0.4);
    expect(precisionAtK([T, T], 10)).toBe(0.2);
  });

  it('nDCG@k is 1 for an ideal ranking and discounts late hits by log2(rank + 1)', () => {
    expect(ndcgAtK([T, T, F, F], 4, 2)).toBeCloseTo(1, 10);
    // One relevant item at rank 2 of two relevant ones: (1/log2 3) / (1 + 1/log2 3).
    const expected = 1 / Math.log2(3) / (1 + 1 / Math.log2(3));
    expect(ndcgAtK([F, T, F, F], 4, 2)).toBeCloseTo(expected, 10);
    expect(ndcgAtK([F, F, F], 3, 0)).toBe(0);
  });

  it('reciprocal rank is 1 / the rank of the first relevant item, 0 without one', () => {
    expect(reciprocalRank([F, F, T, T])).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRank([F, F])).toBe(0);
  });

  it('macro averages over labels, micro over jobs', () => {
    const byLabel = new Map([
      ['a', [1, 0, 1, 0]],
      ['b', [1]],
    ]);
    expect(macroAverage(byLabel)).toBeCloseTo(0.75, 10);
    expect(microAverage(byLabel)).toBeCloseTo(0.6, 10);
  });

  it('bootstraps an interval around the macro average, reproducibly for a seed', () => {
    const byLabel = new Map([
      ['a', [0.1, 0.5, 0.3, 0.2, 0.6]],
      ['b', [0.4, 0.4, 0.8]],
    ]);
    const first = bootstrapMacroInterval(byLabel, 500, 7);
    expect(bootstrapMacroInterval(byLabel, 500, 7)).toEqual(first);
    expect(first.low).toBeLessThan(macroAverage(byLabel));
    expect(first.high).toBeGreaterThan(macroAverage(byLabel));
    // A label whose jobs all score the same contributes no spread.
    expect(bootstrapMacroInterval(new Map([['c', [0.3, 0.3]]]), 100, 7)).toEqual({
      low: 0.3,
      high: 0.3,
    });
  });

  it('draws uniform numbers in [0, 1) from a seed', () => {
    const draws = Array.from({ length: 10000 }, seededRandom(7));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 1);
  });

  it('evaluates judged jobs into macro figures with per-label P@10', () => {
    const figures = evaluate([
      { label: 'x', relevance: [T, F, F, F, F, F, F, F, F, F, T], relevantTotal: 2 },
      { label: 'x', relevance: [F, T], relevantTotal: 1 },
      { label: 'y', relevance: [T, T, T, T, T, T, T, T, T, T], relevantTotal: 10 },
    ]);
    expect(figures.p10ByLabel).toEqual({ x: 0.1, y: 1 });
    expect(figures.p10).toBeCloseTo(0.55, 10);
    expect(figures.mrr).toBeCloseTo((0.75 + 1) / 2, 10);
    expect(figures.ndcg10).toBeGreaterThan(0.5);
  });

  it('pairs the bootstrap of a difference: a constant shift has a point interval', () => {
    const a = new Map([
      ['x', [0.5, 0.7, 0.9]],
      ['y', [0.2, 0.4]],
    ]);
    const shifted = new Map([...a].map(([label, v]) => [label, v.map((p) => p - 0.1)]));
    const d = pairedBootstrapDifference(a, shifted);
    expect(d.difference).toBeCloseTo(0.1, 12);
    expect(d.low).toBeCloseTo(0.1, 12);
    expect(d.high).toBeCloseTo(0.1, 12);
    // Unrelated noise: the interval holds the observed difference and is wider.
    const noisy = new Map([
      ['x', [0.9, 0.1, 0.8]],
      ['y', [0.3, 0.0]],
    ]);
    const n = pairedBootstrapDifference(a, noisy);
    expect(n.low).toBeLessThanOrEqual(n.difference);
    expect(n.high).toBeGreaterThanOrEqual(n.difference);
    expect(n.high - n.low).toBeGreaterThan(0.1);
    expect(() => pairedBootstrapDifference(a, new Map([['x', [1]]]))).toThrow(/other/);
  });

  it('gives the exact expectation of a random ranking', () => {
    // Two items, one relevant: rank 1 or 2 with equal chance.
    expect(expectedRandom(2, 1, 1).rr).toBeCloseTo(0.75, 10);
    expect(expectedRandom(10, 3, 10).p).toBeCloseTo(0.3, 10);
    expect(expectedRandom(5, 5, 5).ndcg).toBeCloseTo(1, 10);
  });
});
