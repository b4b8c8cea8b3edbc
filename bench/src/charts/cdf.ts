import type { Summary } from '../harness/stats';

export type CdfPoint = [value: number, share: number];

/**
 * The empirical CDF of a sample as [value, share of the sample at or below it], from (min, 0),
 * thinned to at most `maxPoints` steps so a long run's JSON stays small; the last step is always
 * the maximum at 1.
 */
export function cdfPoints(values: readonly number[], maxPoints = 200): CdfPoint[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const steps = Math.min(n, Math.max(1, maxPoints));
  const points: CdfPoint[] = [[sorted[0], 0]];
  for (let i = 1; i <= steps; i++) {
    const rank = Math.ceil((i * n) / steps);
    points.push([sorted[rank - 1], Number((rank / n).toPrecision(6))]);
  }
  return points;
}

/** What a summary knows of its CDF (results written before the CDF was kept): five points. */
export function cdfFromSummary(s: Summary): CdfPoint[] {
  return [
    [s.min, 0],
    [s.p50, 0.5],
    [s.p90, 0.9],
    [s.p99, 0.99],
    [s.max, 1],
  ];
}
