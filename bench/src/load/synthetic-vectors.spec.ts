import { Rng } from '../harness/rng';
import { dot, nearestNeighbours, normaliseInPlace, perturbedSet, row } from './synthetic-vectors';

function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const rng = Rng.seeded(seed, 'spec');
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dimension }, () => rng.gaussian());
    normaliseInPlace(v);
    return v;
  });
}

describe('perturbedSet', () => {
  const bases = randomUnitVectors(20, 16, 1);

  it('keeps the real vectors first and makes every row unit length', () => {
    for (const noise of ['local', 'isotropic'] as const) {
      const set = perturbedSet(bases, { count: 100, seed: 3, noise });
      expect(set.count).toBe(100);
      expect(set.data.length).toBe(100 * 16);
      for (let i = 0; i < 20; i++) expect(Array.from(row(set, i))).toEqual(Array.from(bases[i]));
      for (let i = 0; i < 100; i++) expect(dot(row(set, i), row(set, i))).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic for a seed', () => {
    const a = perturbedSet(bases, { count: 60, seed: 3 });
    const b = perturbedSet(bases, { count: 60, seed: 3 });
    const c = perturbedSet(bases, { count: 60, seed: 4 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it('keeps perturbed vectors close to their base, closer with less noise', () => {
    const similarityToBase = (sigma: number) => {
      const set = perturbedSet(bases, { count: 200, seed: 5, noise: 'isotropic', sigma });
      let sum = 0;
      for (let i = 20; i < 200; i++) sum += dot(row(set, i), bases[i % 20]);
      return sum / 180;
    };
    // Isotropic noise of norm sigma: cosine to the base about 1 / sqrt(1 + sigma^2).
    expect(similarityToBase(0.3)).toBeCloseTo(1 / Math.sqrt(1 + 0.09), 1);
    expect(similarityToBase(0.1)).toBeGreaterThan(similarityToBase(0.5));
  });
});

describe('nearestNeighbours', () => {
  it('finds the most similar other vectors, best first', () => {
    const vs = [
      Float32Array.from([1, 0]),
      Float32Array.from([0.9, 0.1]),
      Float32Array.from([0, 1]),
      Float32Array.from([0.6, 0.4]),
    ];
    vs.forEach(normaliseInPlace);
    expect(nearestNeighbours(vs, 2)).toEqual([
      [1, 3],
      [0, 3],
      [3, 1],
      [1, 0],
    ]);
  });
});
