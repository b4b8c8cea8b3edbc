/**
 * Ranking maintenance: what one entity event costs the matching service's core (state update,
 * exact maintenance of every affected ranking in both directions, the explained top K of each
 * changed ranking), at a given population per side. No broker, no Redis: the core alone.
 *
 * Every job is remote and sponsors visas, and every profile works remotely: no pair fails on
 * work mode, authorisation or location (categories still apply), the heavy case for a pass, which
 * must then score more pairs, and a realistic one for the seeding below.
 *
 * Every ranking is seeded exactly, by the bulk load's blocked pass (`RankingMaintainer.rankAll`:
 * the same rankings as the maintainer's own exact pass per subject, bit for bit; its figures are
 * part of the run, bulk-seeding.ts). A ranking seeded from an approximate pool and marked
 * exhaustive when short would admit every eligible newcomer from anywhere, inflating the fan-out
 * far beyond what exact rankings see: summed over all subjects, list memberships equal the total
 * list length, so a new entity enters about K + reserve rankings on average.
 */
import { loadavg } from 'node:os';
import { jobPayload, profilePayload, entityKey } from '@matchstream/contracts';
import type { EntityType } from '@matchstream/contracts';
import { DEFAULT_WEIGHTS } from '@matchstream/scoring';
import { EntityState, PairScorer, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import type { HnswVectorIndex } from '@matchstream/vector-index';
import { Rng } from '../harness/rng';
import { LoadGenerator } from '../load/load-generator';
import { summarize } from '../harness/stats';
import type { Summary } from '../harness/stats';
import { normaliseInPlace, perturbedSet, row } from '../load/synthetic-vectors';
import { compareSeeding, seedInBulk } from './bulk-seeding';
import type { BulkSeeding, SeedingComparison } from './bulk-seeding';

export interface MaintenanceOptions {
  perSide: number;
  events: number;
  seed: number;
  topK: number;
  reserve: number;
  /** Real embeddings to grow the populations from; clustered random vectors when absent. */
  bases?: readonly Float32Array[];
  dimension?: number;
  /** Also seed by one exact pass per subject, side by side with the blocked pass (small sizes). */
  compareSeeding?: boolean;
  log?: (message: string) => void;
}

export interface MaintenanceRun {
  perSide: number;
  events: number;
  /** Events per second on one core: 1000 / mean ms. */
  throughput: number;
  latencyMs: Summary;
  byKind: Record<'new' | 'update' | 'removal', { count: number; p50: number; p99: number }>;
  /** Maintained rankings changed per event (the event's own included, reserves too), mean. */
  touchedPerEvent: number;
  /** The same per event, as a distribution (hubs are real; a mean far above K + reserve is not). */
  fanOut: Summary;
  /** K + reserve: what the mean fan-out of a new entity should be near. */
  depth: number;
  /** Rankings whose top K changed per event: what would be published. */
  publishedPerEvent: number;
  seedSeconds: number;
  /** The seeding itself: the bulk load's blocked pass over every pair. */
  bulk: BulkSeeding;
  /** With compareSeeding: one pass per subject against the blocked pass, on the same state. */
  seeding?: SeedingComparison;
  /** One exact pass's scan of the other side's vectors, the old way and the kernel's. */
  scan: ScanFigures;
  /** One-minute load average at the end of the run (two cores shared: read figures beside it). */
  loadAverage: number;
  vectors: 'real-grown' | 'clustered-synthetic';
}

/**
 * The hot loop against its physical limit, measured in the same run on the same vectors: the
 * bytes one pass reads (every vector of the other side) over the time the pass's scan takes,
 * against a plain sequential read of those bytes (the memory bandwidth of this core now).
 */
export interface ScanFigures {
  vectors: number;
  bytesPerScan: number;
  /** The plain JavaScript dot product per pair (HnswVectorIndex.scan, the path before the kernel). */
  jsNsPerPair: number;
  /** The SIMD kernel per pair (HnswVectorIndex.approximate, the filter the pass now runs). */
  kernelNsPerPair: number;
  /** The sequential read of the same bytes, per vector: the floor. */
  floorNsPerPair: number;
  bandwidthGBs: number;
}

function measureScans(index: HnswVectorIndex, queries: readonly Float32Array[]): ScanFigures {
  const vectors = index.size;
  const dimension = queries[0].length;
  const bytes = index.capacity * dimension * 4;
  const timed = (f: () => void) => {
    f();
    const start = performance.now();
    for (let r = 0; r < queries.length; r++) f();
    return (performance.now() - start) / queries.length;
  };
  let q = 0;
  let sink = 0;
  const js = timed(() => index.scan(queries[q++ % queries.length], (_id, s) => (sink += s)));
  const kernel = timed(() => {
    sink += index.approximate(queries[q++ % queries.length]).similarities[0];
  });
  const read = timed(() => (sink += index.streamingRead(bytes) ?? 0));
  if (sink === 0.5) console.error('');
  const perVector = (ms: number, of: number) => (ms * 1e6) / of;
  const slots = index.capacity;
  return {
    vectors,
    bytesPerScan: vectors * dimension * 4,
    jsNsPerPair: perVector(js, vectors),
    kernelNsPerPair: perVector(kernel, vectors),
    floorNsPerPair: perVector(read, slots),
    bandwidthGBs: bytes / (read * 1e6),
  };
}

/** One run per population size, one after the other, each saying so in the log first. */
export function runMaintenanceSizes(
  sizes: readonly number[],
  options: Omit<MaintenanceOptions, 'perSide'>,
): MaintenanceRun[] {
  return sizes.map((perSide) => {
    options.log?.(
      `ranking maintenance at ${perSide} per side (load average ${loadavg()[0].toFixed(2)})…`,
    );
    return runMaintenance({ ...options, perSide });
  });
}

export function runMaintenance(options: MaintenanceOptions): MaintenanceRun {
  const log = options.log ?? (() => undefined);
  const { perSide } = options;
  const dimension = options.bases?.[0]?.length ?? options.dimension ?? 384;
  const extra = Math.ceil(options.events * 0.6) + 1;
  const vectors = vectorSource(options, perSide * 2 + extra * 2, dimension);
  const generator = new LoadGenerator({ seed: options.seed, idPrefix: 'm' });
  // The graph only serves ad-hoc search; maintenance scans vectors exactly. Cheap graph settings
  // keep the seeding fast and do not change what is measured.
  const state = new EntityState({
    dimension,
    initialCapacity: perSide + extra,
    m: 8,
    efConstruction: 32,
    efSearch: 64,
  });
  const book = new RankingBook(options.topK, options.topK + options.reserve);
  const scorer = new PairScorer({ weights: DEFAULT_WEIGHTS, minScore: 0 });
  const maintainer = new RankingMaintainer(state, scorer, book);

  const seedStart = performance.now();
  let next = 0;
  const upsert = (type: EntityType, index: number, version: number) => {
    const vector = vectors(next++);
    if (type === 'profile') {
      const p = generator.profile(index);
      state.upsertProfile(
        {
          id: p.id,
          version,
          modelId: 'bench',
          document: profilePayload.parse({ ...p.payload, workModes: ['remote'] }),
        },
        vector,
      );
      return `profile:${p.id}`;
    }
    const j = generator.job(index);
    state.upsertJob(
      {
        id: j.id,
        version,
        modelId: 'bench',
        document: jobPayload.parse({
          ...j.payload,
          remotePolicy: 'remote',
          visaSponsorship: true,
        }),
      },
      vector,
    );
    return `job:${j.id}`;
  };
  for (let i = 0; i < perSide; i++) {
    upsert('profile', i, 1);
    upsert('job', i, 1);
  }
  log(`  ${perSide} per side indexed; seeding exact rankings in one blocked pass`);
  const bulk = seedInBulk(state, maintainer);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const seeding = options.compareSeeding ? compareSeeding(state, maintainer) : undefined;
  const queries = [...state.profiles.keys()]
    .slice(0, 20)
    .map((id) => state.profileIndex.getVector(id)!);
  const scan = measureScans(state.jobIndex, queries);
  log(
    `  seeded in ${bulk.seconds.toFixed(1)} s (${bulk.nsPerPair.toFixed(1)} ns per pair, ` +
      `${bulk.rescored} of ${bulk.pairs} pairs rescored); scan per pair: js ` +
      `${scan.jsNsPerPair.toFixed(0)} ns, kernel ${scan.kernelNsPerPair.toFixed(0)} ns, floor ` +
      `${scan.floorNsPerPair.toFixed(0)} ns (${scan.bandwidthGBs.toFixed(1)} GB/s); measuring ` +
      `${options.events} events`,
  );

  const rng = Rng.seeded(options.seed, 'maintenance', perSide);
  const latencies: number[] = [];
  const kinds: Record<'new' | 'update' | 'removal', number[]> = {
    new: [],
    update: [],
    removal: [],
  };
  const created = { profile: perSide, job: perSide };
  const versions = new Map<string, number>();
  let touched = 0;
  const fanOut: number[] = [];
  let republished = 0;
  const signatureOf = (subject: string) =>
    (book.get(subject)?.entries.slice(0, options.topK) ?? [])
      .map((e) => `${e.id}:${e.score}`)
      .join(',');
  const published = new Map([...book.keys()].map((k) => [k, signatureOf(k)]));
  for (let e = 0; e < options.events; e++) {
    const type: EntityType = rng.next() < 0.5 ? 'profile' : 'job';
    const roll = rng.next();
    const kind = roll < 0.5 ? 'new' : roll < 0.8 ? 'update' : 'removal';
    const started = performance.now();
    let key: string;
    if (kind === 'new') {
      key = upsert(type, created[type]++, 1);
    } else {
      const index = rng.int(0, perSide - 1);
      const id = type === 'profile' ? generator.profileId(index) : generator.jobId(index);
      key = entityKey(type, id);
      const version = (versions.get(key) ?? 1) + 1;
      versions.set(key, version);
      if (kind === 'update' && state.side(type).entities.has(id)) upsert(type, index, version);
      else state.remove(type, id, version);
    }
    const changed = maintainer.apply([key]);
    // As the service settles a chunk: explain (and publish) only rankings whose top K moved.
    for (const subject of changed.keys()) {
      const signature = signatureOf(subject);
      if (published.get(subject) === signature) continue;
      published.set(subject, signature);
      maintainer.topMatches(subject);
      republished++;
    }
    const elapsed = performance.now() - started;
    touched += changed.size;
    fanOut.push(changed.size);
    latencies.push(elapsed);
    kinds[kind].push(elapsed);
  }
  const latencyMs = summarize(latencies);
  const byKind = Object.fromEntries(
    Object.entries(kinds).map(([k, v]) => {
      const s = v.length ? summarize(v) : { count: 0, p50: 0, p99: 0 };
      return [k, { count: s.count, p50: s.p50, p99: s.p99 }];
    }),
  ) as MaintenanceRun['byKind'];
  return {
    perSide,
    events: options.events,
    throughput: 1000 / latencyMs.mean,
    latencyMs,
    byKind,
    touchedPerEvent: touched / options.events,
    fanOut: summarize(fanOut),
    depth: book.depth,
    publishedPerEvent: republished / options.events,
    seedSeconds,
    bulk,
    seeding,
    scan,
    loadAverage: loadavg()[0],
    vectors: options.bases?.length ? 'real-grown' : 'clustered-synthetic',
  };
}

/** The i-th vector of the populations: grown from real embeddings, or clustered random ones. */
export function vectorSource(
  options: Pick<MaintenanceOptions, 'bases' | 'seed'>,
  count: number,
  dimension: number,
): (i: number) => Float32Array {
  if (options.bases?.length) {
    const set = perturbedSet(options.bases, { count, seed: options.seed });
    return (i) => row(set, i % count).slice();
  }
  const rng = Rng.seeded(options.seed, 'clusters', dimension);
  const gaussian = () => rng.gaussian();
  const centres = Array.from({ length: 64 }, () => {
    const c = Float32Array.from({ length: dimension }, gaussian);
    normaliseInPlace(c);
    return c;
  });
  return () => {
    const centre = centres[rng.int(0, centres.length - 1)];
    const v = Float32Array.from(centre, (x) => x + (gaussian() * 0.6) / Math.sqrt(dimension));
    normaliseInPlace(v);
    return v;
  };
}
