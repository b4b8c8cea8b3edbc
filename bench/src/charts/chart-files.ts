import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One chart of a report: its file name's suffix, its title (the markdown's alt text) and SVG. */
export interface ChartFile {
  name: string;
  title: string;
  svg: string;
}

/**
 * Writes each chart beside the report as `<stamp>-<name>.svg` and returns the markdown that links
 * them (nothing when there are no charts), by bare file name: the report sits in the same folder.
 */
export function writeCharts(dir: string, stamp: string, charts: readonly ChartFile[]): string {
  if (charts.length === 0) return '';
  const lines = ['', '## Charts', ''];
  for (const chart of charts) {
    const file = `${stamp}-${chart.name}.svg`;
    writeFileSync(join(dir, file), chart.svg);
    lines.push(`![${chart.title.replace(/[[\]]/g, '')}](${file})`, '');
  }
  return lines.join('\n');
}
