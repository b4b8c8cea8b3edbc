import { recallAtK } from '@matchstream/vector-index';
import type { VectorHit } from '@matchstream/vector-index';

const hits = (...ids: string[]): VectorHit[] =>
  ids.map((id, i) => ({ id, similarity: 1 - i / 10 }));

describe('recallAtK', () => {
  it('is 1 for identical lists and 0 for disjoint ones', () => {
    expect(recallAtK([hits('a', 'b')], [hits('a', 'b')], 2)).toBe(1);
    expect(recallAtK([hits('c', 'd')], [hits('a', 'b')], 2)).toBe(0);
  });

  it('ignores order and anything beyond k', () => {
    // Top-2 of approx is {b, x}; top-2 of exact is {a, b}: one of two found.
    expect(recallAtK([hits('b', 'x', 'a')], [hits('a', 'b', 'c')], 2)).toBe(0.5);
  });

  it('divides by min(k, |exact|) and averages over queries', () => {
    // Query 1: 1 of the 2 exact hits found (k = 3 > |exact| = 2) -> 0.5.
    // Query 2: 3 of 3 -> 1. Query 3: empty exact answer counts as 1.
    const approx = [hits('a', 'z', 'y'), hits('c', 'b', 'a'), hits('q')];
    const exact = [hits('a', 'b'), hits('a', 'b', 'c', 'd'), []];
    expect(recallAtK(approx, exact, 3)).toBeCloseTo((0.5 + 1 + 1) / 3, 12);
  });

  it('does not count a duplicated approximate id twice', () => {
    expect(recallAtK([hits('a', 'a')], [hits('a', 'b')], 2)).toBe(0.5);
  });

  it('rejects mismatched inputs', () => {
    expect(() => recallAtK([hits('a')], [], 1)).toThrow(/one approximate and one exact/);
    expect(() => recallAtK([], [], 1)).toThrow(/at least one query/);
    expect(() => recallAtK([hits('a')], [hits('a')], 0)).toThrow(/k must be/);
  });
});
