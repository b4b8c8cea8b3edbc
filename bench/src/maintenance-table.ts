import type { MaintenanceRun } from './maintenance-bench';

/** The ranking maintenance runs as a markdown table. */
export function maintenanceTable(runs: readonly MaintenanceRun[]): string[] {
  return [
    '| per side | events/s (one core) | p50 ms | p99 ms | new p99 | update p99 | removal p99 | rankings changed / published per event | seeding s | vectors |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.perSide.toLocaleString('en')} | ${r.throughput.toFixed(0)} | ${r.latencyMs.p50.toFixed(2)} | ${r.latencyMs.p99.toFixed(2)} | ` +
        `${r.byKind.new.p99.toFixed(2)} | ${r.byKind.update.p99.toFixed(2)} | ${r.byKind.removal.p99.toFixed(2)} | ` +
        `${r.touchedPerEvent.toFixed(1)} / ${r.publishedPerEvent.toFixed(1)} | ${r.seedSeconds.toFixed(0)} | ${r.vectors} |`,
    ),
  ];
}
