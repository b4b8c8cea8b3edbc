import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../report';
import type { ScaleOutSection } from '../scale-out/scale-out-bench';
import { benchCharts, scaleOutCharts } from './bench-charts';
import { cdfPoints } from './cdf';
import { writeCharts } from './chart-files';

const summary = (p50: number) => ({
  count: 100,
  min: p50 / 2,
  p50,
  p90: p50 * 2,
  p99: p50 * 4,
  max: p50 * 5,
  mean: p50 * 1.2,
});

/** Only what the charts read: the rest of a results document is beside the point here. */
const results = {
  endToEnd: {
    offeredRate: 12.5,
    latencyMs: summary(80),
    latencyCdfMs: cdfPoints([40, 60, 80, 120, 400]),
    idle: { latencyMs: summary(30) },
    kafkaHop: { latencyMs: summary(3) },
  },
  scaleOut: null,
} as unknown as BenchResults;

const run = (instances: number, rate: number) => ({
  instances,
  capacity: { rate },
  steady: { answered: 100 * instances, seconds: 10, latencyMs: summary(50 * instances) },
});
const scaleOut = {
  cores: 4,
  runs: [run(1, 20), run(2, 35), run(3, 44), run(1, 21)],
} as unknown as ScaleOutSection;

describe('bench charts', () => {
  it("draws the end-to-end CDFs: the steady sample's own steps, percentiles for the others", () => {
    const [chart] = benchCharts(results);
    expect(chart.name).toBe('latency-cdf');
    expect(chart.svg).toContain('>steady, 12.5/s</text>');
    expect(chart.svg).toContain('>idle, one at a time, percentiles</text>');
    expect(chart.svg).toContain('>one Kafka hop, percentiles</text>');
    expect(chart.svg.match(/<path d="M[^"]*H[^"]*V/g)).toHaveLength(1);
    expect(chart.svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws nothing for sections that did not run', () => {
    expect(benchCharts({ endToEnd: null, scaleOut: null } as unknown as BenchResults)).toEqual([]);
  });

  it('draws throughput by instance count with a point per run, in instance order', () => {
    const [throughput, latency] = scaleOutCharts(scaleOut);
    expect(throughput.title).toContain('4 cores');
    const capacity = /data-series="capacity \(backlog\)">(.*?)<\/g>/.exec(throughput.svg)![1];
    expect(capacity.match(/<circle /g)).toHaveLength(4);
    const xs = [...capacity.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(throughput.svg).toContain(
      '>matching instances (line: mean of the runs at each count)</text>',
    );
    expect(latency.svg).toContain('>1 instance (run 4), percentiles</text>');
    expect(latency.svg).toContain('>3 instances (run 3), percentiles</text>');
  });

  it('writes each chart beside the report and links it from the markdown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-charts-'));
    const markdown = writeCharts(dir, '2026-01-01T00-00-00-000Z', scaleOutCharts(scaleOut));
    expect(readdirSync(dir).sort()).toEqual([
      '2026-01-01T00-00-00-000Z-scale-out-latency-cdf.svg',
      '2026-01-01T00-00-00-000Z-scale-out-throughput.svg',
    ]);
    expect(markdown).toContain('## Charts');
    expect(markdown).toContain(
      '![Matching tier throughput by instance count (4 cores)](2026-01-01T00-00-00-000Z-scale-out-throughput.svg)',
    );
    expect(
      readFileSync(join(dir, '2026-01-01T00-00-00-000Z-scale-out-throughput.svg'), 'utf8'),
    ).toMatch(/^<svg /);
    expect(writeCharts(dir, 'x', [])).toBe('');
  });
});
