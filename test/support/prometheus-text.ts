/**
 * Parses Prometheus text exposition into `series → value` (series = name plus sorted labels,
 * without the labels every series of a process carries: service and instance_id).
 */
export function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const labels = (match[2] ?? '')
      .replace(/^\{|\}$/g, '')
      .split(/,(?=[a-zA-Z_]\w*=")/)
      .filter((l) => l && !l.startsWith('service=') && !l.startsWith('instance_id='))
      .sort()
      .join(',');
    series.set(labels ? `${match[1]}{${labels}}` : match[1], Number(match[3]));
  }
  return series;
}

/** How much each series moved between two scrapes (series absent before count from 0). */
export function deltas(
  before: Map<string, number>,
  after: Map<string, number>,
): Map<string, number> {
  const moved = new Map<string, number>();
  for (const [key, value] of after) moved.set(key, value - (before.get(key) ?? 0));
  return moved;
}
