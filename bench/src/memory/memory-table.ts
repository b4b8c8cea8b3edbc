import type { MemoryRun } from './memory-bench';

const kib = (bytes: number) => (bytes / 1024).toFixed(2);
const seconds = (s: number) => (s >= 100 ? s.toFixed(0) : s.toFixed(1));

/** The memory runs as markdown tables: bytes per entity, then start-up. */
export function memoryTable(runs: readonly MemoryRun[]): string[] {
  return [
    '| per side | KiB per entity, all in (RSS) | of which V8 heap | external | state alone (RSS) | rankings (RSS) | + stored-ranking summaries (RSS) | entries per ranking | documents (profile / job JSON) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.perSide.toLocaleString('en')} | **${kib(r.withRankings.rss)}** | ${kib(r.withRankings.heap)} | ${kib(r.withRankings.external)} | ` +
        `${kib(r.state.rss)} | ${kib(r.withRankings.rss - r.state.rss)} | ` +
        `${r.withServed ? kib(r.withServed.rss - r.withRankings.rss) : '—'} | ${r.meanRankingEntries.toFixed(1)} | ` +
        `${(r.documentBytes.profile / 1024).toFixed(1)} / ${(r.documentBytes.job / 1024).toFixed(1)} KiB |`,
    ),
    '',
    '| leak check: per side | churn events | heap after each round, MiB | slope per 10k events: heap / RSS | entities |',
    '|---|---|---|---|---|',
    ...runs
      .filter((r) => r.churn)
      .map((r) => {
        const c = r.churn!;
        return (
          `| ${c.perSide.toLocaleString('en')} | ${c.events} | ${c.heapMiB.map((h) => h.toFixed(1)).join(', ')} | ` +
          `${c.heapMiBPer10k.toFixed(2)} / ${c.rssMiBPer10k.toFixed(2)} MiB | ${c.entities.join(', ')} |`
        );
      }),
    '',
    '| per side | snapshot on disk | snapshot write s | start-up from the snapshot s | KiB per entity after loading it (RSS) | replay from the log: state s (efConstruction) | + rankings s (estimated: 2N passes of … ms / 2) |',
    '|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.perSide.toLocaleString('en')} | ${r.snapshot ? `${(r.snapshot.bytesOnDisk / 2 ** 20).toFixed(0)} MiB` : '—'} | ` +
        `${r.snapshot ? seconds(r.snapshot.writeSeconds) : '—'} | ${r.snapshot ? seconds(r.snapshot.loadSeconds) : '—'} | ` +
        `${r.snapshot ? kib(r.snapshot.loaded.rss) : '—'} | ${seconds(r.buildSeconds)} (${r.efConstruction}) | ` +
        `${seconds(r.replayRankingSecondsEstimate)} (${r.passMs.toFixed(1)} ms) |`,
    ),
  ];
}
