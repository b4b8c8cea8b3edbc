import { exactSearch } from '@matchstream/vector-index';
import type { VectorLike } from '@matchstream/vector-index';

const s = Math.SQRT1_2;
const entries: Array<[string, VectorLike]> = [
  ['x', [1, 0, 0]],
  ['y', [0, 1, 0]],
  ['xy', [s, s, 0]],
  ['minus-x', new Float32Array([-1, 0, 0])],
  ['also-x', [1, 0, 0]],
];

describe('exactSearch', () => {
  it('ranks by cosine similarity, highest first, ties by id', () => {
    const hits = exactSearch(entries, [1, 0, 0], 5);
    expect(hits.map((h) => h.id)).toEqual(['also-x', 'x', 'xy', 'y', 'minus-x']);
    expect(hits.map((h) => h.similarity)).toEqual([1, 1, expect.closeTo(s, 10), 0, -1]);
  });

  it('truncates to k and applies the filter before ranking', () => {
    expect(exactSearch(entries, [1, 0, 0], 2).map((h) => h.id)).toEqual(['also-x', 'x']);
    const hits = exactSearch(entries, [1, 0, 0], 2, (id) => !id.includes('x') || id === 'xy');
    expect(hits).toEqual([
      { id: 'xy', similarity: expect.closeTo(s, 10) },
      { id: 'y', similarity: 0 },
    ]);
    expect(exactSearch(entries, [1, 0, 0], 0)).toEqual([]);
    expect(exactSearch([], [1, 0, 0], 3)).toEqual([]);
  });

  it('matches a full sort for any k, ties included', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296 - 0.5;
    };
    const base = Array.from({ length: 100 }, () => [rand(), rand(), rand(), rand()]);
    // Every vector appears five times under different ids, so ties are everywhere.
    const many: Array<[string, number[]]> = [];
    base.forEach((v, i) => {
      for (let c = 0; c < 5; c++) many.push([`id-${(i * 37 + c * 11) % 500}`, v]);
    });
    const query = [0.3, -0.2, 0.9, 0.1];
    const full = exactSearch(many, query, many.length);
    for (let i = 1; i < full.length; i++) {
      const [a, b] = [full[i - 1], full[i]];
      expect(a.similarity > b.similarity || (a.similarity === b.similarity && a.id < b.id)).toBe(
        true,
      );
    }
    for (const k of [1, 7, 64, 499, 600]) {
      expect(exactSearch(many, query, k)).toEqual(full.slice(0, k));
    }
  });

  it('divides out norms, so unnormalised inputs score as cosine', () => {
    const hits = exactSearch([['a', [3, 4, 0]]], [0, 2, 0], 1);
    expect(hits[0].similarity).toBeCloseTo(0.8, 10);
  });

  it('rejects mismatched dimensions, non-finite values and bad k', () => {
    expect(() => exactSearch(entries, [1, 0], 1)).toThrow(/dimension 3, expected 2/);
    expect(() => exactSearch(entries, [NaN, 0, 0], 1)).toThrow(/non-finite/);
    expect(() => exactSearch([['bad', [NaN, 0, 0]]], [1, 0, 0], 1)).toThrow(/'bad'/);
    expect(() => exactSearch(entries, [1, 0, 0], -1)).toThrow(/k must be/);
    expect(() => exactSearch(entries, [0, 0, 0], 1)).toThrow(/zero vector/);
  });
});
