/**
 * What a uniformly random ranking scores in expectation, exactly (no sampling): with r relevant
 * resumes among n, every position is relevant with probability r / n.
 */
export function expectedRandom(
  n: number,
  relevant: number,
  k: number,
): { p: number; ndcg: number; rr: number } {
  const share = relevant / n;
  let discounted = 0;
  let ideal = 0;
  for (let i = 0; i < k; i++) {
    discounted += share / Math.log2(i + 2);
    if (i < relevant) ideal += 1 / Math.log2(i + 2);
  }
  // P(first relevant at rank j) = P(none in the first j - 1) · r / (n - j + 1).
  let rr = 0;
  let noneYet = 1;
  for (let j = 1; j <= n - relevant + 1 && noneYet > 0; j++) {
    rr += (noneYet * relevant) / (n - j + 1) / j;
    noneYet *= (n - relevant - (j - 1)) / (n - (j - 1));
  }
  return { p: share, ndcg: ideal ? discounted / ideal : 0, rr };
}
