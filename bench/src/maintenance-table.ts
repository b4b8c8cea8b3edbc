import type { MaintenanceRun } from './maintenance-bench';

/** The ranking maintenance runs as a markdown table. */
export function maintenanceTable(runs: readonly MaintenanceRun[]): string[] {
  return [
    '| per side | events/s (one core) | p50 ms | p99 ms | new p99 | update p99 | removal p99 | rankings changed per event: mean / p50 / p99 / max (K + reserve) | published per event | seeding s | vectors | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.perSide.toLocaleString('en')} | ${r.throughput.toFixed(0)} | ${r.latencyMs.p50.toFixed(2)} | ${r.latencyMs.p99.toFixed(2)} | ` +
        `${r.byKind.new.p99.toFixed(2)} | ${r.byKind.update.p99.toFixed(2)} | ${r.byKind.removal.p99.toFixed(2)} | ` +
        `${r.fanOut.mean.toFixed(1)} / ${r.fanOut.p50} / ${r.fanOut.p99} / ${r.fanOut.max} (${r.depth}) | ` +
        `${r.publishedPerEvent.toFixed(1)} | ${r.seedSeconds.toFixed(0)} | ${r.vectors} | ${r.loadAverage.toFixed(2)} |`,
    ),
  ];
}
