import { lineChart } from './line-chart';

const numbers = (svg: string, pattern: RegExp) =>
  [...svg.matchAll(pattern)].map((m) => Number(m[1]));

describe('lineChart', () => {
  const svg = lineChart({
    title: 'Latency <CDF>',
    xLabel: 'ms',
    yLabel: 'share of events',
    yDomain: [0, 1],
    series: [
      {
        name: 'steady',
        step: true,
        points: [
          [10, 0],
          [20, 0.5],
          [40, 1],
        ],
      },
      {
        name: 'idle & quiet',
        points: [
          [5, 0.2],
          [15, 0.9],
        ],
        markers: true,
      },
    ],
  });

  it('is one SVG document with its title escaped', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title>Latency &lt;CDF&gt;</title>');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('labels both axes with round ticks over the data', () => {
    expect(svg).toContain('>ms</text>');
    expect(svg).toContain('>share of events</text>');
    for (const tick of ['0', '0.2', '0.4', '0.6', '0.8', '1']) {
      expect(svg).toContain(`text-anchor="end">${tick}</text>`);
    }
    expect(numbers(svg, /text-anchor="middle">(\d+)<\/text>/g)).toEqual([0, 10, 20, 30, 40]);
  });

  it('draws one path per series, steps for a CDF, dots where asked, and a legend', () => {
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    expect(paths[0]).toMatch(/^M[\d.]+ [\d.]+H[\d.]+V[\d.]+H/);
    expect(paths[1]).toMatch(/^M[\d.]+ [\d.]+L/);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('>steady</text>');
    expect(svg).toContain('>idle &amp; quiet</text>');
  });

  it('runs x from a round value below the data to one above it', () => {
    const start = (name: string) =>
      Number(new RegExp(`data-series="${name}"><path d="M([\\d.]+) `).exec(svg)![1]);
    // 0..40 across 72..480 (the legend takes the rest): 5 ms an eighth of the way, 10 ms a quarter.
    expect(start('idle &amp; quiet')).toBeCloseTo(72 + 408 / 8, 1);
    expect(start('steady')).toBeCloseTo(72 + 408 / 4, 1);
    expect(svg).toMatch(/H480V[\d.]+<\/path>|H480V[\d.]+"/);
  });

  it('says "no data" when there is nothing to draw, and leaves out what a log axis cannot show', () => {
    const empty = lineChart({ title: 'Nothing', xLabel: 'x', yLabel: 'y', series: [] });
    expect(empty).toContain('>no data</text>');
    expect(empty).not.toContain('<path');
    const logged = lineChart({
      title: 'Log',
      xLabel: 'ms',
      yLabel: 'y',
      xLog: true,
      series: [
        {
          name: 's',
          points: [
            [0, 0.1],
            [1, 0.2],
            [100, 0.9],
          ],
        },
      ],
    });
    expect(logged).not.toMatch(/NaN|Infinity/);
    expect(logged).toContain('>100</text>');
    expect(
      lineChart({
        title: 'Zero',
        xLabel: 'x',
        yLabel: 'y',
        xLog: true,
        series: [{ name: 's', points: [[0, 1]] }],
      }),
    ).toContain('no data');
  });

  it('joins the mean of repeated runs, marks each run, and takes whole-number x ticks', () => {
    const runs = lineChart({
      title: 'Rate',
      xLabel: 'instances',
      yLabel: 'events/s',
      xTicks: [1, 2],
      series: [
        {
          name: 'a series name far longer than the legend has room for',
          markers: true,
          meanLine: true,
          points: [
            [1, 10],
            [2, 30],
            [1, 20],
          ],
        },
      ],
    });
    const path = /<path d="([^"]+)"/.exec(runs)![1];
    expect(path.match(/[ML]/g)).toEqual(['M', 'L']);
    expect(runs.match(/<circle /g)).toHaveLength(3);
    expect(runs).toContain('text-anchor="middle">1</text>');
    expect(runs).toContain('text-anchor="middle">2</text>');
    expect(runs).not.toContain('>1.5</text>');
    expect(runs).toContain('>a series name far longer than the…</text>');
    // The mean of 10 and 20 sits halfway between the ticks for 10 and 20.
    const tickY = (label: string) =>
      Number(new RegExp(`y="([\\d.]+)" text-anchor="end">${label}</text>`).exec(runs)![1]) - 4;
    const startY = Number(/M[\d.]+ ([\d.]+)/.exec(path)![1]);
    expect(startY).toBeCloseTo((tickY('10') + tickY('20')) / 2, 1);
  });
});
