import type { MaintenanceRun } from './maintenance-bench';

/** The scan of one pass against the memory bandwidth measured in the same run. */
export function scanTable(runs: readonly MaintenanceRun[]): string[] {
  const ratio = (floor: number, ns: number) => `${((100 * floor) / ns).toFixed(0)}%`;
  return [
    '| per side | vectors scanned | MB per scan | bandwidth GB/s (sequential read) | floor ns/pair | JS ns/pair (of bandwidth) | kernel ns/pair (of bandwidth) | kernel speed-up |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.map(
      ({ perSide, scan: s }) =>
        `| ${perSide.toLocaleString('en')} | ${s.vectors.toLocaleString('en')} | ${(s.bytesPerScan / 1e6).toFixed(1)} | ` +
        `${s.bandwidthGBs.toFixed(1)} | ${s.floorNsPerPair.toFixed(0)} | ` +
        `${s.jsNsPerPair.toFixed(0)} (${ratio(s.floorNsPerPair, s.jsNsPerPair)}) | ` +
        `${s.kernelNsPerPair.toFixed(0)} (${ratio(s.floorNsPerPair, s.kernelNsPerPair)}) | ` +
        `${(s.jsNsPerPair / s.kernelNsPerPair).toFixed(1)}× |`,
    ),
  ];
}

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
