import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@matchstream/testing';
import { writeCharts } from '../charts/chart-files';
import type { ChartFile } from '../charts/chart-files';

/** Where reports go unless `--out` says otherwise (git-ignored but for its README). */
export function resultsDir(): string {
  return join(repositoryRoot(), 'bench', 'results');
}

/**
 * Writes a run's data as `<name>.json` and its report as `<name>.md` with its charts beside it,
 * named after `prefix` and the run's start, and prints the report and where both went.
 */
export function writeResults(
  dir: string,
  prefix: string,
  started: Date,
  report: { data: unknown; markdown: string; charts: readonly ChartFile[] },
): void {
  mkdirSync(dir, { recursive: true });
  const name = `${prefix}${started.toISOString().replace(/[:.]/g, '-')}`;
  const jsonPath = join(dir, `${name}.json`);
  const mdPath = join(dir, `${name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(report.data, null, 2)}\n`);
  writeFileSync(mdPath, report.markdown + writeCharts(dir, name, report.charts));
  console.log(report.markdown);
  console.log(`Report: ${mdPath}\nData: ${jsonPath}`);
}
