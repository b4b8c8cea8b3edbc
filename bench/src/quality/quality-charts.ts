import type { ChartFile } from '../charts/chart-files';
import { intervalChart } from '../charts/interval-chart';
import type { IntervalDatum } from '../charts/interval-chart';
import type { QualityResults } from './quality-report';
import type { BaselineResult, QualityResult } from './quality-run';

/** What one data set's P@10 chart needs: its baselines and each configuration's scorings. */
export interface SetFigures {
  set: string;
  baseline: BaselineResult;
  configs: readonly Pick<QualityResult, 'config' | 'scorings'>[];
}

/**
 * P@10 with its 95% interval as chart data: a group per configuration (and one for the
 * baselines), a bar per scoring. Random has no interval: it is an expectation, not a sample.
 */
export function p10Data(s: SetFigures): IntervalDatum[] {
  const bm25 = s.baseline.bm25;
  const data: IntervalDatum[] = [
    { group: 'baselines', series: 'BM25', value: bm25.p10, ...bounds(bm25.p10Interval) },
    { group: 'baselines', series: 'random (expected)', value: s.baseline.random.p10 },
  ];
  for (const c of s.configs) {
    // The lexical levers have a table of their own (dozens of bars would hide the rest).
    for (const scoring of c.scorings.filter((x) => !x.lexical)) {
      data.push({
        group: c.config.name,
        series: scoring.name,
        value: scoring.figures.p10,
        ...bounds(scoring.figures.p10Interval),
      });
    }
  }
  return data;
}

export function p10Chart(s: SetFigures): ChartFile {
  const title = `P@10 with 95% CI by configuration, ${s.set}`;
  return {
    name: `p10-${slug(s.set)}`,
    title,
    svg: intervalChart({
      title,
      yLabel: 'P@10',
      data: p10Data(s),
      width: 960,
      height: 440,
    }),
  };
}

/** The quality report's charts: one P@10 chart per data set, every configuration measured on it. */
export function qualityCharts(r: QualityResults): ChartFile[] {
  return r.sets.map((set) =>
    p10Chart({
      set: set.name,
      baseline: set.baseline,
      configs: r.configs.flatMap((c) => {
        const onSet = c.perSet.find((p) => p.set === set.name);
        return onSet ? [{ config: c.config, scorings: onSet.scorings }] : [];
      }),
    }),
  );
}

function bounds(interval: { low: number; high: number }): { low: number; high: number } {
  return { low: interval.low, high: interval.high };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'set'
  );
}
