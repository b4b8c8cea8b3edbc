import type { Scale } from './scale';
import { colour, element, escapeXml, formatTick, text } from './svg';

/** Room right of the plot for the legend's swatches and names. */
const LEGEND_WIDTH = 240;
const MAX_LEGEND_NAME = 34;

/** The chart's box: the plot area inside the margins the axes, title and legend need. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function frame(width: number, height: number, legendEntries: number): Frame {
  return {
    width,
    height,
    left: 72,
    right: width - (legendEntries > 0 ? LEGEND_WIDTH : 24),
    top: 44,
    bottom: height - 56,
  };
}

export interface AxisSpec {
  label: string;
  scale: Scale;
  /** Values to mark; the scale's own ticks when absent. */
  ticks?: readonly number[];
  /** Labels for the ticks (category names), instead of the formatted values. */
  tickLabels?: readonly string[];
}

/** The whole document: background, title, axes with grid lines, the plot and the legend. */
export function chartDocument(
  f: Frame,
  title: string,
  x: AxisSpec,
  y: AxisSpec,
  plot: string,
  legend: readonly string[],
): string {
  const parts: string[] = [
    element('rect', { x: 0, y: 0, width: f.width, height: f.height, fill: '#ffffff' }),
    text(f.left, 24, title, { 'font-size': 15, 'font-weight': 600 }),
  ];
  const yTicks = y.ticks ?? y.scale.ticks(5);
  yTicks.forEach((value, i) => {
    const py = y.scale(value);
    parts.push(
      element('line', { x1: f.left, x2: f.right, y1: py, y2: py, stroke: '#e4e7ec' }),
      text(f.left - 6, py + 4, y.tickLabels?.[i] ?? formatTick(value), { 'text-anchor': 'end' }),
    );
  });
  const xTicks = x.ticks ?? x.scale.ticks(6);
  xTicks.forEach((value, i) => {
    const px = x.scale(value);
    parts.push(
      element('line', { x1: px, x2: px, y1: f.bottom, y2: f.bottom + 4, stroke: '#667085' }),
      text(px, f.bottom + 18, x.tickLabels?.[i] ?? formatTick(value), { 'text-anchor': 'middle' }),
    );
  });
  parts.push(
    element('line', { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, stroke: '#667085' }),
    element('line', { x1: f.left, x2: f.left, y1: f.top, y2: f.bottom, stroke: '#667085' }),
    x.label
      ? text((f.left + f.right) / 2, f.height - 14, x.label, { 'text-anchor': 'middle' })
      : '',
    text(0, 0, y.label, {
      'text-anchor': 'middle',
      transform: `translate(18 ${(f.top + f.bottom) / 2}) rotate(-90)`,
    }),
    plot,
  );
  legend.forEach((name, i) => {
    const ly = f.top + 8 + i * 20;
    parts.push(
      element('rect', { x: f.right + 16, y: ly - 9, width: 12, height: 12, fill: colour(i) }),
      text(f.right + 34, ly + 1, shorten(name, MAX_LEGEND_NAME)),
    );
  });
  return svgRoot(f, title, parts.join(''));
}

/** A label cut to `max` characters, an ellipsis marking the cut. */
export function shorten(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** A chart with nothing to draw still says what it would have shown. */
export function emptyChart(width: number, height: number, title: string): string {
  const f = frame(width, height, 0);
  return svgRoot(
    f,
    title,
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }) +
      text(f.left, 24, title, { 'font-size': 15, 'font-weight': 600 }) +
      text(width / 2, height / 2, 'no data', { 'text-anchor': 'middle', fill: '#667085' }),
  );
}

function svgRoot(f: Frame, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" ` +
    `viewBox="0 0 ${f.width} ${f.height}" role="img" font-family="system-ui, sans-serif" ` +
    `font-size="12" fill="#1d2330"><title>${escapeXml(title)}</title>${body}</svg>\n`
  );
}
