import type { QualityFigures } from './evaluate';
import { p10Chart, p10Data, qualityCharts } from './quality-charts';
import type { SetFigures } from './quality-charts';
import type { QualityResults } from './quality-report';

const figures = (p10: number): QualityFigures => ({
  p10,
  p10Interval: { low: p10 - 0.125, high: p10 + 0.125 },
  p10Micro: p10,
  ndcg10: p10,
  mrr: p10,
  p10ByLabel: {},
});

const set: SetFigures = {
  set: 'dev <set>',
  baseline: { bm25: figures(0.25), random: { p10: 0.125, ndcg10: 0.125, mrr: 0.125 } },
  configs: [
    {
      config: {
        name: 'e5-small',
        modelId: 'intfloat/e5-small-v2',
        maxChunks: 1,
        maxTokens: 256,
        note: '',
      },
      scorings: [
        { name: 'dense', figures: figures(0.5) },
        { name: 'hybrid', figures: figures(0.75) },
      ],
    },
  ],
};

describe('quality charts', () => {
  it('turns baselines and each configuration scoring into grouped P@10 data with intervals', () => {
    expect(p10Data(set)).toEqual([
      { group: 'baselines', series: 'BM25', value: 0.25, low: 0.125, high: 0.375 },
      { group: 'baselines', series: 'random (expected)', value: 0.125 },
      { group: 'e5-small', series: 'dense', value: 0.5, low: 0.375, high: 0.625 },
      { group: 'e5-small', series: 'hybrid', value: 0.75, low: 0.625, high: 0.875 },
    ]);
  });

  it('draws one chart per set, named after it, escaped in the SVG', () => {
    const chart = p10Chart(set);
    expect(chart.name).toBe('p10-dev-set');
    expect(chart.svg).toContain(
      '<title>P@10 with 95% CI by configuration, dev &lt;set&gt;</title>',
    );
    expect(chart.svg.match(/fill-opacity/g)).toHaveLength(4);
    const results = {
      sets: [
        { name: 'quality-dev', baseline: set.baseline },
        { name: 'quality-dev2', baseline: set.baseline },
      ],
      configs: set.configs.map((c) => ({
        config: c.config,
        perSet: [{ set: 'quality-dev2', scorings: c.scorings }],
      })),
    } as unknown as QualityResults;
    const charts = qualityCharts(results);
    expect(charts.map((c) => c.name)).toEqual(['p10-quality-dev', 'p10-quality-dev2']);
    // A configuration appears on the sets it was measured on only.
    expect(charts[0].svg.match(/fill-opacity/g)).toHaveLength(2);
    expect(charts[1].svg.match(/fill-opacity/g)).toHaveLength(4);
  });
});
