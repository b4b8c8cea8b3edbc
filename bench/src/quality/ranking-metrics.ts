/**
 * Ranking quality with graded-free (binary) relevance, as the dev set labels it: a resume is
 * relevant to a job when its category is mapped to the job's label.
 *
 * Every headline number is a macro average over job labels (the mean over labels of the mean over
 * that label's jobs), so a label with many jobs weighs no more than a small one; its 95% interval
 * is a bootstrap over jobs resampled with replacement within each label (as the set's baseline.py).
 */
import { seededRandom } from '@matchstream/testing';

/** Share of the first k ranked items that are relevant (k in the denominator, as baseline.py). */
export function precisionAtK(relevance: readonly boolean[], k: number): number {
  let hits = 0;
  for (let i = 0; i < Math.min(k, relevance.length); i++) if (relevance[i]) hits++;
  return hits / k;
}

/** nDCG@k with binary gains; the ideal ranking puts min(k, relevantTotal) relevant items first. */
export function ndcgAtK(relevance: readonly boolean[], k: number, relevantTotal: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, relevance.length); i++) {
    if (relevance[i]) dcg += 1 / Math.log2(i + 2);
  }
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevantTotal); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** 1 / rank of the first relevant item over the whole ranking; 0 when none is relevant. */
export function reciprocalRank(relevance: readonly boolean[]): number {
  const first = relevance.indexOf(true);
  return first < 0 ? 0 : 1 / (first + 1);
}

/** Per-job values grouped by job label. */
export type ByLabel = ReadonlyMap<string, readonly number[]>;

export function macroAverage(values: ByLabel): number {
  let sum = 0;
  for (const v of values.values()) sum += mean(v);
  return sum / values.size;
}

export function microAverage(values: ByLabel): number {
  return mean([...values.values()].flat());
}

export interface Interval {
  low: number;
  high: number;
}

export const BOOTSTRAP_REPLICATES = 2000;
export const BOOTSTRAP_SEED = 7;

/**
 * 95% percentile bootstrap interval of the macro average: each replicate resamples every label's
 * jobs with replacement (same count) and takes the macro average; the interval is the 2.5th and
 * 97.5th percentiles of the replicates, indexed as baseline.py does. The generator is a seeded
 * mulberry32, not Python's Mersenne Twister, so bounds agree with baseline.py to about ±0.005,
 * not digit for digit.
 */
export function bootstrapMacroInterval(
  values: ByLabel,
  replicates = BOOTSTRAP_REPLICATES,
  seed = BOOTSTRAP_SEED,
): Interval {
  const random = seededRandom(seed);
  const labels = [...values.values()];
  const stats: number[] = [];
  for (let r = 0; r < replicates; r++) {
    let sum = 0;
    for (const v of labels) {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[Math.floor(random() * v.length)];
      sum += s / v.length;
    }
    stats.push(sum / labels.length);
  }
  stats.sort((a, b) => a - b);
  return {
    low: stats[Math.floor(0.025 * replicates)],
    high: stats[Math.floor(0.975 * replicates) - 1],
  };
}

export interface Difference extends Interval {
  /** Macro average of a less that of b. */
  difference: number;
}

/**
 * 95% paired bootstrap interval of the difference of two scorings' macro averages over the same
 * jobs (values of each label in the same job order): each replicate draws one resample of every
 * label's jobs and takes both scorings' macro averages on it. Far narrower than comparing each
 * scoring's own interval when the scorings rank alike, as variants of one score do.
 */
export function pairedBootstrapDifference(
  a: ByLabel,
  b: ByLabel,
  replicates = BOOTSTRAP_REPLICATES,
  seed = BOOTSTRAP_SEED,
): Difference {
  const labels = [...a.keys()];
  const pairs = labels.map((label) => {
    const x = a.get(label) ?? [];
    const y = b.get(label);
    if (!y || y.length !== x.length)
      throw new Error(`label ${label}: the scorings judge other jobs`);
    return { x, y };
  });
  if (b.size !== a.size) throw new Error('the scorings judge other labels');
  const random = seededRandom(seed);
  const stats: number[] = [];
  for (let r = 0; r < replicates; r++) {
    let sum = 0;
    for (const { x, y } of pairs) {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        const pick = Math.floor(random() * x.length);
        s += x[pick] - y[pick];
      }
      sum += s / x.length;
    }
    stats.push(sum / pairs.length);
  }
  stats.sort((p, q) => p - q);
  return {
    difference: macroAverage(a) - macroAverage(b),
    low: stats[Math.floor(0.025 * replicates)],
    high: stats[Math.floor(0.975 * replicates) - 1],
  };
}

function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty sample');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
