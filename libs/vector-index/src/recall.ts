import type { VectorHit } from './vector';

/**
 * Mean over queries of |top-k ids of approx_i ∩ top-k ids of exact_i| / min(k, |exact_i|).
 * A query whose exact answer is empty counts as fully recalled: there was nothing to find.
 */
export function recallAtK(approx: VectorHit[][], exact: VectorHit[][], k: number): number {
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new Error(`k must be a positive integer, got ${String(k)}`);
  }
  if (approx.length !== exact.length) {
    throw new Error(
      `recallAtK needs one approximate and one exact result list per query, got ${approx.length} and ${exact.length}`,
    );
  }
  // A mean over zero queries is undefined; returning NaN or 1 would hide a broken benchmark.
  if (exact.length === 0) throw new Error('recallAtK needs at least one query');

  let total = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set(exact[q].slice(0, k).map((hit) => hit.id));
    if (truth.size === 0) {
      total += 1;
      continue;
    }
    // A Set so that a duplicated id in the approximate list cannot be counted twice.
    const found = new Set(approx[q].slice(0, k).map((hit) => hit.id));
    let matched = 0;
    for (const id of found) if (truth.has(id)) matched++;
    total += matched / truth.size;
  }
  return total / exact.length;
}
