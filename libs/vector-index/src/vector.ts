// Bound once because it runs per component: inside a vm context (jest) every `Number.x` lookup
// goes through the context's global object and costs far more than the check itself.
export const isFiniteNumber = Number.isFinite;

/** A vector as callers hold it; hnswlib-node itself only accepts plain arrays. */
export type VectorLike = Float32Array | number[];

/** One search result. `similarity` is cosine similarity (1 - cosine distance), higher is closer. */
export interface VectorHit {
  id: string;
  similarity: number;
}

/**
 * Copies a vector into a plain array, rejecting wrong lengths, non-finite values and zero vectors:
 * hnswlib-node would silently coerce NaN/undefined to garbage floats, and a zero vector has no
 * direction, so its cosine distance to everything is meaningless.
 */
export function toCheckedArray(vector: VectorLike, dimension: number, what: string): number[] {
  if (!isVectorLike(vector)) {
    throw new Error(`${what} must be a Float32Array or an array of numbers`);
  }
  if (vector.length !== dimension) {
    throw new Error(`${what} has dimension ${vector.length}, expected ${dimension}`);
  }
  const out = new Array<number>(dimension);
  let squaredNorm = 0;
  for (let i = 0; i < dimension; i++) {
    const value = vector[i];
    if (typeof value !== 'number' || !isFiniteNumber(value)) {
      throw new Error(`${what} has a non-finite value at position ${i}: ${String(value)}`);
    }
    out[i] = value;
    squaredNorm += value * value;
  }
  if (squaredNorm === 0) {
    throw new Error(`${what} is a zero vector, which has no cosine similarity to anything`);
  }
  return out;
}

export function assertK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0) {
    throw new Error(`k must be a non-negative integer, got ${String(k)}`);
  }
}

/** Similarity descending, then id ascending, so equal scores still give a stable order. */
export function compareHits(a: VectorHit, b: VectorHit): number {
  if (a.similarity !== b.similarity) return b.similarity - a.similarity;
  if (a.id < b.id) return -1;
  return a.id > b.id ? 1 : 0;
}

function isVectorLike(vector: unknown): vector is VectorLike {
  // The tag check rather than instanceof: typed arrays from another realm (jest's vm contexts,
  // worker threads) fail instanceof Float32Array.
  return (
    Array.isArray(vector) || Object.prototype.toString.call(vector) === '[object Float32Array]'
  );
}
