/**
 * Inner product of `a[aOffset..]` and `b[bOffset..]` over `length` elements, in four lanes.
 * Symmetric bit for bit (dotProduct(a, b) === dotProduct(b, a)): each product of two float32
 * values is exact in float64 and the lanes sum in index order whichever side is the query. Exact
 * ranking maintenance relies on that: a pair scored from either side must score the same.
 */
export function dotProduct(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  length: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[aOffset + i] * b[bOffset + i];
    s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
    s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
    s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < length; i++) s0 += a[aOffset + i] * b[bOffset + i];
  return s0 + s1 + (s2 + s3);
}

/**
 * The similarity of a pair as every ranking path computes it (maintenance, search, the audit):
 * one function, so a pair scores the same bits whichever path ranks it and near-ties break alike.
 * Both vectors as the index stores them (normalised by hnswlib).
 */
export function pairSimilarity(a: Float32Array, b: Float32Array): number {
  return dotProduct(a, 0, b, 0, a.length);
}
