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
