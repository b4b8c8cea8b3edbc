/**
 * The benchmark's results: one JSON document and its markdown rendering. Nothing here judges a
 * run as failed; each target is only marked met or not met.
 */
import { cpus, arch, platform, release, totalmem, loadavg } from 'node:os';
import type { BatchSizeResult } from './pipeline/model-bench';
import type {
  EndToEndResult,
  KafkaHopProbe,
  PipelineThroughputResult,
  StageBreakdown,
} from './pipeline/pipeline-bench';
import type { SearchRunResult } from './search/search-bench';
import type { Summary } from './harness/stats';
import type { MaintenanceRun } from './maintenance/maintenance-bench';
import { maintenanceTable } from './maintenance/maintenance-table';
import type { MemoryRun } from './memory/memory-bench';
import { memoryTable } from './memory/memory-table';
import type { ScaleOutSection } from './scale-out/scale-out-bench';
import { capacityRatio, consistencyCell, scaleOutMarkdown } from './scale-out/scale-out-table';

export const TARGETS = {
  /** Pipeline throughput / raw model throughput. */
  embeddingRatio: 0.9,
  recall: 0.95,
  /** Exact p50 / HNSW p50 at this many vectors. */
  speedup: 100,
  speedupAt: 100000,
  /** End-to-end p50 / (one event's raw embed + raw search). */
  overhead: 1.5,
  /** Matching service memory per entity at 100k per side, all in (RSS), in KiB. */
  kibPerEntity: 8,
  kibPerEntityAt: 100000,
  /** Churn drained through one running matching instance, events/s, at this many per side. */
  churnDrain: 200,
  churnDrainAt: 20000,
  /** A bulk load into an empty instance, to every ranking published, at this many per side. */
  bulkLoadSeconds: 600,
  bulkLoadAt: 100000,
} as const;

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryGiB: number;
  node: string;
  os: string;
  /** 1/5/15-minute load averages: other work on the machine skews every figure. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverageAtStart: loadAverage(),
  };
}

export interface EmbeddingSection {
  profileTexts: number;
  meanTokens: { profile: number; job: number };
  sweep: BatchSizeResult[];
  best: BatchSizeResult;
  /** One job text per `embed` call. */
  singleTextMs: Summary;
  pipeline: PipelineThroughputResult;
  /** pipeline throughput / best raw throughput. */
  ratio: number;
  met: boolean;
}

export interface SearchSection {
  noise: string;
  sigma: number | null;
  realVectors: number;
  queryKind: string;
  runs: SearchRunResult[];
  /** HNSW latency at the service's pool size over the index size e2e runs with. */
  serviceIndex: { size: number; k: number; ms: Summary };
}

export interface EndToEndSection extends EndToEndResult {
  rawEmbedMs: number;
  rawSearchMs: number;
  /** e2e p50 at the steady rate / (raw embed p50 + raw search p50): the target's measure. */
  overhead: number | null;
  /** The same with one event at a time (no queueing): the pipeline's fixed cost. */
  idleOverhead: number | null;
  /** One Kafka hop alone, idle, measured in this run. */
  kafkaHop: KafkaHopProbe;
  /** raw embed + raw search + 3 hops: what no pipeline of three Kafka hops beats here. */
  floorMs: number;
  /** floorMs / (raw embed + raw search): the lowest overhead this machine and broker allow. */
  floorOverhead: number;
  /** Steady e2e p50 / floorMs: what the pipeline adds beyond the model, the index and the broker. */
  overheadOverFloor: number | null;
  met: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  args: string[];
  machine: MachineInfo;
  config: {
    modelId: string;
    embeddingBatchSize: number;
    embeddingBatchMaxWaitMs: number;
    hnsw: { m: number; efConstruction: number; efSearch: number; initialCapacity: number };
    matchTopK: number;
    matchCandidatePool: number;
    seed: number;
  };
  phases: Record<string, number>;
  embedding: EmbeddingSection | null;
  search: SearchSection | null;
  maintenance: MaintenanceRun[] | null;
  memory?: MemoryRun[] | null;
  endToEnd: EndToEndSection | null;
  /** Absent in results written before the section existed. */
  scaleOut?: ScaleOutSection | null;
  notes: string[];
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  out.push(`# matchstream benchmark — ${r.startedAt}`, '');
  out.push(
    `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.totalMemoryGiB} GiB, ` +
      `Node ${r.machine.node}, ${r.machine.os}; model ${r.config.modelId}; ` +
      `run took ${fmt(r.durationSeconds, 0)} s.`,
    '',
  );
  out.push(...summaryTable(r), '');

  if (r.embedding) {
    const e = r.embedding;
    out.push('## Embedding', '');
    out.push(
      `Raw model: \`TransformersEmbedder.embed\` in a tight loop over the canonical texts of the ` +
        `first ${e.sweep[0]?.texts ?? 0} generated profiles (mean ${fmt(e.meanTokens.profile, 0)} ` +
        `tokens). Pipeline: ${e.pipeline.events} profile events published as a backlog, timed ` +
        `until each one's vector is on \`matchstream.entity-vectors.v1\` (cold cache).`,
      '',
    );
    out.push('| Batch size | Texts | Seconds | Texts/s |', '|---:|---:|---:|---:|');
    for (const s of e.sweep) {
      out.push(`| ${s.batchSize} | ${s.texts} | ${fmt(s.seconds, 1)} | ${fmt(s.throughput, 1)} |`);
    }
    out.push(
      '',
      `One job text per call (mean ${fmt(e.meanTokens.job, 0)} tokens): p50 ` +
        `${ms(e.singleTextMs.p50)}, p99 ${ms(e.singleTextMs.p99)} ` +
        `(${fmt(1000 / e.singleTextMs.mean, 1)} texts/s).`,
      `Pipeline: ${e.pipeline.vectorsSeen}/${e.pipeline.events} vectors in ` +
        `${fmt(e.pipeline.seconds, 1)} s = ${fmt(e.pipeline.throughput, 1)} events/s ` +
        `(backlog published in ${fmt(e.pipeline.publishSeconds, 2)} s; first vector after ` +
        `${ms(e.pipeline.firstVectorMs)}).`,
      '',
    );
  }

  if (r.search) {
    const s = r.search;
    out.push('## Search and growth', '');
    out.push(
      `HNSW (M ${r.config.hnsw.m}, efConstruction ${r.config.hnsw.efConstruction}, efSearch ` +
        `${r.config.hnsw.efSearch}, initial capacity ${r.config.hnsw.initialCapacity}, growing ` +
        `×2) against exact brute-force search (\`exactSearch\`) over the same vectors. ` +
        `${s.realVectors} real embeddings of generated profiles; the rest are perturbed copies ` +
        `(${s.noise} Gaussian noise${s.sigma === null ? '' : `, sigma ${s.sigma}`}, renormalised; ` +
        `see bench/results/README.md). Queries: ${s.queryKind}.`,
      '',
    );
    out.push(
      '| N | Recall@k | HNSW p50 / p99 | Exact p50 / p99 | Speed-up (p50) | Build | Memory per vector (RSS / heap) | Queries (HNSW / exact) |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const run of s.runs) {
      out.push(
        `| ${int(run.size)} | ${fmt(run.recall, 4)} (k=${run.k}) | ${ms(run.hnswMs.p50)} / ` +
          `${ms(run.hnswMs.p99)} | ${ms(run.exactMs.p50)} / ${ms(run.exactMs.p99)} | ` +
          `${fmt(run.speedup, 0)}× | ${int(run.buildRate)} vectors/s (${fmt(run.buildSeconds, 1)} s) | ` +
          `${bytes(run.rssBytesPerVector)} / ${bytes(run.heapBytesPerVector)} | ` +
          `${run.queries.hnsw} / ${run.queries.exact} |`,
      );
    }
    out.push(
      '',
      `Service-sized index (${int(s.serviceIndex.size)} real profile vectors, k = ` +
        `${s.serviceIndex.k} = the candidate pool): HNSW p50 ${ms(s.serviceIndex.ms.p50)}, ` +
        `p99 ${ms(s.serviceIndex.ms.p99)}.`,
      '',
    );
  }

  if (r.maintenance?.length) {
    out.push('## Ranking maintenance', '');
    out.push(
      'The matching core alone (no broker or Redis; `npm run bench:maintenance` runs it by ' +
        'itself): what one entity event costs, from applying it to the state to the explained top K ' +
        'of every ranking it changed, both directions, exact. Populations grown from the embedded ' +
        'profiles; half the events are new entities, three tenths updates, a fifth removals. ' +
        'Rankings are seeded exactly, by the bulk blocked pass (the same rankings as the ' +
        "maintainer's own pass per subject; see bench/src/maintenance/bulk-seeding.ts).",
      '',
      ...maintenanceTable(r.maintenance),
      '',
    );
  }

  if (r.memory?.length) {
    out.push('## Memory per entity and start-up', '');
    out.push(
      "The matching service's core in a process of its own (`npm run bench:memory` runs it by " +
        'itself): N profiles and N jobs applied as entity-vector events, every ranking held, ' +
        'memory after full GCs as growth per entity (2N); then its snapshot written and loaded in ' +
        'a fresh process, against the replay from the log (see bench/src/memory/memory-bench.ts).',
      '',
      ...memoryTable(r.memory),
      '',
    );
  }

  if (r.endToEnd) {
    const e = r.endToEnd;
    out.push('## End to end', '');
    out.push(
      `Both services as processes of their own. ${e.profilesLoaded} profiles indexed by the matching ` +
        `service first (${fmt(e.loadSeconds, 1)} s from its start). Latency runs from a job ` +
        `event's publish (its due time) to its job's ranking on \`matchstream.matches.v1\`.`,
      '',
      `- One at a time: ${e.idle.matched}/${e.idle.jobs} jobs, ` +
        (e.idle.latencyMs
          ? `p50 ${ms(e.idle.latencyMs.p50)}, p90 ${ms(e.idle.latencyMs.p90)}, max ${ms(e.idle.latencyMs.max)}.`
          : 'no rankings seen.'),
      `- Capacity: a backlog of ${e.capacity.jobs} job events drained in ` +
        `${fmt(e.capacity.seconds, 1)} s = ${fmt(e.capacity.rate, 1)} jobs/s.`,
      `- Steady: ${e.jobs} job events at ${fmt(e.offeredRate, 1)}/s (${e.rateSource}) for ` +
        `${e.durationSeconds} s (achieved ${fmt(e.emit.achievedRate, 1)}/s, largest send lag ` +
        `${ms(e.emit.maxLagMs)}):`,
      '',
    );
    if (e.latencyMs) {
      out.push(
        '| Matched | p50 | p90 | p99 | max | mean | Sustained rate | Match events per job |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|',
        `| ${e.matched}/${e.jobs} | ${ms(e.latencyMs.p50)} | ${ms(e.latencyMs.p90)} | ` +
          `${ms(e.latencyMs.p99)} | ${ms(e.latencyMs.max)} | ${ms(e.latencyMs.mean)} | ` +
          `${fmt(e.sustainedRate, 1)}/s | ${fmt(e.matchEventsPerJob, 1)} |`,
        '',
      );
    }
    const stageRows: [string, StageBreakdown][] = [];
    if (e.idle.stages) stageRows.push(['one at a time', e.idle.stages]);
    if (e.stages) stageRows.push(['steady', e.stages]);
    if (stageRows.length) {
      out.push(
        'Where the time went, from the Kafka record timestamps (each stage includes the hop into ' +
          'it): publish → vector sent by the embedding service → ranking sent by the matching ' +
          'service → received here.',
        '',
        '| Run | Embedding p50 / p99 | Matching p50 / p99 | Delivery p50 / p99 |',
        '|---|---:|---:|---:|',
        ...stageRows.map(
          ([name, s]) =>
            `| ${name} | ${ms(s.embeddingMs.p50)} / ${ms(s.embeddingMs.p99)} | ` +
            `${ms(s.matchingMs.p50)} / ${ms(s.matchingMs.p99)} | ` +
            `${ms(s.deliveryMs.p50)} / ${ms(s.deliveryMs.p99)} |`,
        ),
        '',
      );
    }
  }

  if (r.scaleOut) {
    out.push('## Scale-out', '', ...scaleOutMarkdown(r.scaleOut));
  }

  out.push('## Machine and configuration', '', '```json');
  out.push(JSON.stringify({ machine: r.machine, config: r.config, phases: r.phases }, null, 2));
  out.push('```', '');
  if (r.notes.length) out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

/** The side-by-side table: each measurement, what it is held against, the ratio, the target. */
export function summaryTable(r: BenchResults): string[] {
  const rows: string[][] = [];
  if (r.embedding) {
    const e = r.embedding;
    rows.push([
      'Embedding throughput: pipeline vs raw model',
      `${fmt(e.pipeline.throughput, 1)} events/s (${e.pipeline.vectorsSeen} events)`,
      `${fmt(e.best.throughput, 1)} texts/s raw (best batch size ${e.best.batchSize})`,
      fmt(e.ratio, 2),
      `≥ ${TARGETS.embeddingRatio}`,
      status(e.met),
    ]);
  }
  if (r.search) {
    for (const run of r.search.runs) {
      rows.push([
        `Search recall@${run.k}, N = ${int(run.size)}`,
        fmt(run.recall, 4),
        'exact search',
        fmt(run.recall, 4),
        `≥ ${TARGETS.recall}`,
        status(run.recall >= TARGETS.recall),
      ]);
      const speedupTarget = run.size >= TARGETS.speedupAt;
      rows.push([
        `Search latency, N = ${int(run.size)}: HNSW vs exact`,
        `HNSW p50 ${ms(run.hnswMs.p50)}, p99 ${ms(run.hnswMs.p99)}`,
        `exact p50 ${ms(run.exactMs.p50)}, p99 ${ms(run.exactMs.p99)}`,
        `${fmt(run.speedup, 0)}×`,
        speedupTarget ? `≥ ${TARGETS.speedup}×` : '—',
        speedupTarget ? status(run.speedup >= TARGETS.speedup) : 'info',
      ]);
      rows.push([
        `Growth, N = ${int(run.size)}`,
        `${int(run.buildRate)} vectors/s build`,
        `${bytes(run.rssBytesPerVector)}/vector RSS, ${bytes(run.heapBytesPerVector)}/vector heap ` +
          `(hnswlib layout ${bytes(run.layoutBytesPerSlot)}/slot; ${int(run.capacity)} slots)`,
        '—',
        '—',
        'info',
      ]);
    }
  }
  for (const m of r.memory ?? []) {
    const target = m.perSide === TARGETS.kibPerEntityAt;
    const kib = m.withRankings.rss / 1024;
    rows.push([
      `Matching core memory per entity (state + rankings), ${int(m.perSide)} per side`,
      `${fmt(kib, 2)} KiB RSS (heap ${fmt(m.withRankings.heap / 1024, 2)}, external ${fmt(m.withRankings.external / 1024, 2)})`,
      m.snapshot
        ? `start-up: snapshot ${fmt(m.snapshot.loadSeconds, 1)} s vs replay ${fmt(m.buildSeconds + m.replayRankingSecondsEstimate, 0)} s (est.)`
        : '—',
      '—',
      target ? `≤ ${TARGETS.kibPerEntity} KiB` : '—',
      target ? status(kib <= TARGETS.kibPerEntity) : 'info',
    ]);
    if (m.withServed)
      rows.push([
        `… with every explained top K held as objects (RankingStore), ${int(m.perSide)} per side`,
        `${fmt(m.withServed.rss / 1024, 2)} KiB RSS`,
        '—',
        '—',
        '—',
        'info',
      ]);
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    const raw = `raw embed (1 text) p50 ${ms(e.rawEmbedMs)} + raw search p50 ${ms(e.rawSearchMs)}`;
    rows.push([
      'End-to-end capacity (backlog of job events drained)',
      `${fmt(e.capacity.rate, 1)} jobs/s (${e.capacity.matched}/${e.capacity.jobs})`,
      r.embedding ? `embedding pipeline ${fmt(r.embedding.pipeline.throughput, 1)} events/s` : '—',
      r.embedding ? fmt(e.capacity.rate / r.embedding.pipeline.throughput, 2) : '—',
      '—',
      'info',
    ]);
    rows.push([
      'End-to-end latency, one job event at a time',
      e.idle.latencyMs
        ? `p50 ${ms(e.idle.latencyMs.p50)}, p99 ${ms(e.idle.latencyMs.p99)} (${e.idle.matched} jobs)`
        : 'no rankings seen',
      raw,
      e.idleOverhead === null ? '—' : `${fmt(e.idleOverhead, e.idleOverhead >= 10 ? 0 : 2)}×`,
      '—',
      'info',
    ]);
    rows.push([
      'End-to-end latency at a steady rate (job event → its ranking)',
      e.latencyMs
        ? `p50 ${ms(e.latencyMs.p50)}, p99 ${ms(e.latencyMs.p99)}; ${e.matched}/${e.jobs} at ` +
          `${fmt(e.offeredRate, 1)}/s offered, ${fmt(e.sustainedRate, 1)}/s sustained`
        : `no rankings seen (${e.jobs} jobs)`,
      raw,
      e.overhead === null ? '—' : `${fmt(e.overhead, e.overhead >= 10 ? 0 : 2)}×`,
      `< ${TARGETS.overhead}×`,
      status(e.met),
    ]);
    rows.push([
      'End-to-end floor: raw embed + raw search + 3 Kafka hops (one hop idle, alone)',
      `floor ${ms(e.floorMs)} = ${fmt(e.floorOverhead, 2)}× raw embed + search ` +
        `(hop p50 ${ms(e.kafkaHop.latencyMs.p50)}, p99 ${ms(e.kafkaHop.latencyMs.p99)})`,
      e.latencyMs ? `steady p50 ${ms(e.latencyMs.p50)}` : '—',
      e.overheadOverFloor === null ? '—' : `${fmt(e.overheadOverFloor, 2)}×`,
      '—',
      'info',
    ]);
  }
  if (r.scaleOut) {
    const s = r.scaleOut;
    const first = s.runs[0];
    for (const run of s.runs) {
      const size = run.population ?? s.population.profiles;
      if (run.instances === 1 && run.capacity) {
        const target = size === TARGETS.churnDrainAt;
        rows.push([
          `Service: churn drained by 1 matching instance, ${int(size)} per side`,
          `${fmt(run.capacity.rate, 1)} events/s (${run.capacity.answered}/${run.capacity.events})`,
          "first publish → the last event's own ranking or retraction",
          '—',
          target ? `≥ ${TARGETS.churnDrain} events/s` : '—',
          target ? status(run.capacity.rate >= TARGETS.churnDrain) : 'info',
        ]);
      }
      if (run.consistency) {
        rows.push([
          `Service: every ranking equals a fresh ranking, ${run.instances} instance${run.instances > 1 ? 's' : ''}, ${int(size)} per side`,
          `${consistencyCell(run.consistency)}, ${run.consistency.orphans} orphans`,
          'each owned subject re-ranked from scratch',
          fmt(run.consistency.ratio, 4),
          '= 1',
          status(run.consistency.consistent),
        ]);
      }
      const load = run.load;
      if (run.instances === 1 && load?.mode === 'bulk') {
        const target = size === TARGETS.bulkLoadAt;
        const ranking =
          load.publishedSeconds !== null && load.loadedSeconds !== null
            ? load.publishedSeconds - load.loadedSeconds
            : null;
        rows.push([
          `Service: bulk load into an empty instance, ${int(size)} per side (${int(load.records ?? 0)} records, ${int(load.stored)} rankings)`,
          load.publishedSeconds === null
            ? `${load.rankings}/${load.stored} rankings published`
            : `${fmt(load.publishedSeconds, 1)} s to every ranking published (${load.rankings})`,
          `state ${fmt(load.loadedSeconds ?? Number.NaN, 1)} s (${load.recordsPerSecond ?? '?'} records/s) + ` +
            `ranking ${fmt(ranking ?? Number.NaN, 1)} s (${load.rankingsPerSecond ?? '?'} rankings/s)`,
          '—',
          target ? `≤ ${TARGETS.bulkLoadSeconds} s` : '—',
          target
            ? status(
                load.publishedSeconds !== null &&
                  load.rankings >= load.stored &&
                  load.publishedSeconds <= TARGETS.bulkLoadSeconds,
              )
            : 'info',
        ]);
      }
    }
    for (const run of s.runs.slice(1).filter((x) => x.kind !== 'load')) {
      const ratio = capacityRatio(run, first);
      rows.push([
        `Scale-out capacity: ${run.instances} matching instances vs ${first.instances} (${s.cores} cores)`,
        run.capacity ? `${fmt(run.capacity.rate, 1)} events/s` : 'not measured',
        first.capacity ? `${fmt(first.capacity.rate, 1)} events/s` : '—',
        ratio === null ? '—' : `${fmt(ratio, 2)}×`,
        '—',
        'info',
      ]);
    }
  }
  return [
    '| Measure | Result | Against | Ratio | Target | Status |',
    '|---|---|---|---:|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
}

function status(met: boolean): string {
  return met ? '**met**' : '**not met**';
}

export function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function int(value: number): string {
  return fmt(value, 0);
}

/** Milliseconds with sensible precision. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value < 1) return `${fmt(value, 3)} ms`;
  if (value < 100) return `${fmt(value, 1)} ms`;
  return `${fmt(value, 0)} ms`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) < 1024) return `${fmt(value, 0)} B`;
  return `${fmt(value / 1024, 2)} KiB`;
}
