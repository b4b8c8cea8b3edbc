/** Building blocks of the charts' SVG text: escaping, elements and tick labels. */

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text and attribute values: configuration names and titles come from the results. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

export type Attributes = Record<string, string | number | undefined>;

/** One element; attributes left undefined are omitted, children are SVG text already. */
export function element(tag: string, attributes: Attributes, children = ''): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(
      ([name, value]) =>
        ` ${name}="${escapeXml(typeof value === 'number' ? round(value) : value)}"`,
    )
    .join('');
  return children === '' ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${children}</${tag}>`;
}

export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return element('text', { x, y, ...attributes }, escapeXml(content));
}

/** Coordinates to two decimals: enough for a screen, and stable output for the specs. */
export function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A tick label: 0.25, 12, 1.5k, 2M; no float noise such as 0.30000000000000004. */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** A colour per series, in order; distinguishable and legible on white. */
export const PALETTE = [
  '#2f6fed',
  '#e8590c',
  '#2b8a3e',
  '#c2255c',
  '#6741d9',
  '#0b7285',
  '#5c940d',
  '#862e9c',
] as const;

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length];
}
