import { dotProduct } from './dot-product';
import {
  BOUNDED_COLUMN,
  BOUNDED_ROW,
  approximationMargin,
  simdKernel,
  wasmMemory,
} from './simd-kernel';
import type { SimdKernel, WasmMemory } from './simd-kernel';

/**
 * Approximate similarities of one query to many slots, each within `margin` of the reference
 * (`dotProduct`): for filtering only, never as scores. Views into the store's scratch memory,
 * valid until its next call or change.
 */
export interface Approximation {
  count: number;
  /** The slot of the k-th result; null when the k-th result is slot k (live or free). */
  slots: Int32Array | null;
  similarities: Float32Array | Float64Array;
  margin: number;
}

const PAGE = 65536;
/** WebAssembly memory is addressed with 32 bits. */
const MAX_BYTES = 4 * 1024 ** 3 - PAGE;

/**
 * Every slot's vector, slot-major and contiguous, in WebAssembly memory where the SIMD kernel
 * reads it in place (a plain Float32Array where the kernel cannot run: a dimension not a
 * multiple of 4, no SIMD, or beyond 4 GiB). The memory also holds one query and the kernel's
 * output and slot list (scratch, after the vectors: growing moves them, never the vectors).
 */
export class VectorStore {
  private memory: WasmMemory | null = null;
  private kernel: SimdKernel | null = null;
  private capacity = 0;
  private readonly stride: number;
  private readonly vectorsAt: number;
  /** The largest norm of any vector ever stored: with the query's, it bounds the kernel's error. */
  private maxNorm = 0;
  vectors: Float32Array = new Float32Array(0);
  private out: Float32Array = new Float32Array(0);
  private slotList: Int32Array = new Int32Array(0);
  /** Where a blocked scan's queries, stream and output live (after the slot list). */
  private scratchAt = 0;
  private scratchBytes = 0;

  constructor(
    readonly dimension: number,
    capacity: number,
  ) {
    this.stride = dimension * 4;
    this.vectorsAt = Math.ceil(this.stride / 64) * 64;
    if (dimension % 4 === 0) {
      this.memory = wasmMemory(1, MAX_BYTES / PAGE);
      this.kernel = this.memory && simdKernel(this.memory);
      if (!this.kernel) this.memory = null;
    }
    this.ensure(capacity);
  }

  /** Whether scans run on the SIMD kernel (otherwise `approximate` is exact, margin 0). */
  get accelerated(): boolean {
    return this.kernel !== null;
  }

  /** Room for `capacity` slots; existing vectors stay where they are. */
  ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.layOut(capacity, this.scratchBytes);
  }

  /**
   * Places the vectors, the scan's output and slot list, then `scratch` bytes for a blocked scan,
   * growing the memory when they do not fit (views are made afresh: growing detaches the old
   * ones). Past what WebAssembly addresses, the vectors move to a plain array and the kernel is
   * given up.
   */
  private layOut(capacity: number, scratch: number): void {
    const bytes = this.vectorsAt + capacity * (this.stride + 8) + 64 + scratch;
    if (this.memory && bytes <= MAX_BYTES) {
      const pages = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
      if (pages > 0) this.memory.grow(pages);
      const buffer = this.memory.buffer;
      this.vectors = new Float32Array(buffer, this.vectorsAt, capacity * this.dimension);
      const outAt = this.vectorsAt + capacity * this.stride;
      this.out = new Float32Array(buffer, outAt, capacity);
      this.slotList = new Int32Array(buffer, outAt + capacity * 4, capacity);
      this.scratchAt = Math.ceil((outAt + capacity * 8) / 64) * 64;
      this.scratchBytes = scratch;
    } else {
      const vectors = new Float32Array(capacity * this.dimension);
      vectors.set(this.vectors.subarray(0, this.capacity * this.dimension));
      this.vectors = vectors;
      this.out = new Float32Array(0);
      this.slotList = new Int32Array(capacity);
      this.memory = null;
      this.kernel = null;
      this.scratchBytes = 0;
    }
    this.capacity = capacity;
  }

  set(slot: number, vector: ArrayLike<number>): void {
    const at = slot * this.dimension;
    this.vectors.set(vector, at);
    let squares = 0;
    for (let i = 0; i < this.dimension; i++) squares += this.vectors[at + i] ** 2;
    // Rounded up, so it stays an upper bound.
    this.maxNorm = Math.max(this.maxNorm, Math.sqrt(squares) * (1 + 2 ** -40));
  }

  /** A view of the slot's vector (no copy). */
  at(slot: number): Float32Array {
    return this.vectors.subarray(slot * this.dimension, (slot + 1) * this.dimension);
  }

  /** The reference similarity of `query` to the slot's vector (see pairSimilarity). */
  similarityAt(query: Float32Array, slot: number): number {
    return dotProduct(query, 0, this.vectors, slot * this.dimension, this.dimension);
  }

  /** Approximate similarities of `query` to slots 0..count-1, or to the given slots. */
  approximate(query: Float32Array, count: number, slots?: readonly number[]): Approximation {
    const list = slots ? this.slotList.subarray(0, slots.length) : null;
    if (list) list.set(slots!);
    const n = list ? list.length : count;
    const { kernel, memory } = this;
    if (!kernel || !memory) {
      const similarities = new Float64Array(n);
      for (let k = 0; k < n; k++) similarities[k] = this.similarityAt(query, list ? list[k] : k);
      return { count: n, slots: list, similarities, margin: 0 };
    }
    new Float32Array(memory.buffer, 0, this.dimension).set(query);
    const outAt = this.out.byteOffset;
    if (list) kernel.gather(0, this.vectorsAt, list.byteOffset, n, this.stride, outAt);
    else kernel.dots(0, this.vectorsAt, 0, n, this.stride, outAt);
    let squares = 0;
    for (let i = 0; i < query.length; i++) squares += query[i] * query[i];
    const margin = approximationMargin(
      this.dimension,
      Math.sqrt(squares) * (1 + 2 ** -40),
      this.maxNorm,
    );
    return { count: n, slots: list, similarities: this.out.subarray(0, n), margin };
  }

  /**
   * A blocked scan over this store's vectors: up to `queries` query vectors (any store's, copied
   * in) against a stream of up to `streamLength` slots, read in chunks of up to `chunk` slots
   * four queries at a time. Valid until the store next changes (a growth moves the scratch).
   */
  blockScan(queries: number, streamLength: number, chunk: number): BlockScan {
    const rows = Math.ceil(queries / 4) * 4;
    const layout = this.reserve(rows, streamLength, chunk, 0);
    const { memory, kernel } = this;
    if (!memory || !kernel || !layout) return new ExactBlockScan(this, rows, streamLength, chunk);
    return new KernelBlockScan(this, kernel, memory, this.maxNorm, layout);
  }

  /**
   * A blocked scan that also bounds each pair's score in the kernel and keeps only the pairs
   * whose bound can reach their threshold (the `bounded` function of simd-kernel.ts): rows are
   * the block's queries, columns the counterparts the stream names by number. Null where the
   * kernel cannot run (the caller then bounds the pairs of a BlockScan itself). Valid until the
   * store next changes.
   */
  boundedScan(queries: number, columns: number, chunk: number): BoundedScan | null {
    const rows = Math.ceil(queries / 4) * 4;
    const extra =
      rows * BOUNDED_ROW.bytes + columns * (BOUNDED_COLUMN.bytes + 8) + 512 + chunk * 32 + 4 * 64;
    const layout = this.reserve(rows, columns, chunk, extra);
    const { memory, kernel } = this;
    if (!memory || !kernel || !layout) return null;
    return new KernelBoundedScan(this, kernel, memory, this.maxNorm, layout, columns);
  }

  /** Scratch for a blocked scan and `extra` bytes after it; null without the kernel. */
  private reserve(
    rows: number,
    streamLength: number,
    chunk: number,
    extra: number,
  ): KernelLayout | null {
    if (!this.memory || !this.kernel) return null;
    const scratch = rows * this.stride + streamLength * 4 + chunk * 16 + 64 + extra;
    if (scratch > this.scratchBytes) this.layOut(this.capacity, scratch);
    if (!this.memory || !this.kernel) return null;
    return {
      rows,
      streamLength,
      chunk,
      queriesAt: this.scratchAt,
      vectorsAt: this.vectorsAt,
      stride: this.stride,
    };
  }

  /**
   * Reads `bytes` of the vectors sequentially on the kernel (a sum, returned so it is not
   * optimised away): the memory bandwidth a scan is held against. Null without the kernel.
   */
  streamingRead(bytes: number): number | null {
    if (!this.kernel) return null;
    const length = Math.min(bytes, this.capacity * this.stride) & ~63;
    return this.kernel.sum(this.vectorsAt, length);
  }
}

/**
 * Approximate similarities of a block of queries to a stream of slots (see VectorStore.blockScan):
 * `load` the block, `stream` the slots, then `dots` chunk by chunk. Each result is within its
 * query's `margin` of the reference (`dotProduct`), like `approximate`'s; for filtering only.
 */
export interface BlockScan {
  /** Copies in up to `queries` vectors (the rest of the block reads as zero). */
  load(queries: readonly Float32Array[]): void;
  /** How far query q's results can be from the reference similarities. */
  margin(q: number): number;
  /** The slots to scan, in order (at most `streamLength`). */
  stream(slots: ArrayLike<number>, count: number): void;
  /**
   * out[4·k + i] for k < count (at most `chunk`): query 4·group + i against the stream's slot
   * from + k. A view, valid until the next call.
   */
  dots(group: number, from: number, count: number): Float32Array | Float64Array;
}

interface KernelLayout {
  rows: number;
  streamLength: number;
  chunk: number;
  queriesAt: number;
  vectorsAt: number;
  stride: number;
}

class KernelBlockScan implements BlockScan {
  private readonly queries: Float32Array;
  private readonly slots: Int32Array;
  private readonly out: Float32Array;
  private readonly margins: Float64Array;

  constructor(
    private readonly store: VectorStore,
    private readonly kernel: SimdKernel,
    memory: WasmMemory,
    private readonly maxNorm: number,
    private readonly layout: KernelLayout,
  ) {
    const { rows, streamLength, chunk, queriesAt, stride } = layout;
    const buffer = memory.buffer;
    this.queries = new Float32Array(buffer, queriesAt, (rows * stride) / 4);
    const slotsAt = queriesAt + rows * stride;
    this.slots = new Int32Array(buffer, slotsAt, streamLength);
    this.out = new Float32Array(buffer, slotsAt + streamLength * 4, chunk * 4);
    this.margins = new Float64Array(rows);
  }

  load(queries: readonly Float32Array[]): void {
    const { dimension } = this.store;
    if (queries.length > this.layout.rows) throw new Error('more queries than the block holds');
    this.queries.fill(0);
    this.margins.fill(0);
    const { queries: block } = this;
    queries.forEach((query, q) => {
      // The kernel reads four queries interleaved, 4 floats of each in turn.
      const at = (q >> 2) * 4 * dimension + (q & 3) * 4;
      for (let i = 0; i < dimension; i += 4) {
        const to = at + i * 4;
        block[to] = query[i];
        block[to + 1] = query[i + 1];
        block[to + 2] = query[i + 2];
        block[to + 3] = query[i + 3];
      }
      let squares = 0;
      for (let i = 0; i < dimension; i++) squares += query[i] * query[i];
      this.margins[q] = approximationMargin(
        dimension,
        Math.sqrt(squares) * (1 + 2 ** -40),
        this.maxNorm,
      );
    });
  }

  margin(q: number): number {
    return this.margins[q];
  }

  /** Where the kernel finds the group's four interleaved queries. */
  queriesAddress(group: number): number {
    return this.queries.byteOffset + group * 4 * this.layout.stride;
  }

  stream(slots: ArrayLike<number>, count: number): void {
    if (count > this.slots.length) throw new Error('a longer stream than the scan holds');
    for (let k = 0; k < count; k++) this.slots[k] = slots[k];
  }

  dots(group: number, from: number, count: number): Float32Array {
    const { stride, vectorsAt } = this.layout;
    if (count > this.layout.chunk) throw new Error('a longer chunk than the scan holds');
    this.kernel.gather4(
      this.queries.byteOffset + group * 4 * stride,
      vectorsAt,
      this.slots.byteOffset + from * 4,
      count,
      stride,
      this.out.byteOffset,
    );
    return this.out;
  }
}

/**
 * The numbers the kernel bounds a pair with (see `bounded` in simd-kernel.ts): a row per query of
 * the block, a record per column (counterpart), a threshold per column the caller raises as it
 * goes, and a table of 64 values the codes index.
 */
export interface BoundedRow {
  /** Two sets of 128 bits, four 32-bit words each. */
  bitsA: ArrayLike<number>;
  extraA: number;
  capA: number;
  unitA: number;
  bitsB: ArrayLike<number>;
  extraB: number;
  capB: number;
  unitB: number;
  /** The key term: `same` where the row's key is negative or equals the column's, else `other`. */
  same: number;
  other: number;
  threshold: number;
  mask: number;
  /** Added to the column's code to index the table. */
  code: number;
  key: number;
}

export interface BoundedScan {
  /** The block's queries, as BlockScan.load (each row's margin comes from here). */
  load(queries: readonly Float32Array[]): void;
  margin(q: number): number;
  setRow(q: number, row: BoundedRow): void;
  /** Row q's threshold, cheaper than setRow when only it moved. */
  setRowThreshold(q: number, threshold: number): void;
  /** Column c: its bits (four 32-bit words), mask, code, key and its vector's slot here. */
  setColumn(
    c: number,
    bits: ArrayLike<number>,
    mask: number,
    code: number,
    key: number,
    slot: number,
  ): void;
  /** Every column's threshold: the kernel reads it at every call. */
  readonly thresholds: Float64Array;
  /** The 64 values the codes index. */
  readonly table: Float64Array;
  /** The columns to scan, in order (at most as many as there are columns). */
  stream(columns: ArrayLike<number>, count: number): void;
  /**
   * Rows 4·group..4·group + 3 against the stream's columns from `from` on (`count` of them, at
   * most `chunk`): returns how many pairs it kept; kept pair j is survivors[2j] = 4k + i (row i,
   * stream entry from + k), its approximate similarity survivorDots[2j + 1] (within the row's
   * margin). Views, valid until the next call.
   */
  scan(
    group: number,
    from: number,
    count: number,
    weight: number,
    floor: number,
    quick: number,
    rounding: number,
  ): number;
  readonly survivors: Int32Array;
  readonly survivorDots: Float32Array;
  /** `dotProduct` of loaded query q and the slot's vector, bit for bit, on the kernel. */
  similarity(q: number, slot: number): number;
}

class KernelBoundedScan implements BoundedScan {
  readonly thresholds: Float64Array;
  readonly table: Float64Array;
  readonly survivors: Int32Array;
  readonly survivorDots: Float32Array;
  private readonly block: KernelBlockScan;
  private readonly rowWords: Int32Array;
  private readonly rowNumbers: Float64Array;
  private readonly columnWords: Int32Array;
  private readonly columnStream: Int32Array;
  private readonly at: { rows: number; columns: number; out: number };

  constructor(
    store: VectorStore,
    private readonly kernel: SimdKernel,
    memory: WasmMemory,
    maxNorm: number,
    private readonly bounds: KernelLayout,
    columns: number,
  ) {
    this.block = new KernelBlockScan(store, kernel, memory, maxNorm, bounds);
    const buffer = memory.buffer;
    const { rows, streamLength, chunk, queriesAt, stride } = bounds;
    let next = queriesAt + rows * stride + streamLength * 4 + chunk * 16;
    const region = (bytes: number) => {
      const from = Math.ceil(next / 64) * 64;
      next = from + bytes;
      return from;
    };
    const rowsAt = region(rows * BOUNDED_ROW.bytes);
    this.rowWords = new Int32Array(buffer, rowsAt, (rows * BOUNDED_ROW.bytes) / 4);
    this.rowNumbers = new Float64Array(buffer, rowsAt, (rows * BOUNDED_ROW.bytes) / 8);
    const columnsAt = region(columns * BOUNDED_COLUMN.bytes);
    this.columnWords = new Int32Array(buffer, columnsAt, (columns * BOUNDED_COLUMN.bytes) / 4);
    this.thresholds = new Float64Array(buffer, region(columns * 8), columns);
    this.table = new Float64Array(buffer, region(512), 64);
    const outAt = region(chunk * 32);
    this.survivors = new Int32Array(buffer, outAt, chunk * 8);
    this.survivorDots = new Float32Array(buffer, outAt, chunk * 8);
    // The stream of columns reuses the slot stream's room (one i32 an entry).
    this.columnStream = new Int32Array(buffer, queriesAt + rows * stride, streamLength);
    this.at = { rows: rowsAt, columns: columnsAt, out: outAt };
  }

  load(queries: readonly Float32Array[]): void {
    this.block.load(queries);
    for (let q = 0; q < this.bounds.rows; q++)
      this.rowNumbers[(q * BOUNDED_ROW.bytes + BOUNDED_ROW.margin) / 8] = this.margin(q);
  }

  margin(q: number): number {
    return this.block.margin(q);
  }

  setRow(q: number, row: BoundedRow): void {
    const R = BOUNDED_ROW;
    const words = (q * R.bytes) / 4;
    const numbers = (q * R.bytes) / 8;
    for (let w = 0; w < 4; w++) {
      this.rowWords[words + R.bitsA / 4 + w] = row.bitsA[w];
      this.rowWords[words + R.bitsB / 4 + w] = row.bitsB[w];
    }
    this.rowWords[words + R.extraA / 4] = row.extraA;
    this.rowWords[words + R.capA / 4] = row.capA;
    this.rowWords[words + R.extraB / 4] = row.extraB;
    this.rowWords[words + R.capB / 4] = row.capB;
    this.rowNumbers[numbers + R.unitA / 8] = row.unitA;
    this.rowNumbers[numbers + R.unitB / 8] = row.unitB;
    this.rowNumbers[numbers + R.same / 8] = row.same;
    this.rowNumbers[numbers + R.other / 8] = row.other;
    this.rowNumbers[numbers + R.threshold / 8] = row.threshold;
    this.rowWords[words + R.mask / 4] = row.mask;
    this.rowWords[words + R.code / 4] = row.code;
    this.rowWords[words + R.key / 4] = row.key;
  }

  setRowThreshold(q: number, threshold: number): void {
    this.rowNumbers[(q * BOUNDED_ROW.bytes + BOUNDED_ROW.threshold) / 8] = threshold;
  }

  setColumn(
    c: number,
    bits: ArrayLike<number>,
    mask: number,
    code: number,
    key: number,
    slot: number,
  ): void {
    const C = BOUNDED_COLUMN;
    const words = (c * C.bytes) / 4;
    for (let w = 0; w < 4; w++) this.columnWords[words + C.bits / 4 + w] = bits[w];
    this.columnWords[words + C.mask / 4] = mask;
    this.columnWords[words + C.code / 4] = code;
    this.columnWords[words + C.key / 4] = key;
    this.columnWords[words + C.slot / 4] = slot;
  }

  stream(columns: ArrayLike<number>, count: number): void {
    if (count > this.columnStream.length) throw new Error('a longer stream than the scan holds');
    for (let k = 0; k < count; k++) this.columnStream[k] = columns[k];
  }

  similarity(q: number, slot: number): number {
    const { stride, vectorsAt } = this.bounds;
    const query = this.block.queriesAddress(q >> 2) + 16 * (q & 3);
    return this.kernel.exact(query, vectorsAt + slot * stride, stride);
  }

  scan(
    group: number,
    from: number,
    count: number,
    weight: number,
    floor: number,
    quick: number,
    rounding: number,
  ): number {
    const { stride, vectorsAt, chunk } = this.bounds;
    if (count > chunk) throw new Error('a longer chunk than the scan holds');
    return this.kernel.bounded(
      this.block.queriesAddress(group),
      vectorsAt,
      stride,
      this.columnStream.byteOffset + from * 4,
      count,
      this.at.columns,
      this.thresholds.byteOffset,
      this.at.rows + group * 4 * BOUNDED_ROW.bytes,
      this.table.byteOffset,
      this.at.out,
      weight,
      floor,
      quick,
      rounding,
    );
  }
}

/** Where the kernel cannot run: the reference similarities themselves (margin 0). */
class ExactBlockScan implements BlockScan {
  private readonly queries: Float32Array[] = [];
  private readonly slots: Int32Array;
  private readonly out: Float64Array;

  constructor(
    private readonly store: VectorStore,
    private readonly rows: number,
    streamLength: number,
    chunk: number,
  ) {
    this.slots = new Int32Array(streamLength);
    this.out = new Float64Array(chunk * 4);
  }

  load(queries: readonly Float32Array[]): void {
    if (queries.length > this.rows) throw new Error('more queries than the block holds');
    const zero = new Float32Array(this.store.dimension);
    this.queries.length = 0;
    for (let q = 0; q < this.rows; q++) this.queries.push(queries[q]?.slice() ?? zero);
  }

  margin(): number {
    return 0;
  }

  stream(slots: ArrayLike<number>, count: number): void {
    if (count > this.slots.length) throw new Error('a longer stream than the scan holds');
    for (let k = 0; k < count; k++) this.slots[k] = slots[k];
  }

  dots(group: number, from: number, count: number): Float64Array {
    for (let k = 0; k < count; k++) {
      for (let i = 0; i < 4; i++)
        this.out[4 * k + i] = this.store.similarityAt(
          this.queries[4 * group + i],
          this.slots[from + k],
        );
    }
    return this.out;
  }
}
