import { chartDocument, emptyChart, frame } from './frame';
import { extent, linearScale, logScale, niceDomain } from './scale';
import { colour, element, round } from './svg';

export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Drawn as steps (a CDF from a sample), not straight segments. */
  step?: boolean;
  /** A dot at each point (few points, each a measurement). */
  markers?: boolean;
  /** The line joins the mean of the points at each x (repeated runs); the dots show each run. */
  meanLine?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Base-10 log x axis; points at x <= 0 are left out. */
  xLog?: boolean;
  /** Values to mark on x (whole instance counts), instead of round ones. */
  xTicks?: readonly number[];
  /** Fixed y bounds (a CDF runs 0..1); the data's extent otherwise, from 0. */
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
}

/** Lines (or steps) of x/y points, one colour per series: CDFs, rates by instance count. */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 400;
  const series = spec.series
    .map((s) => ({
      ...s,
      points: s.points.filter(
        ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!spec.xLog || x > 0),
      ),
    }))
    .filter((s) => s.points.length > 0);
  if (series.length === 0) return emptyChart(width, height, spec.title);

  const f = frame(width, height, series.length);
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xDomain = extent(xs, [0, 1]);
  const [yMin, yMax] = extent(ys, [0, 1]);
  const yDomain = spec.yDomain ?? niceDomain([Math.min(0, yMin), yMax]);
  const x = spec.xLog
    ? logScale(xDomain, [f.left, f.right])
    : linearScale(niceDomain(xDomain, 6), [f.left, f.right]);
  const y = linearScale(yDomain, [f.bottom, f.top]);

  const plot = series
    .map((s, i) => {
      const stroke = colour(i);
      const path = (s.meanLine ? meanByX(s.points) : s.points)
        .map(([px, py], j) => {
          const sx = round(x(px));
          const sy = round(y(py));
          if (j === 0) return `M${sx} ${sy}`;
          return s.step ? `H${sx}V${sy}` : `L${sx} ${sy}`;
        })
        .join('');
      const line = element('path', { d: path, fill: 'none', stroke, 'stroke-width': 2 });
      const dots = s.markers
        ? s.points
            .map(([px, py]) => element('circle', { cx: x(px), cy: y(py), r: 3.5, fill: stroke }))
            .join('')
        : '';
      return element('g', { 'data-series': s.name }, line + dots);
    })
    .join('');
  return chartDocument(
    f,
    spec.title,
    { label: spec.xLabel, scale: x, ticks: spec.xTicks },
    { label: spec.yLabel, scale: y },
    plot,
    series.map((s) => s.name),
  );
}

function meanByX(points: readonly (readonly [number, number])[]): [number, number][] {
  const byX = new Map<number, number[]>();
  for (const [x, y] of points) byX.set(x, [...(byX.get(x) ?? []), y]);
  return [...byX.entries()]
    .sort(([a], [b]) => a - b)
    .map(([x, ys]) => [x, ys.reduce((sum, y) => sum + y, 0) / ys.length]);
}
