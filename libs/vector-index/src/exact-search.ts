import { assertK, compareHits, isFiniteNumber } from './vector';
import type { VectorHit, VectorLike } from './vector';

// Bound once for the per-entry path; see isFiniteNumber for why global lookups matter here.
const sqrt = Math.sqrt;

/**
 * Brute-force cosine top-k: the ground truth for recall measurements and the fallback when a
 * filtered HNSW search comes back short. Results are sorted by similarity descending, ties by id.
 * Vectors are expected to be L2-normalised; norms are still divided out so that slightly
 * denormalised inputs score exactly as in the cosine-space HNSW index.
 */
export function exactSearch(
  entries: Iterable<[string, VectorLike]>,
  query: VectorLike,
  k: number,
  filter?: (id: string) => boolean,
): VectorHit[] {
  assertK(k);
  const dimension = query.length;
  let queryNorm = 0;
  for (let i = 0; i < dimension; i++) {
    const value = query[i];
    if (!isFiniteNumber(value)) {
      throw new Error(`query vector has a non-finite value at position ${i}: ${String(value)}`);
    }
    queryNorm += value * value;
  }
  if (queryNorm === 0) throw new Error('query vector is a zero vector');
  queryNorm = sqrt(queryNorm);
  if (k === 0) return [];

  // Bounded, best-first top-k: sorting every scored entry costs more than the dot products
  // once n is in the thousands, and most entries never beat the current k-th hit.
  const top: VectorHit[] = [];
  for (const [id, vector] of entries) {
    if (filter !== undefined && !filter(id)) continue;
    if (vector.length !== dimension) {
      throw new Error(`vector for '${id}' has dimension ${vector.length}, expected ${dimension}`);
    }
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < dimension; i++) {
      const value = vector[i];
      dot += value * query[i];
      norm += value * value;
    }
    // A zero vector scores 0, which is what hnswlib's cosine space yields for it too.
    const similarity = norm === 0 ? 0 : dot / (sqrt(norm) * queryNorm);
    if (!isFiniteNumber(similarity)) {
      throw new Error(`vector for '${id}' contains a non-finite value`);
    }
    const hit = { id, similarity };
    if (top.length === k && compareHits(hit, top[k - 1]) >= 0) continue;
    let low = 0;
    let high = top.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareHits(top[mid], hit) <= 0) low = mid + 1;
      else high = mid;
    }
    top.splice(low, 0, hit);
    if (top.length > k) top.pop();
  }
  return top;
}
