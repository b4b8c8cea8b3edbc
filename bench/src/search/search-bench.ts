/**
 * Search section: HNSW (the matching service's index, with its configured M / efConstruction /
 * efSearch) against exact brute-force search over the same vectors: recall@k, query latency, the
 * speed-up, and the growth figures (build rate, memory per vector).
 */
import { HnswVectorIndex, exactSearch, recallAtK } from '@matchstream/vector-index';
import type { VectorHit } from '@matchstream/vector-index';
import { summarize, throughput } from '../harness/stats';
import type { Summary } from '../harness/stats';
import { perturbedSet, row } from '../load/synthetic-vectors';
import type { NoiseModel, VectorSet } from '../load/synthetic-vectors';

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
  initialCapacity: number;
}

export interface SearchRunOptions {
  /** Index size. */
  size: number;
  k: number;
  hnsw: HnswParams;
  /** Query vectors (not in the index). */
  queries: readonly Float32Array[];
  /** How many of the queries are also run exactly (ground truth and exact latency). */
  exactQueries: number;
  seed: number;
  sigma?: number;
  noise?: NoiseModel;
  log?: (line: string) => void;
}

export interface SearchRunResult {
  size: number;
  realVectors: number;
  k: number;
  recall: number;
  hnswMs: Summary;
  exactMs: Summary;
  /** exact p50 / HNSW p50. */
  speedup: number;
  buildSeconds: number;
  buildRate: number;
  /** Process RSS growth over the build, divided by the index size. */
  rssBytesPerVector: number;
  /** V8 heap growth over the build (the id maps), divided by the index size. */
  heapBytesPerVector: number;
  capacity: number;
  /**
   * hnswlib's own layout for one slot, as a cross-check of the RSS figure: level-0 links
   * (2M ids + a count), the float32 vector and the label. Upper levels, the label map and a
   * mutex per slot come on top (a few dozen bytes).
   */
  layoutBytesPerSlot: number;
  queries: { hnsw: number; exact: number };
}

/**
 * Full collections (when node runs with --expose-gc) with pauses between them: V8 sweeps and
 * returns freed pages concurrently after gc() returns, and an RSS reading taken while that goes on
 * can even come out lower after a build than before it.
 */
export async function settleMemory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/**
 * Lets the event loop run during a long synchronous build or scan, so the process still answers
 * (its parent's messages, its timers) while it measures.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runSearch(
  bases: readonly Float32Array[],
  options: SearchRunOptions,
): Promise<SearchRunResult> {
  const log = options.log ?? (() => undefined);
  const set = perturbedSet(bases, {
    count: options.size,
    seed: options.seed,
    sigma: options.sigma,
    noise: options.noise,
  });
  const ids = Array.from({ length: set.count }, (_, i) => `v${i}`);

  await settleMemory();
  const before = process.memoryUsage();
  const index = new HnswVectorIndex({
    dimension: set.dimension,
    initialCapacity: options.hnsw.initialCapacity,
    m: options.hnsw.m,
    efConstruction: options.hnsw.efConstruction,
    efSearch: options.hnsw.efSearch,
  });
  const buildStart = performance.now();
  const progressEvery = Math.max(10000, Math.floor(set.count / 10));
  for (let i = 0; i < set.count; i++) {
    index.upsert(ids[i], row(set, i));
    if (i % 200 === 199) await yieldToEventLoop();
    if ((i + 1) % progressEvery === 0 && i + 1 < set.count) {
      log(
        `  built ${i + 1}/${set.count} (${((performance.now() - buildStart) / 1000).toFixed(0)} s)`,
      );
    }
  }
  const buildMs = performance.now() - buildStart;
  await settleMemory();
  const after = process.memoryUsage();

  const hnswHits: VectorHit[][] = [];
  const hnswTimes: number[] = [];
  for (let i = 0; i < Math.min(20, options.queries.length); i++)
    index.search(options.queries[i], options.k);
  for (const [q, query] of options.queries.entries()) {
    const start = performance.now();
    hnswHits.push(index.search(query, options.k));
    hnswTimes.push(performance.now() - start);
    if (q % 20 === 19) await yieldToEventLoop();
  }

  const entries = ids.map((id, i): [string, Float32Array] => [id, row(set, i)]);
  const exactCount = Math.min(options.exactQueries, options.queries.length);
  const exactHits: VectorHit[][] = [];
  const exactTimes: number[] = [];
  exactSearch(entries, options.queries[0], options.k); // warm-up
  for (let q = 0; q < exactCount; q++) {
    const start = performance.now();
    exactHits.push(exactSearch(entries, options.queries[q], options.k));
    exactTimes.push(performance.now() - start);
    await yieldToEventLoop();
  }

  const hnswMs = summarize(hnswTimes);
  const exactMs = summarize(exactTimes);
  return {
    size: set.count,
    realVectors: Math.min(bases.length, set.count),
    k: options.k,
    recall: recallAtK(hnswHits.slice(0, exactCount), exactHits, options.k),
    hnswMs,
    exactMs,
    speedup: exactMs.p50 / hnswMs.p50,
    buildSeconds: buildMs / 1000,
    buildRate: throughput(set.count, buildMs),
    rssBytesPerVector: (after.rss - before.rss) / set.count,
    heapBytesPerVector: (after.heapUsed - before.heapUsed) / set.count,
    capacity: index.capacity,
    layoutBytesPerSlot: 2 * options.hnsw.m * 4 + 4 + set.dimension * 4 + 8,
    queries: { hnsw: hnswTimes.length, exact: exactCount },
  };
}

/** HNSW query latency over a given set of real vectors at a given k (no exact comparison). */
export function hnswLatency(
  vectors: readonly Float32Array[],
  queries: readonly Float32Array[],
  k: number,
  hnsw: HnswParams,
): Summary {
  const index = new HnswVectorIndex({
    dimension: vectors[0].length,
    initialCapacity: Math.max(hnsw.initialCapacity, vectors.length),
    m: hnsw.m,
    efConstruction: hnsw.efConstruction,
    efSearch: hnsw.efSearch,
  });
  vectors.forEach((v, i) => index.upsert(`r${i}`, v));
  for (let i = 0; i < Math.min(20, queries.length); i++) index.search(queries[i], k);
  const times = queries.map((q) => {
    const start = performance.now();
    index.search(q, k);
    return performance.now() - start;
  });
  return summarize(times);
}

export type { VectorSet };
