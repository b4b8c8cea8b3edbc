import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import { pairSimilarity } from './dot-product';
import {
  FORMAT_VERSION,
  MANIFEST_FILE,
  MAX_LABELS,
  SPACE,
  asError,
  commitSnapshot,
  digestFile,
  errorCode,
  parseManifest,
} from './hnsw-snapshot-files';
import type { FileDigest, PreparedSnapshot } from './hnsw-snapshot-files';
import { exactSearch } from './exact-search';
import { VectorStore } from './vector-store';
import type { Approximation, BlockScan, BoundedScan } from './vector-store';
import { assertK, compareHits, toCheckedArray } from './vector';
import type { VectorHit, VectorLike } from './vector';

export interface HnswIndexOptions {
  /** Vector dimension, e.g. 384. */
  dimension: number;
  /** Slots allocated up front; the index grows by `growthFactor` when they run out. */
  initialCapacity: number;
  /** HNSW M (graph out-degree), e.g. 16. Taken from the file when a snapshot is loaded. */
  m: number;
  /** Build-time beam width, e.g. 200. Taken from the file when a snapshot is loaded. */
  efConstruction: number;
  /** Query-time beam width, e.g. 100; raised to k for a larger k. */
  efSearch: number;
  /** Capacity multiplier when the index is full (default 2). */
  growthFactor?: number;
  /** Seed of hnswlib's level generator (default 100). */
  randomSeed?: number;
}

export interface HnswIndexStats {
  /** Live entries. */
  size: number;
  /** Allocated slots. */
  capacity: number;
  /** Slots holding a deleted (marked, not yet reused) vector. */
  deleted: number;
  dimension: number;
}

export interface HnswSnapshot {
  index: HnswVectorIndex;
  meta: Record<string, unknown>;
}

/** @internal State handed from `loadSnapshot` to the constructor; not exported from the lib. */
export interface RestoredState {
  hnsw: HierarchicalNSW;
  entries: Array<[string, number]>;
  freeLabels: number[];
  elementCount: number;
}

interface ResolvedOptions {
  dimension: number;
  initialCapacity: number;
  m: number;
  efConstruction: number;
  efSearch: number;
  growthFactor: number;
  randomSeed: number;
}

/**
 * Neighbours fetched without the filter per result wanted. A plain native search of 4k costs less
 * than a filtered walk that calls into JavaScript per visited node, and holds k eligible entries
 * whenever a quarter or more of the neighbourhood is eligible.
 */
const OVERFETCH = 4;

/**
 * Cosine HNSW index over string ids, wrapping hnswlib-node with the bookkeeping it lacks:
 * a string id <-> uint32 label map, reuse of deleted slots, automatic growth, idempotent
 * upsert/delete (safe under Kafka redelivery), filtered search that never comes back short,
 * and checksummed snapshots with a manifest.
 *
 * Not thread-safe across workers; within one event loop every method except the snapshot I/O
 * is synchronous, so calls cannot interleave.
 */
export class HnswVectorIndex {
  private readonly hnsw: HierarchicalNSW;
  private readonly dimension: number;
  private readonly efSearch: number;
  private readonly growthFactor: number;
  private readonly idToLabel = new Map<string, number>();
  /** Indexed by label; a hole or undefined means the label is free (deleted in hnswlib). */
  private readonly labelToId: Array<string | undefined> = [];
  /** Labels marked deleted in hnswlib, reused before new labels are taken. */
  private readonly freeLabels: number[] = [];
  /** Labels ever handed to hnswlib are exactly 0..nextLabel-1, so this equals getCurrentCount. */
  private nextLabel = 0;
  /**
   * Every slot's normalised vector, label-major: a copy of what hnswlib holds. Reading a vector
   * back through hnswlib-node (getPoint) builds a JS array element by element, 38 µs for 384
   * dimensions measured here, which made exact scans and pair scores the matching service's
   * hottest code; this copy costs 4·d bytes per slot (1.5 KiB at d = 384) and makes them cheap.
   * It lives where the SIMD scan kernel reads it (vector-store.ts).
   */
  private readonly store: VectorStore;
  /** Serialises the asynchronous half of snapshots so manifests and files commit in call order. */
  private snapshotQueue: Promise<void> = Promise.resolve();

  constructor(options: HnswIndexOptions, restored?: RestoredState) {
    const resolved = resolveOptions(options);
    this.dimension = resolved.dimension;
    this.efSearch = resolved.efSearch;
    this.growthFactor = resolved.growthFactor;

    if (restored === undefined) {
      this.hnsw = new HierarchicalNSW(SPACE, resolved.dimension);
      // allowReplaceDeleted is deliberately false. hnswlib's replaceDeleted mode does not reuse
      // the slot of the label you pass: it takes an arbitrary deleted slot (the first of an
      // unordered_set), relabels it, and leaves the passed label's own deleted slot behind still
      // carrying that label; reusing that slot later erases the live label from hnswlib's lookup
      // table (verified: getPoint/markDelete then fail with "Label not found" for a live entry).
      // With the flag off, addPoint on a deleted label unmarks it and overwrites its vector in
      // place (the same updatePoint repair replaceDeleted uses), so the slot we pick is the slot
      // that gets reused.
      this.hnsw.initIndex(
        resolved.initialCapacity,
        resolved.m,
        resolved.efConstruction,
        resolved.randomSeed,
        false,
      );
    } else {
      this.hnsw = restored.hnsw;
      for (const [id, label] of restored.entries) this.bind(id, label);
      this.freeLabels.push(...restored.freeLabels);
      this.nextLabel = restored.elementCount;
      if (resolved.initialCapacity > this.hnsw.getMaxElements()) {
        this.hnsw.resizeIndex(resolved.initialCapacity);
      }
    }
    // ef is not stored in the index file (readIndex brings it back as 10), so always set it here.
    this.hnsw.setEf(resolved.efSearch);
    this.store = new VectorStore(this.dimension, this.hnsw.getMaxElements());
    // A restored index brings its vectors in hnswlib's memory only: copy the live ones once.
    for (const label of this.idToLabel.values()) this.store.set(label, this.hnsw.getPoint(label));
  }

  /** Live entries (hnswlib's getCurrentCount would also count deleted slots). */
  get size(): number {
    return this.idToLabel.size;
  }

  get capacity(): number {
    return this.hnsw.getMaxElements();
  }

  has(id: string): boolean {
    return this.idToLabel.has(id);
  }

  ids(): string[] {
    return Array.from(this.idToLabel.keys());
  }

  /**
   * Inserts or replaces. A replayed upsert simply overwrites the vector again. New ids take a
   * freed slot first, and the index grows when no slot is left.
   */
  upsert(id: string, vector: VectorLike): void {
    assertId(id);
    const point = toCheckedArray(vector, this.dimension, `vector for '${id}'`);

    const existing = this.idToLabel.get(id);
    if (existing !== undefined) {
      // Same label, live element: hnswlib overwrites the vector in place and repairs its links.
      this.hnsw.addPoint(point, existing);
      this.keepVector(existing);
      return;
    }

    const freeCount = this.freeLabels.length;
    if (freeCount > 0) {
      const label = this.freeLabels[freeCount - 1];
      // Deleted label with allowReplaceDeleted off: hnswlib unmarks it and overwrites in place.
      // Bookkeeping changes only after addPoint succeeded, so a throw leaves the maps consistent.
      this.hnsw.addPoint(point, label);
      this.keepVector(label);
      this.freeLabels.pop();
      this.bind(id, label);
      return;
    }

    if (this.nextLabel >= MAX_LABELS) {
      throw new Error(`vector index is out of uint32 labels (${MAX_LABELS})`);
    }
    if (this.nextLabel >= this.hnsw.getMaxElements()) this.grow();
    const label = this.nextLabel;
    this.hnsw.addPoint(point, label);
    this.keepVector(label);
    this.nextLabel += 1;
    this.bind(id, label);
  }

  /**
   * Removes an id; false when it was not there, so a replayed delete is harmless (hnswlib throws
   * on a second markDelete, which our map check prevents). The vector stays in memory and in
   * snapshots until the slot is reused by a later upsert.
   */
  delete(id: string): boolean {
    const label = this.idToLabel.get(id);
    if (label === undefined) return false;
    this.hnsw.markDelete(label);
    this.idToLabel.delete(id);
    this.labelToId[label] = undefined;
    this.freeLabels.push(label);
    return true;
  }

  /** The stored vector, as hnswlib keeps it: L2-normalised by the cosine space. */
  getVector(id: string): Float32Array | undefined {
    const label = this.idToLabel.get(id);
    if (label === undefined) return undefined;
    return this.store.at(label).slice();
  }

  /**
   * The index's own copy of the id (the string it was first given): callers keeping per-entry data
   * by id can share it instead of holding another copy of the same id per entry.
   */
  idOf(id: string): string | undefined {
    const label = this.idToLabel.get(id);
    return label === undefined ? undefined : this.labelToId[label];
  }

  /**
   * The entry's slot: a small integer, stable while the entry lives (a freed slot is reused by a
   * later entry), which callers may use to keep per-entry data in typed arrays.
   */
  slotOf(id: string): number | undefined {
    return this.idToLabel.get(id);
  }

  /**
   * The stored vector without a copy: valid until the index next changes (an upsert may reuse or
   * grow the storage), so for use within one synchronous computation.
   */
  vectorView(id: string): Float32Array | undefined {
    const label = this.idToLabel.get(id);
    return label === undefined ? undefined : this.vectorAt(label);
  }

  /**
   * Top-k by cosine similarity, highest first (ties by id). Returns min(k, eligible) hits: live
   * entries without a filter, live entries passing the filter with one.
   *
   * With a filter, an unfiltered search for OVERFETCH × k neighbours comes first and is filtered
   * here: when it holds k eligible entries they are exactly the k nearest eligible ones (any other
   * eligible entry is farther than all of them), at the cost of a plain native search. Otherwise
   * the filter runs inside hnswlib's graph walk, which calls into JavaScript for every candidate
   * visited; if that walk comes back short too (very selective filters), the eligible entries
   * are scanned exactly.
   */
  search(query: VectorLike, k: number, filter?: (id: string) => boolean): VectorHit[] {
    const point = toCheckedArray(query, this.dimension, 'query vector');
    assertK(k);
    const limit = Math.min(k, this.idToLabel.size);
    if (limit === 0) return [];

    // hnswlib 0.8 widens the beam to max(ef, k) by itself; setting it here as well keeps the
    // guarantee (a filtered beam narrower than k cannot hold k eligible hits) and restores ef on
    // every call, whatever a loaded index or an earlier call left behind.
    this.hnsw.setEf(Math.max(this.efSearch, limit));

    if (filter !== undefined) {
      const overfetched = this.searchOverfetched(point, limit, filter);
      if (overfetched) return overfetched;
    }

    let result: { distances: number[]; neighbors: number[] };
    if (filter === undefined) {
      result = this.hnsw.searchKnn(point, limit);
    } else {
      // An exception escaping a filter callback aborts the whole process inside hnswlib-node
      // (N-API fatal error, verified), so it is caught here and rethrown after the native call.
      const failure: { error?: unknown } = {};
      const labelFilter = (label: number): boolean => {
        if ('error' in failure) return false;
        const id = this.labelToId[label];
        if (id === undefined) return false;
        try {
          return filter(id);
        } catch (error) {
          failure.error = error;
          return false;
        }
      };
      result = this.hnsw.searchKnn(point, limit, labelFilter);
      if ('error' in failure) throw asError(failure.error);
    }

    if (result.neighbors.length < limit) return this.exactScan(query, limit, filter);

    const hits: VectorHit[] = [];
    for (let i = 0; i < result.neighbors.length; i++) {
      const label = result.neighbors[i];
      const id = this.labelToId[label];
      if (id === undefined) {
        throw new Error(`vector index returned label ${label}, which maps to no live id`);
      }
      hits.push({ id, similarity: 1 - result.distances[i] });
    }
    return hits.sort(compareHits);
  }

  /**
   * Exact top-k among the given ids (unknown ids are skipped), filtered: for callers that can
   * narrow a selective filter to a small candidate set themselves (an inverted index on the
   * dominant hard constraint). Exact, and far cheaper than a graph walk whose filter rejects most
   * nodes: measured here, a 4% filter over 20,000 vectors took 24 ms through hnswlib and 0.05 ms
   * as an exact scan of the 1,667 candidates.
   */
  searchAmong(
    query: VectorLike,
    k: number,
    ids: Iterable<string>,
    filter?: (id: string) => boolean,
  ): VectorHit[] {
    toCheckedArray(query, this.dimension, 'query vector');
    assertK(k);
    const { idToLabel } = this;
    const candidates = (function* (index: HnswVectorIndex): Generator<[string, Float32Array]> {
      for (const id of ids) {
        const label = idToLabel.get(id);
        if (label !== undefined && (filter === undefined || filter(id)))
          yield [id, index.vectorAt(label)];
      }
    })(this);
    return exactSearch(candidates, query, k);
  }

  /**
   * Exact cosine similarity of `query` (a vector as this index stores it: see getVector) to every
   * live entry, or to the given ids
   * (unknown ids skipped), handed to `visit` in slot order. The basis of exact ranking maintenance:
   * one pass over the other side's vectors answers both "who ranks first for this entity" and
   * "whose ranking does this entity enter". Synchronous: no index mutation can interleave.
   */
  scan(
    query: Float32Array,
    visit: (id: string, similarity: number, slot: number) => void,
    ids?: Iterable<string>,
  ): void {
    this.assertQuery(query);
    const { store } = this;
    if (ids === undefined) {
      const { labelToId } = this;
      for (let label = 0; label < this.nextLabel; label++) {
        const id = labelToId[label];
        if (id !== undefined) visit(id, store.similarityAt(query, label), label);
      }
      return;
    }
    for (const id of ids) {
      const label = this.idToLabel.get(id);
      if (label !== undefined) visit(id, store.similarityAt(query, label), label);
    }
  }

  /**
   * Approximate similarities of `query` to every slot in use (free ones included: `idAt` says
   * which are live), or to the given ids' slots in their order (unknown ids skipped), each
   * within the returned margin of the exact one: a filter for scans that rescore what passes
   * with `similarityAt`. On the SIMD kernel where it runs (memory speed); exact otherwise. The
   * views are valid until the next call or change.
   */
  approximate(query: Float32Array, ids?: Iterable<string>): Approximation {
    this.assertQuery(query);
    if (ids === undefined) return this.store.approximate(query, this.nextLabel);
    const slots: number[] = [];
    for (const id of ids) {
      const label = this.idToLabel.get(id);
      if (label !== undefined) slots.push(label);
    }
    return this.store.approximate(query, slots.length, slots);
  }

  /**
   * A blocked scan of this index's vectors (see VectorStore.blockScan): blocks of up to `queries`
   * query vectors against a stream of slots, four queries per kernel step, for passes that rank
   * many subjects at once. Taking one may grow the store's memory, which detaches earlier
   * `vectorView`s of this index: take views after it. Valid until the index next changes.
   */
  blockScan(queries: number, streamLength: number, chunk: number): BlockScan {
    return this.store.blockScan(queries, streamLength, chunk);
  }

  /**
   * A blocked scan that bounds each pair's score in the kernel (see VectorStore.boundedScan);
   * null where the kernel cannot run. Like blockScan, it may detach earlier `vectorView`s.
   */
  boundedScan(queries: number, columns: number, chunk: number): BoundedScan | null {
    return this.store.boundedScan(queries, columns, chunk);
  }

  /** Whether `approximate` runs on the SIMD kernel. */
  get accelerated(): boolean {
    return this.store.accelerated;
  }

  /** The id in the slot; undefined for a free slot. */
  idAt(slot: number): string | undefined {
    return this.labelToId[slot];
  }

  /** The exact similarity of `query` to the slot's vector: `pairSimilarity`, as every path. */
  similarityAt(query: Float32Array, slot: number): number {
    return this.store.similarityAt(query, slot);
  }

  /** The exact similarity of `query` to the entry's vector; undefined for an unknown id. */
  similarityTo(query: Float32Array, id: string): number | undefined {
    const label = this.idToLabel.get(id);
    return label === undefined ? undefined : pairSimilarity(query, this.store.at(label));
  }

  /** A sequential read of `bytes` of the stored vectors (bandwidth probe; see VectorStore). */
  streamingRead(bytes: number): number | null {
    return this.store.streamingRead(bytes);
  }

  private assertQuery(query: Float32Array): void {
    if (query.length !== this.dimension) {
      throw new Error(`query vector has ${query.length} dimensions, expected ${this.dimension}`);
    }
  }

  /** The k nearest eligible entries among OVERFETCH × k unfiltered neighbours; null if short. */
  private searchOverfetched(
    point: number[],
    k: number,
    filter: (id: string) => boolean,
  ): VectorHit[] | null {
    const wanted = Math.min(k * OVERFETCH, this.idToLabel.size);
    this.hnsw.setEf(Math.max(this.efSearch, wanted));
    const { distances, neighbors } = this.hnsw.searchKnn(point, wanted);
    this.hnsw.setEf(Math.max(this.efSearch, k));
    const hits: VectorHit[] = [];
    for (let i = 0; i < neighbors.length; i++) {
      const id = this.labelToId[neighbors[i]];
      if (id !== undefined && filter(id)) hits.push({ id, similarity: 1 - distances[i] });
    }
    // Every eligible entry counts when the whole index came back.
    if (hits.length < k && neighbors.length < this.idToLabel.size) return null;
    return hits.sort(compareHits).slice(0, k);
  }

  stats(): HnswIndexStats {
    return {
      size: this.idToLabel.size,
      capacity: this.hnsw.getMaxElements(),
      deleted: this.freeLabels.length,
      dimension: this.dimension,
    };
  }

  /**
   * Writes the index file and a manifest (id map, free labels, sha256, `meta`) into `dir`.
   *
   * The index is written with writeIndexSync before this method first yields, so the snapshot
   * is exactly the state at call time and pairs safely with `meta` (e.g. consumed offsets).
   * The async writeIndex would save on a worker thread while the event loop keeps calling
   * addPoint/markDelete on the same native memory, which can tear the file or crash; refusing
   * upserts during a write would push that problem onto every caller. The cost is that the
   * event loop blocks for the write: the file holds ~1.7 KB per used slot at d=384, M=16, and
   * 10,000 entries took ~35 ms (into the page cache). Hashing, fsync and renames run
   * asynchronously afterwards and touch only files.
   *
   * Each snapshot gets a fresh index file name and the manifest is renamed into place last, so a
   * crash at any point leaves the previous manifest pointing at its intact index file. One writer
   * per directory.
   */
  async saveSnapshot(dir: string, meta: Record<string, unknown> = {}): Promise<void> {
    const prepared = this.prepareSnapshot(dir, meta);
    const commit = this.snapshotQueue.then(() => commitSnapshot(prepared));
    this.snapshotQueue = commit.catch(() => undefined);
    return commit;
  }

  /**
   * Loads the snapshot in `dir`; null when there is none (no manifest). Throws when the manifest
   * is unreadable or inconsistent, the dimension differs from `options.dimension`, or the index
   * file fails its checksum. M and efConstruction come from the file; efSearch, growthFactor and
   * a larger initialCapacity come from `options`.
   */
  static async loadSnapshot(dir: string, options: HnswIndexOptions): Promise<HnswSnapshot | null> {
    const resolved = resolveOptions(options);
    const manifestPath = join(dir, MANIFEST_FILE);
    let raw: string;
    try {
      raw = await readFile(manifestPath, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    const manifest = parseManifest(raw, manifestPath);
    if (manifest.dimension !== resolved.dimension) {
      throw new Error(
        `snapshot in ${dir} has dimension ${manifest.dimension}, but the index is configured for ${resolved.dimension}`,
      );
    }

    const indexPath = join(dir, manifest.indexFile);
    let digest: FileDigest;
    try {
      digest = await digestFile(indexPath);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        throw new Error(`snapshot index file ${indexPath} named by ${manifestPath} is missing`);
      }
      throw error;
    }
    if (digest.sha256 !== manifest.indexSha256 || digest.bytes !== manifest.indexBytes) {
      throw new Error(
        `snapshot index file ${indexPath} fails its checksum (manifest: sha256 ${manifest.indexSha256}, ` +
          `${manifest.indexBytes} bytes; file: sha256 ${digest.sha256}, ${digest.bytes} bytes)`,
      );
    }

    if (manifest.elementCount === 0) {
      // hnswlib reads an index that never held a point back with no capacity at all.
      const empty = new HnswVectorIndex({
        ...options,
        initialCapacity: Math.max(options.initialCapacity, manifest.capacity),
      });
      return { index: empty, meta: manifest.meta };
    }
    const hnsw = new HierarchicalNSW(SPACE, resolved.dimension);
    // Not yet shared with anyone, so the off-loop read cannot race a mutation.
    await hnsw.readIndex(indexPath, false);
    if (
      hnsw.getCurrentCount() !== manifest.elementCount ||
      hnsw.getMaxElements() !== manifest.capacity
    ) {
      throw new Error(
        `snapshot index file ${indexPath} holds ${hnsw.getCurrentCount()} of ${hnsw.getMaxElements()} slots, ` +
          `but its manifest says ${manifest.elementCount} of ${manifest.capacity}`,
      );
    }
    const index = new HnswVectorIndex(options, {
      hnsw,
      entries: manifest.entries,
      freeLabels: manifest.freeLabels,
      elementCount: manifest.elementCount,
    });
    return { index, meta: manifest.meta };
  }

  private bind(id: string, label: number): void {
    this.idToLabel.set(id, label);
    this.labelToId[label] = id;
  }

  private grow(): void {
    const current = this.hnsw.getMaxElements();
    const target = Math.min(
      MAX_LABELS,
      Math.max(current + 1, Math.ceil(current * this.growthFactor)),
    );
    // Synchronous and on the event loop, so no insert or search can run during the copy.
    this.hnsw.resizeIndex(target);
    this.store.ensure(target);
  }

  /** A view of a slot's vector (no copy): for scans within one synchronous call. */
  private vectorAt(label: number): Float32Array {
    return this.store.at(label);
  }

  /**
   * Copies the slot's vector back from hnswlib, exactly as its cosine space stored it (normalised
   * in float32 there). Normalising here instead would differ in the last bits from what a
   * snapshot restores (hnswlib's own copy), and exact rankings compare scores rounded from these
   * similarities before and after a restart.
   */
  private keepVector(label: number): void {
    this.store.set(label, this.hnsw.getPoint(label));
  }

  private exactScan(
    query: VectorLike,
    k: number,
    filter: ((id: string) => boolean) | undefined,
  ): VectorHit[] {
    const eligible = (function* (index: HnswVectorIndex): Generator<[string, Float32Array]> {
      for (const [id, label] of index.idToLabel) {
        if (filter === undefined || filter(id)) yield [id, index.vectorAt(label)];
      }
    })(this);
    return exactSearch(eligible, query, k);
  }

  private prepareSnapshot(dir: string, meta: Record<string, unknown>): PreparedSnapshot {
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
      throw new Error('snapshot meta must be a plain object');
    }
    // Frozen now, so that later changes by the caller cannot leak into this snapshot, and
    // unserialisable meta fails before anything is written.
    const frozenMeta = JSON.parse(JSON.stringify(meta)) as Record<string, unknown>;
    mkdirSync(dir, { recursive: true });
    const stamp = `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const indexFile = `index-${stamp}.hnsw`;
    const tmpIndexPath = join(dir, `${indexFile}.tmp`);
    try {
      this.hnsw.writeIndexSync(tmpIndexPath);
    } catch (error) {
      rmSync(tmpIndexPath, { force: true });
      throw new Error(`failed to write index snapshot ${tmpIndexPath}: ${asError(error).message}`);
    }
    return {
      dir,
      stamp,
      indexFile,
      tmpIndexPath,
      manifest: {
        formatVersion: FORMAT_VERSION,
        space: SPACE,
        dimension: this.dimension,
        capacity: this.hnsw.getMaxElements(),
        elementCount: this.nextLabel,
        indexFile,
        createdAt: new Date().toISOString(),
        entries: Array.from(this.idToLabel),
        freeLabels: [...this.freeLabels],
        // Identical to freeLabels in this format version (every deleted slot is reusable);
        // kept separately so a future format can retire slots without reusing them.
        deletedLabels: [...this.freeLabels].sort((a, b) => a - b),
        meta: frozenMeta,
      },
    };
  }
}

function resolveOptions(options: HnswIndexOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    dimension: options.dimension,
    initialCapacity: options.initialCapacity,
    m: options.m,
    efConstruction: options.efConstruction,
    efSearch: options.efSearch,
    growthFactor: options.growthFactor ?? 2,
    randomSeed: options.randomSeed ?? 100,
  };
  const positive: Array<keyof ResolvedOptions> = [
    'dimension',
    'initialCapacity',
    'm',
    'efConstruction',
    'efSearch',
  ];
  for (const key of positive) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`vector index option ${key} must be a positive integer, got ${value}`);
    }
  }
  if (resolved.initialCapacity > MAX_LABELS) {
    throw new Error(`vector index option initialCapacity exceeds the uint32 label space`);
  }
  if (!Number.isFinite(resolved.growthFactor) || resolved.growthFactor <= 1) {
    throw new Error(
      `vector index option growthFactor must be a number above 1, got ${resolved.growthFactor}`,
    );
  }
  if (!Number.isSafeInteger(resolved.randomSeed) || resolved.randomSeed < 0) {
    throw new Error(
      `vector index option randomSeed must be a non-negative integer, got ${resolved.randomSeed}`,
    );
  }
  return resolved;
}

function assertId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new Error('vector index ids must be non-empty strings');
  }
}
