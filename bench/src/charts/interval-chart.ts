import { chartDocument, emptyChart, frame, shorten } from './frame';
import { linearScale, niceDomain } from './scale';
import { colour, element, escapeXml, round, text } from './svg';

/** One bar: a value of one series within one group, with an optional interval around it. */
export interface IntervalDatum {
  group: string;
  series: string;
  value: number;
  low?: number;
  high?: number;
}

export interface IntervalChartSpec {
  title: string;
  yLabel: string;
  xLabel?: string;
  data: readonly IntervalDatum[];
  /** Fixed y bounds (a precision runs 0..1); from 0 to the highest value otherwise. */
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
}

const MAX_GROUP_LABEL = 22;
/** Width of one label character at the chart's font size, in pixels (a generous average). */
const CHAR_WIDTH = 7;

/**
 * Grouped bars with interval whiskers: groups along x in the order they first appear (a data
 * set, a configuration), one bar per series within each (a configuration, a scoring), coloured
 * by series. Written for any such table, so a bench with more groups or series needs no change.
 */
export function intervalChart(spec: IntervalChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 400;
  const data = spec.data.filter((d) => Number.isFinite(d.value));
  if (data.length === 0) return emptyChart(width, height, spec.title);

  const groups = unique(data.map((d) => d.group));
  const series = unique(data.map((d) => d.series));
  const f = frame(width, height, series.length);
  const top = Math.max(...data.map((d) => Math.max(d.value, d.high ?? d.value)));
  const y = linearScale(spec.yDomain ?? niceDomain([0, top > 0 ? top : 1]), [f.bottom, f.top]);
  const slot = (f.right - f.left) / groups.length;
  const barWidth = Math.min(36, (slot * 0.8) / series.length);
  const x = linearScale([0, groups.length], [f.left, f.right]);
  const seriesByGroup = new Map(
    groups.map((g) => [g, series.filter((s) => data.some((d) => d.group === g && d.series === s))]),
  );
  const clamp = (value: number) => Math.min(f.bottom, Math.max(f.top, y(value)));

  const bars = data
    .map((d) => {
      const g = groups.indexOf(d.group);
      const s = series.indexOf(d.series);
      // Centred on the series this group has: a group without some series leaves no gaps.
      const inGroup = seriesByGroup.get(d.group)!;
      const slotInGroup = inGroup.indexOf(d.series);
      const cx = x(g + 0.5) + (slotInGroup - (inGroup.length - 1) / 2) * barWidth;
      const top = clamp(d.value);
      const parts = [
        element('rect', {
          x: cx - barWidth / 2 + 1,
          y: top,
          width: barWidth - 2,
          height: clamp(y.domain[0]) - top,
          fill: colour(s),
          'fill-opacity': 0.85,
        }),
      ];
      if (d.low !== undefined && d.high !== undefined) {
        const [lo, hi] = [round(clamp(d.low)), round(clamp(d.high))];
        const [c, l, r] = [cx, cx - barWidth / 4, cx + barWidth / 4].map(round);
        parts.push(
          element('path', {
            d: `M${c} ${lo}V${hi}M${l} ${lo}H${r}M${l} ${hi}H${r}`,
            stroke: '#1d2330',
            'stroke-width': 1.5,
            fill: 'none',
          }),
        );
      }
      const interval = d.low !== undefined && d.high !== undefined ? ` [${d.low}, ${d.high}]` : '';
      return element(
        'g',
        { 'data-group': d.group, 'data-series': d.series },
        element('title', {}, escapeXml(`${d.group}, ${d.series}: ${d.value}${interval}`)) +
          parts.join(''),
      );
    })
    .join('');
  // A label no wider than its group, so that neighbours never overlap.
  const labelChars = Math.max(4, Math.min(MAX_GROUP_LABEL, Math.floor((x(1) - x(0)) / CHAR_WIDTH)));
  const groupLabels = groups
    .map((g, i) =>
      text(x(i + 0.5), f.bottom + 18, shorten(g, labelChars), { 'text-anchor': 'middle' }),
    )
    .join('');
  return chartDocument(
    f,
    spec.title,
    { label: spec.xLabel ?? '', scale: x, ticks: [] },
    { label: spec.yLabel, scale: y },
    bars + groupLabels,
    series,
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
