import { dotProduct } from './dot-product';
import { approximationMargin, simdKernel, wasmMemory } from './simd-kernel';
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
    const bytes = this.vectorsAt + capacity * (this.stride + 8);
    if (this.memory && bytes <= MAX_BYTES) {
      const pages = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
      if (pages > 0) this.memory.grow(pages);
      const buffer = this.memory.buffer;
      this.vectors = new Float32Array(buffer, this.vectorsAt, capacity * this.dimension);
      const outAt = this.vectorsAt + capacity * this.stride;
      this.out = new Float32Array(buffer, outAt, capacity);
      this.slotList = new Int32Array(buffer, outAt + capacity * 4, capacity);
    } else {
      const vectors = new Float32Array(capacity * this.dimension);
      vectors.set(this.vectors.subarray(0, this.capacity * this.dimension));
      this.vectors = vectors;
      this.out = new Float32Array(0);
      this.slotList = new Int32Array(capacity);
      this.memory = null;
      this.kernel = null;
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
   * Reads `bytes` of the vectors sequentially on the kernel (a sum, returned so it is not
   * optimised away): the memory bandwidth a scan is held against. Null without the kernel.
   */
  streamingRead(bytes: number): number | null {
    if (!this.kernel) return null;
    const length = Math.min(bytes, this.capacity * this.stride) & ~63;
    return this.kernel.sum(this.vectorsAt, length);
  }
}
