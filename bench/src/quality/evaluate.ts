/**
 * Turns rankings into the report's figures: per scoring method, P@10 (macro over job labels, with
 * its bootstrap interval, and micro), nDCG@10 and MRR (macro).
 */
import {
  bootstrapMacroInterval,
  macroAverage,
  microAverage,
  ndcgAtK,
  precisionAtK,
  reciprocalRank,
} from './ranking-metrics';
import type { Interval } from './ranking-metrics';

export const TOP_K = 10;

export interface QualityFigures {
  p10: number;
  p10Interval: Interval;
  p10Micro: number;
  ndcg10: number;
  mrr: number;
  /** Mean P@10 of each label's jobs. */
  p10ByLabel: Record<string, number>;
}

export interface JudgedJob {
  label: string;
  /** Relevance of the ranked resumes, best first (the whole ranking, for MRR). */
  relevance: boolean[];
  /** Relevant resumes in the whole pool (nDCG's ideal ranking). */
  relevantTotal: number;
}

export function evaluate(jobs: readonly JudgedJob[]): QualityFigures {
  const p10 = new Map<string, number[]>();
  const ndcg = new Map<string, number[]>();
  const rr = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, label: string, value: number) => {
    const list = map.get(label);
    if (list) list.push(value);
    else map.set(label, [value]);
  };
  for (const job of jobs) {
    push(p10, job.label, precisionAtK(job.relevance, TOP_K));
    push(ndcg, job.label, ndcgAtK(job.relevance, TOP_K, job.relevantTotal));
    push(rr, job.label, reciprocalRank(job.relevance));
  }
  const sorted = new Map([...p10.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    p10: macroAverage(sorted),
    p10Interval: bootstrapMacroInterval(sorted),
    p10Micro: microAverage(sorted),
    ndcg10: macroAverage(ndcg),
    mrr: macroAverage(rr),
    p10ByLabel: Object.fromEntries(
      [...sorted.entries()].map(([label, v]) => [label, macroAverage(new Map([[label, v]]))]),
    ),
  };
}
