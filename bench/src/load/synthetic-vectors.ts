/**
 * Vector sets for the search benchmark with the cluster structure of real embeddings.
 *
 * Embedding 100,000 texts with the model takes well over an hour on a small machine, so the set is
 * grown from a few thousand real embeddings: the first `bases.length` vectors are the real ones,
 * and vector i beyond them is base[i mod B] plus Gaussian noise, renormalised to unit length.
 *
 * The noise model matters more than it seems. Isotropic noise (`isotropic`: every component
 * N(0, sigma^2 / d), so the noise has norm ~sigma) makes each base a cloud whose points are all
 * at the same similarity to any query from outside it (in 384 dimensions random noise is
 * orthogonal to everything): the exact top-10 is then decided by noise among hundreds of
 * near-ties, which no real index faces. Real embeddings vary along the directions in which the
 * texts differ. So the default (`local`) draws the noise from the base's own neighbourhood:
 * base + sigma * sum_j g_j (n_j - base) / sqrt(K) with g_j ~ N(0, 1) over its K nearest real
 * neighbours n_j (a Gaussian with the covariance of the real data around that point), plus a
 * little isotropic noise (`jitter`) so no two vectors coincide. New vectors thus lie between real
 * neighbours, in the regions real data occupies, and keep its nearest-neighbour structure.
 */
import { Rng } from '../harness/rng';

export interface VectorSet {
  dimension: number;
  count: number;
  /** Row-major, `count` x `dimension`, every row L2-normalised. */
  data: Float32Array;
}

export type NoiseModel = 'local' | 'isotropic';

export interface PerturbOptions {
  count: number;
  seed: number;
  /** Default `local`; see the file comment. */
  noise?: NoiseModel;
  /**
   * Noise scale: for `isotropic` the noise vector's norm; for `local` the standard deviation of
   * each neighbour direction's coefficient (default 0.3 for `isotropic`, 0.5 for `local`).
   */
  sigma?: number;
  /** `local` only: neighbours per base (default 10). */
  neighbours?: number;
  /** `local` only: norm of the isotropic jitter added on top (default 0.05). */
  jitter?: number;
}

export function perturbedSet(bases: readonly Float32Array[], options: PerturbOptions): VectorSet {
  if (bases.length === 0) throw new Error('perturbedSet needs at least one base vector');
  const dimension = bases[0].length;
  if (bases.some((b) => b.length !== dimension))
    throw new Error('base vectors differ in dimension');
  const { count } = options;
  const noise = options.noise ?? 'local';
  const sigma = options.sigma ?? (noise === 'local' ? 0.5 : 0.3);
  const jitter = noise === 'local' ? (options.jitter ?? 0.05) : sigma;
  const perComponent = jitter / Math.sqrt(dimension);
  const rng = Rng.seeded(options.seed, 'perturb', noise, sigma, jitter);
  const neighbours =
    noise === 'local' && count > bases.length
      ? nearestNeighbours(bases, Math.min(options.neighbours ?? 10, bases.length - 1))
      : [];
  const data = new Float32Array(count * dimension);
  for (let i = 0; i < count; i++) {
    const b = i % bases.length;
    const base = bases[b];
    const out = data.subarray(i * dimension, (i + 1) * dimension);
    out.set(base);
    if (i >= bases.length) {
      const near = neighbours[b] ?? [];
      const scale = near.length ? sigma / Math.sqrt(near.length) : 0;
      for (const n of near) {
        const g = scale * rng.gaussian();
        const other = bases[n];
        for (let j = 0; j < dimension; j++) out[j] += g * (other[j] - base[j]);
      }
      for (let j = 0; j < dimension; j++) out[j] += perComponent * rng.gaussian();
    }
    normaliseInPlace(out);
  }
  return { dimension, count, data };
}

/** For each vector, the indexes of its k most similar others (brute force; fine for thousands). */
export function nearestNeighbours(vectors: readonly Float32Array[], k: number): number[][] {
  return vectors.map((v, i) => {
    const top: Array<{ j: number; s: number }> = [];
    for (let j = 0; j < vectors.length; j++) {
      if (j === i) continue;
      const s = dot(v, vectors[j]);
      if (top.length === k && s <= top[k - 1].s) continue;
      let at = top.length;
      while (at > 0 && top[at - 1].s < s) at--;
      top.splice(at, 0, { j, s });
      if (top.length > k) top.pop();
    }
    return top.map((t) => t.j);
  });
}

/** Row i as a view (no copy). */
export function row(set: VectorSet, i: number): Float32Array {
  return set.data.subarray(i * set.dimension, (i + 1) * set.dimension);
}

export function normaliseInPlace(vector: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const norm = Math.sqrt(sum);
  if (norm === 0) throw new Error('cannot normalise a zero vector');
  for (let i = 0; i < vector.length; i++) vector[i] /= norm;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
