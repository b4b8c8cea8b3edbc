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

/**
 * The seeding's blocked pass (the bulk load's core) against the bandwidth of the same run: ns per
 * pair over N × N pairs, the kernel alone, and the floor (one sequential read of a pair's
 * counterpart vector, what a pass per subject cannot beat): above 100%, the block's reuse of
 * each vector beats reading it per pair.
 */
export function bulkTable(runs: readonly MaintenanceRun[]): string[] {
  const of = (floor: number, ns: number) => `${((100 * floor) / ns).toFixed(0)}%`;
  const duration = (seconds: number) =>
    seconds < 120
      ? `${seconds.toFixed(1)} s`
      : seconds < 7200
        ? `${(seconds / 60).toFixed(1)} min`
        : `${(seconds / 3600).toFixed(1)} h`;
  return [
    '| per side | pairs (N × N) | computed (categories) | rescored exactly | pass | ns/pair (of floor) | pairs/s | kernel alone ns/pair (of floor) | floor ns/pair | 1M per side (N² from here: at most) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(({ bulk: b, scan }) => {
      const floor = scan.floorNsPerPair;
      return (
        `| ${b.perSide.toLocaleString('en')} | ${b.pairs.toExponential(2)} | ` +
        `${((100 * b.computed) / b.pairs).toFixed(0)}% | ${((100 * b.rescored) / b.pairs).toFixed(2)}% | ` +
        `${duration(b.seconds)} | ${b.nsPerPair.toFixed(1)} (${of(floor, b.nsPerPair)}) | ` +
        `${(1e9 / b.nsPerPair).toExponential(2)} | ${b.kernelNsPerPair.toFixed(1)} (${of(floor, b.kernelNsPerPair)}) | ` +
        `${floor.toFixed(0)} | ≤ ${duration(b.extrapolatedSeconds1M)} |`
      );
    }),
  ];
}

/** Seeding one exact pass per subject against the blocked pass, side by side on one state. */
export function seedingTable(runs: readonly MaintenanceRun[]): string[] {
  return [
    '| per side | one pass per subject | blocked pass | speed-up | rankings identical |',
    '|---|---|---|---|---|',
    ...runs.flatMap(({ seeding: s }) =>
      s
        ? [
            `| ${s.perSide.toLocaleString('en')} | ${s.singleSeconds.toFixed(1)} s | ` +
              `${s.bulkSeconds.toFixed(1)} s | ${s.speedUp.toFixed(1)}× | ${s.identical ? 'yes' : 'NO'} |`,
          ]
        : [],
    ),
  ];
}
