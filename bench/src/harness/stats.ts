/**
 * Small statistics helpers for the benchmarks.
 *
 * Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value at
 * rank ceil(p / 100 * n) (1-based; rank 1 for p = 0). It always returns one of the measured values
 * and never interpolates, so p99 of a latency sample is a latency that really happened; with
 * 1..100 as input, p50 is 50, p90 is 90 and p99 is 99.
 */

/** Nearest-rank percentile of `values` (any order). p in [0, 100]. Throws on an empty input. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(sortNumbers(values), p);
}

/** The same on values already sorted ascending (cheaper when several percentiles are needed). */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be in [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty sample');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Items per second for `count` items in `elapsedMs` milliseconds. */
export function throughput(count: number, elapsedMs: number): number {
  if (!(elapsedMs > 0)) throw new Error(`elapsed time must be positive, got ${elapsedMs}`);
  return (count * 1000) / elapsedMs;
}

/** a / b, or null when b is 0 or either is not finite (a ratio that cannot be stated). */
export function ratio(a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Count, min, nearest-rank p50/p90/p99, max and mean of a non-empty sample. */
export function summarize(values: readonly number[]): Summary {
  const sorted = sortNumbers(values);
  return {
    count: sorted.length,
    min: sorted[0],
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: mean(sorted),
  };
}

/** Milliseconds since `start` (a performance.now() reading). */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}

function sortNumbers(values: readonly number[]): number[] {
  for (const v of values) {
    if (!Number.isFinite(v)) throw new Error(`sample contains a non-finite value: ${v}`);
  }
  return [...values].sort((a, b) => a - b);
}

/** Least-squares slope of y against x. */
export function leastSquaresSlope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}
