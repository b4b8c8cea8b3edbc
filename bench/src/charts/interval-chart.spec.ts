import { intervalChart } from './interval-chart';
import type { IntervalDatum } from './interval-chart';

const data: IntervalDatum[] = [
  { group: 'set A', series: 'e5-small', value: 0.5, low: 0.4, high: 0.6 },
  { group: 'set A', series: 'bm25', value: 0.25, low: 0.2, high: 0.3 },
  { group: 'set <B>', series: 'e5-small', value: 0.75, low: 0.7, high: 0.8 },
  { group: 'set <B>', series: 'bm25', value: 0.1 },
];

describe('intervalChart', () => {
  const svg = intervalChart({ title: 'P@10', yLabel: 'P@10', data, yDomain: [0, 1] });
  const bars = [
    ...svg.matchAll(
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9a-f]+)" fill-opacity/g,
    ),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    height: Number(m[4]),
    fill: m[5],
  }));

  it('draws a bar per datum, coloured by series, heights proportional to the value', () => {
    expect(bars).toHaveLength(4);
    expect(bars[0].fill).toBe(bars[2].fill);
    expect(bars[0].fill).not.toBe(bars[1].fill);
    expect(bars[0].height / bars[1].height).toBeCloseTo(2, 5);
    expect(bars[2].height / bars[0].height).toBeCloseTo(1.5, 5);
    // All stand on the axis.
    expect(new Set(bars.map((b) => b.y + b.height))).toEqual(new Set([bars[0].y + bars[0].height]));
  });

  it('groups along x in order, series side by side within a group', () => {
    expect(bars[0].x).toBeLessThan(bars[1].x);
    expect(bars[1].x).toBeLessThan(bars[2].x);
    expect(svg).toContain('>set A</text>');
    expect(svg).toContain('>set &lt;B&gt;</text>');
  });

  it('whiskers only the data with an interval, and says each figure in a tooltip', () => {
    expect(svg.match(/stroke="#1d2330"/g)).toHaveLength(3);
    expect(svg).toContain('<title>set A, e5-small: 0.5 [0.4, 0.6]</title>');
    expect(svg).toContain('<title>set &lt;B&gt;, bm25: 0.1</title>');
  });

  it('has a y axis with round ticks and a legend of the series', () => {
    for (const tick of ['0', '0.2', '0.4', '0.6', '0.8', '1']) {
      expect(svg).toContain(`text-anchor="end">${tick}</text>`);
    }
    expect(svg).toContain('>e5-small</text>');
    expect(svg).toContain('>bm25</text>');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('says "no data" for an empty table, and scales to the data without bounds', () => {
    expect(intervalChart({ title: 'none', yLabel: 'y', data: [] })).toContain('no data');
    const free = intervalChart({
      title: 'free',
      yLabel: 'y',
      data: [{ group: 'g', series: 's', value: 40, low: 30, high: 55 }],
    });
    expect(free).toContain('text-anchor="end">60</text>');
    expect(free).not.toMatch(/NaN/);
  });

  it('centres the bars a group has, leaving no gap for a series it lacks', () => {
    const chart = intervalChart({
      title: 'gaps',
      yLabel: 'y',
      data: [
        { group: 'only one', series: 'b', value: 1 },
        { group: 'both', series: 'a', value: 1 },
        { group: 'both', series: 'b', value: 1 },
      ],
    });
    const centres = [
      ...chart.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill-opacity/g),
    ].map((m) => Number(m[1]) + Number(m[2]) / 2);
    const label = (name: string) =>
      Number(
        new RegExp(`<text x="([\\d.]+)" y="[\\d.]+" text-anchor="middle">${name}</text>`).exec(
          chart,
        )![1],
      );
    expect(centres[0]).toBeCloseTo(label('only one'), 1);
    expect((centres[1] + centres[2]) / 2).toBeCloseTo(label('both'), 1);
  });

  it('cuts group labels to their group width, so long neighbours never overlap', () => {
    const many: IntervalDatum[] = Array.from({ length: 12 }, (_, i) => ({
      group: `bge-512-noinstr-variant-${i}-with-a-long-name`,
      series: 'hybrid',
      value: 0.5,
    }));
    const wide = intervalChart({ title: 't', yLabel: 'y', data: many, width: 960 });
    const labels = [...wide.matchAll(/>(bge-[^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toHaveLength(12);
    for (const label of labels) {
      expect(label.endsWith('…')).toBe(true);
      // A group is under 70 px wide here: ten characters of about 7 px at most.
      expect(label.length).toBeLessThanOrEqual(10);
    }
  });
});
