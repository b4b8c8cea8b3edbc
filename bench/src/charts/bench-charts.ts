import type { BenchResults } from '../report';
import type { ScaleOutSection } from '../scale-out/scale-out-bench';
import type { Summary } from '../harness/stats';
import { cdfFromSummary } from './cdf';
import type { CdfPoint } from './cdf';
import type { ChartFile } from './chart-files';
import { lineChart } from './line-chart';
import type { LineSeries } from './line-chart';

/** The main bench report's figures: latency CDFs, and the scale-out section's when it ran. */
export function benchCharts(r: BenchResults): ChartFile[] {
  const charts: ChartFile[] = [];
  const e = r.endToEnd;
  if (e) {
    const title = 'End-to-end latency (job event published → its ranking seen), CDF';
    charts.push({
      name: 'latency-cdf',
      title,
      svg: lineChart({
        title,
        xLabel: 'milliseconds (log scale)',
        yLabel: 'share of events at or below',
        xLog: true,
        yDomain: [0, 1],
        series: [
          cdfSeries(`steady, ${fixed(e.offeredRate)}/s`, e.latencyCdfMs, e.latencyMs),
          cdfSeries('idle, one at a time', e.idle.latencyCdfMs, e.idle.latencyMs),
          cdfSeries('one Kafka hop', undefined, e.kafkaHop.latencyMs),
        ].flatMap((s) => (s ? [s] : [])),
      }),
    });
  }
  if (r.scaleOut) charts.push(...scaleOutCharts(r.scaleOut));
  return charts;
}

/**
 * Throughput by instance count, and each run's steady latency. The load run is left out: its
 * population is another size, so its dot would not compare with the counts'.
 */
export function scaleOutCharts(s: ScaleOutSection): ChartFile[] {
  const runs = s.runs.filter((r) => r.kind !== 'load').sort((a, b) => a.instances - b.instances);
  const throughputTitle = `Matching tier throughput by instance count (${s.cores} cores)`;
  const latencyTitle = 'Scale-out steady latency by instance count, CDF (from percentiles)';
  const points = (pick: (run: (typeof runs)[number]) => number | undefined) =>
    runs.flatMap((run) => {
      const value = pick(run);
      return value === undefined ? [] : [[run.instances, value] as [number, number]];
    });
  return [
    {
      name: 'scale-out-throughput',
      title: throughputTitle,
      svg: lineChart({
        title: throughputTitle,
        xLabel: 'matching instances (line: mean of the runs at each count)',
        yLabel: 'events per second',
        xTicks: [...new Set(runs.map((r) => r.instances))],
        series: [
          {
            name: 'capacity (backlog)',
            markers: true,
            meanLine: true,
            points: points((r) => r.capacity?.rate),
          },
          {
            name: 'steady, answered',
            markers: true,
            meanLine: true,
            points: points((r) =>
              r.steady && r.steady.seconds > 0 ? r.steady.answered / r.steady.seconds : undefined,
            ),
          },
        ],
      }),
    },
    {
      name: 'scale-out-latency-cdf',
      title: latencyTitle,
      svg: lineChart({
        title: latencyTitle,
        xLabel: 'milliseconds (log scale)',
        yLabel: 'share of events at or below',
        xLog: true,
        yDomain: [0, 1],
        series: runs.flatMap((run) => {
          const series = cdfSeries(
            `${run.instances} instance${run.instances === 1 ? '' : 's'} (run ${s.runs.indexOf(run) + 1})`,
            undefined,
            run.steady?.latencyMs ?? null,
          );
          return series ? [series] : [];
        }),
      }),
    },
  ];
}

/** The sample's own CDF where the results kept it, its percentiles otherwise. */
function cdfSeries(
  name: string,
  cdf: CdfPoint[] | undefined,
  summary: Summary | null,
): LineSeries | null {
  if (cdf && cdf.length > 0) return { name, step: true, points: cdf };
  if (summary)
    return { name: `${name}, percentiles`, markers: true, points: cdfFromSummary(summary) };
  return null;
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '?';
}
