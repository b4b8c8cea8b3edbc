/**
 * The choice `npm run bench:quality` makes from its measurements: each configuration's P@10 on
 * every labelled set beside BM25's on that set, the worst ratio across sets, and the default as the
 * configuration with the best worst case among those that beat BM25 on every set. Also each
 * configuration's calibrated floor on the match score. Pure functions of the measured figures, so
 * the rule is tested without a model.
 */
import type { Interval } from './ranking-metrics';

export interface SetFigure {
  set: string;
  p10: number;
  p10Interval: Interval;
}

export interface ConfigSetComparison extends SetFigure {
  bm25: number;
  /** P@10 / BM25's P@10 on the same set. */
  ratio: number;
}

export interface ConfigComparison {
  name: string;
  perSet: ConfigSetComparison[];
  /** The lowest ratio to BM25 across sets: what the default is chosen by. */
  worstRatio: number;
  worstSet: string;
  /** Ahead of BM25's point estimate on every set: only such a configuration can be the default. */
  beatsBm25Everywhere: boolean;
}

export interface DefaultChoice {
  /** Null when no configuration beats BM25 on every set. */
  chosen: string | null;
  /** The eligible configuration with the next best worst case, if any. */
  runnerUp: string | null;
  /**
   * Whether the runner-up's P@10 falls inside the chosen one's 95% interval on some set: then the
   * order of the two is not established by this run, and the report says so.
   */
  marginInsideInterval: boolean;
  reason: string;
}

export function compareConfig(
  name: string,
  figures: readonly SetFigure[],
  bm25BySet: ReadonlyMap<string, number>,
): ConfigComparison {
  if (figures.length === 0) throw new Error(`${name}: no set measured`);
  const perSet = figures.map((f) => {
    const bm25 = bm25BySet.get(f.set);
    if (bm25 === undefined) throw new Error(`${name}: no BM25 figure for ${f.set}`);
    return { ...f, bm25, ratio: f.p10 / bm25 };
  });
  const worst = perSet.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return {
    name,
    perSet,
    worstRatio: worst.ratio,
    worstSet: worst.set,
    beatsBm25Everywhere: perSet.every((s) => s.p10 > s.bm25),
  };
}

/**
 * The eligible configuration with the best worst ratio leads; but a margin inside its 95% interval
 * is no evidence, so every eligible configuration whose P@10 lies inside the leader's interval on
 * every set counts as tied with it, and of those the one listed first is chosen (the list's order
 * is the preference where measurement does not separate: cheaper and simpler first).
 */
export function chooseDefault(comparisons: readonly ConfigComparison[]): DefaultChoice {
  const eligible = comparisons.filter((c) => c.beatsBm25Everywhere);
  if (eligible.length === 0) {
    return {
      chosen: null,
      runnerUp: null,
      marginInsideInterval: false,
      reason: 'no configuration beats BM25 on every set',
    };
  }
  const byWorst = [...eligible].sort((a, b) => b.worstRatio - a.worstRatio);
  const leader = byWorst[0];
  const insideLeader = (c: ConfigComparison) =>
    leader.perSet.every((s) => {
      const other = c.perSet.find((o) => o.set === s.set);
      return other !== undefined && other.p10 >= s.p10Interval.low;
    });
  const chosen = eligible.find((c) => c === leader || insideLeader(c)) ?? leader;
  const runnerUp = chosen === leader ? (byWorst[1] ?? null) : leader;
  const inside = runnerUp !== null && insideLeader(runnerUp);
  const worst = (c: ConfigComparison) => `${c.worstRatio.toFixed(3)} on ${c.worstSet}`;
  const reason =
    chosen === leader
      ? `best worst-case ratio to BM25 (${worst(chosen)}) among configurations ahead of BM25 on every set` +
        (runnerUp
          ? `; next ${runnerUp.name} at ${worst(runnerUp)}${inside ? ', inside the 95% interval on every set: not a measured lead' : ''}`
          : '')
      : `${leader.name} has the best worst-case ratio (${worst(leader)}), ${chosen.name} ${worst(chosen)}: ` +
        `inside ${leader.name}'s 95% interval on every set, so not a measured difference; ${chosen.name} is listed first`;
  return {
    chosen: chosen.name,
    runnerUp: runnerUp?.name ?? null,
    marginInsideInterval: inside,
    reason,
  };
}

/** Whether a scoring lever beats the shipped scoring where it is weakest, beyond the interval. */
export interface LeverVerdict {
  /** The lever's worst ratio to BM25 less the shipped scoring's. */
  worstRatioGain: number;
  /** The shipped scoring's worst ratio at the top of its 95% intervals: min over sets of high / BM25. */
  shippedWorstHigh: number;
  /**
   * Sets where the lever measurably loses: its P@10 below the shipped scoring's 95% interval, or
   * the paired interval of the difference wholly below zero (the stricter of the two, usually).
   */
  losesOn: string[];
  /**
   * The lever's worst ratio is above shippedWorstHigh (its worst case beats the shipped one's best
   * plausible worst case) and it measurably loses on no set.
   */
  beyondInterval: boolean;
}

export function judgeLever(
  lever: ConfigComparison,
  shipped: ConfigComparison,
  /** The lever's P@10 less the shipped scoring's per set, with its paired 95% interval. */
  differences: readonly (Interval & { set: string })[] = [],
): LeverVerdict {
  const shippedWorstHigh = Math.min(...shipped.perSet.map((s) => s.p10Interval.high / s.bm25));
  const losesOn = shipped.perSet
    .filter((s) => {
      const other = lever.perSet.find((o) => o.set === s.set);
      const paired = differences.find((d) => d.set === s.set);
      return other === undefined || other.p10 < s.p10Interval.low || (paired?.high ?? 0) < 0;
    })
    .map((s) => s.set);
  return {
    worstRatioGain: lever.worstRatio - shipped.worstRatio,
    shippedWorstHigh,
    losesOn,
    beyondInterval: lever.worstRatio > shippedWorstHigh && losesOn.length === 0,
  };
}

/**
 * A calibrated floor sits at FLOOR_ALLOWANCE below this quantile of the hybrid scores of relevant
 * pairs (a job with a resume of a category its label maps to; the labelled sets' postings list no
 * skills, so those scores are the model's similarity range with neutral structured terms), the
 * mean over the labelled sets. The quantile places the floor at the same point of each model's own
 * range; the allowance, the same for every model, is room for structured shortfall (required skills
 * a candidate lacks) that the prose sets cannot show. Both are fixed once, from the floor reviewed
 * for the former default model (bench/results/README.md says how).
 */
export const FLOOR_QUANTILE = 0.05;
export const FLOOR_ALLOWANCE = 0.09;

/**
 * A model's floor from each set's relevant-pair quantiles (0.01 … 0.99, as the quality run
 * reports them): the mean over sets of the FLOOR_QUANTILE, less FLOOR_ALLOWANCE, rounded down to
 * 0.01 so that it never cuts more than the rule says.
 */
export function calibratedFloor(
  quantilesPerSet: readonly (readonly number[])[],
  quantile = FLOOR_QUANTILE,
  allowance = FLOOR_ALLOWANCE,
): number {
  if (quantilesPerSet.length === 0) throw new Error('no set to calibrate on');
  const index = Math.round(quantile * 100) - 1;
  if (index < 0 || index > 98) throw new Error(`quantile ${quantile} is outside 0.01 … 0.99`);
  const values = quantilesPerSet.map((q) => {
    if (q.length !== 99) throw new Error(`expected 99 quantiles, got ${q.length}`);
    return q[index];
  });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(0, Math.floor((mean - allowance) * 100 + 1e-9) / 100);
}

export interface FloorEffect {
  floor: number;
  /** Mean matches a job keeps among its top 10 at this floor. */
  meanKeptPerJob: number;
  /** Share of jobs left with no match. */
  jobsLeftEmpty: number;
}

/** What a floor does to each job's top 10 (scores best first). */
export function floorEffect(top10: readonly (readonly number[])[], floor: number): FloorEffect {
  const kept = top10.map((list) => list.filter((s) => s >= floor).length);
  return {
    floor,
    meanKeptPerJob: kept.reduce((a, b) => a + b, 0) / Math.max(1, kept.length),
    jobsLeftEmpty: kept.filter((k) => k === 0).length / Math.max(1, kept.length),
  };
}
