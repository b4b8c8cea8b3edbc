import { seededRandom } from '@matchstream/testing';
import { Rng } from './rng';

describe('seededRandom and Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });

  it('draws standard normal values', () => {
    const rng = Rng.seeded(1, 'gaussian');
    const values = Array.from({ length: 20000 }, () => rng.gaussian());
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('samples distinct items', () => {
    const rng = Rng.seeded(7);
    const picked = rng.sample([1, 2, 3, 4, 5], 3);
    expect(new Set(picked).size).toBe(3);
    expect(rng.sample([1, 2], 5).sort()).toEqual([1, 2]);
  });
});
