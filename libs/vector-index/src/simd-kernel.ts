/**
 * A WebAssembly SIMD128 kernel for exact scans: approximate float32 inner products of one query
 * with many stored vectors, read straight from the memory the vectors live in. Its results are
 * never scores: callers keep only the vectors whose approximate similarity, widened by
 * `approximationMargin`, can matter, and rescore those with `dotProduct`, so every score stays the
 * reference one bit for bit. The module is emitted here byte by byte (no toolchain, no native
 * build); Node 20 runs SIMD128 by default.
 *
 * Exports, all on the imported memory, byte addresses, `stride` = bytes per vector (a multiple of
 * 16):
 * - `dots(query, base, first, count, stride, out)`: out[k] = <query, vector(first + k)>
 * - `gather(query, base, slots, count, stride, out)`: out[k] = <query, vector(slots[k])> (int32)
 * - `gather4(queries, base, slots, count, stride, out)`: out[4k + i] = <query i, vector(slots[k])>
 *   for four queries interleaved at `queries` (bytes 16j..16j+15 of query i at queries + 64j + 16i):
 *   a blocked pass's inner step, each counterpart read once for four subjects
 * - `sum(from, bytes)`: the sum of the float32 values (a plain sequential read, for measuring
 *   the bandwidth the scans are held against)
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Unsigned LEB128. */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 (i32.const takes its operand signed: 64 needs two bytes). */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...leb(depth)],
  brIf: (depth: number) => [0x0d, ...leb(depth)],
  get: (local: number) => [0x20, ...leb(local)],
  set: (local: number) => [0x21, ...leb(local)],
  tee: (local: number) => [0x22, ...leb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Load: [0x28, 0x02, 0x00],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  i32GtU: [0x4b],
  i32Ne: [0x47],
  f32Add: [0x92],
  f32Store: (offset = 0) => [0x38, 0x02, ...leb(offset)],
  v128Load: (offset: number) => [0xfd, 0x00, 0x04, ...leb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Add: [0xfd, ...leb(0xe4)],
  f32x4Mul: [0xfd, ...leb(0xe6)],
  lane: (lane: number) => [0xfd, 0x1f, lane],
};

/**
 * The inner product of the query at local `q` with the vector at local `p` (`stride` bytes at
 * local `stride`), left on the stack as an f32. Locals from `scratch`: i (i32), a0..a3 (v128).
 */
/**
 * The four accumulators folded into one float on the stack, in the fixed tree the error bound
 * counts: (a0 + a1) + (a2 + a3) lane-wise, then (l0 + l1) + (l2 + l3).
 */
function sumOfLanes(acc: readonly number[]): number[] {
  return [
    ...op.get(acc[0]),
    ...op.get(acc[1]),
    ...op.f32x4Add,
    ...op.get(acc[2]),
    ...op.get(acc[3]),
    ...op.f32x4Add,
    ...op.f32x4Add,
    ...op.set(acc[0]),
    ...op.get(acc[0]),
    ...op.lane(0),
    ...op.get(acc[0]),
    ...op.lane(1),
    ...op.f32Add,
    ...op.get(acc[0]),
    ...op.lane(2),
    ...op.get(acc[0]),
    ...op.lane(3),
    ...op.f32Add,
    ...op.f32Add,
  ];
}

function dotBody(q: number, p: number, stride: number, scratch: number): number[] {
  const i = scratch;
  const acc = [scratch + 1, scratch + 2, scratch + 3, scratch + 4];
  const fma = (a: number, offset: number) => [
    ...op.get(a),
    ...op.get(p),
    ...op.get(i),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...op.get(q),
    ...op.get(i),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(a),
  ];
  return [
    ...acc.flatMap((a) => [...op.v128Zero, ...op.set(a)]),
    ...op.i32(0),
    ...op.set(i),
    // Four independent accumulators over 16 floats an iteration, while 64 bytes are left.
    ...op.block,
    ...op.loop,
    ...op.get(i),
    ...op.i32(64),
    ...op.i32Add,
    ...op.get(stride),
    ...op.i32GtU,
    ...op.brIf(1),
    ...fma(acc[0], 0),
    ...fma(acc[1], 16),
    ...fma(acc[2], 32),
    ...fma(acc[3], 48),
    ...op.get(i),
    ...op.i32(64),
    ...op.i32Add,
    ...op.set(i),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // The rest, 4 floats at a time.
    ...op.block,
    ...op.loop,
    ...op.get(i),
    ...op.get(stride),
    ...op.i32GeU,
    ...op.brIf(1),
    ...fma(acc[0], 0),
    ...op.get(i),
    ...op.i32(16),
    ...op.i32Add,
    ...op.set(i),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...sumOfLanes(acc),
  ];
}

/** dots / gather: params query, base, first|slots, count, stride, out; locals p, end, i, a0..a3. */
function scanFunction(gather: boolean): number[] {
  const [query, base, from, count, stride, out] = [0, 1, 2, 3, 4, 5];
  const p = 6;
  const end = 7;
  const scratch = 8;
  const locals = [2, I32, 1, I32, 4, V128]; // (p, end), i, a0..a3 as local groups
  const pointer = gather
    ? [
        ...op.get(base),
        ...op.get(from),
        ...op.i32Load,
        ...op.get(stride),
        ...op.i32Mul,
        ...op.i32Add,
        ...op.set(p),
        ...op.get(from),
        ...op.i32(4),
        ...op.i32Add,
        ...op.set(from),
      ]
    : [];
  const body = [
    ...op.get(out),
    ...op.get(count),
    ...op.i32(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.set(end),
    ...(gather
      ? []
      : [
          ...op.get(base),
          ...op.get(from),
          ...op.get(stride),
          ...op.i32Mul,
          ...op.i32Add,
          ...op.set(p),
        ]),
    ...op.block,
    ...op.loop,
    ...op.get(out),
    ...op.get(end),
    ...op.i32GeU,
    ...op.brIf(1),
    ...pointer,
    ...op.get(out),
    ...dotBody(query, p, stride, scratch),
    ...op.f32Store(),
    ...op.get(out),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(out),
    ...(gather ? [] : [...op.get(p), ...op.get(stride), ...op.i32Add, ...op.set(p)]),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return withLocals(locals, body);
}

/**
 * gather4: params queries, base, slots, count, stride, out; locals p, end, q, last (i32), then
 * a0..a3, c (v128). Four queries against one counterpart per step: each 16 bytes of the
 * counterpart are loaded once and multiplied into one accumulator per query. The queries are
 * interleaved (16 bytes of each in turn), so one pointer walks them at fixed offsets. Each
 * accumulator sums its lanes in order, then folds them as sumOfLanes does: a tree
 * `dimension / 4 + 2` deep, inside what the margin covers. (Two accumulators per query, or two
 * counterparts per step, ran slower here: V8 then keeps accumulators in memory.)
 */
function gather4Function(): number[] {
  const [queries, base, slots, count, stride, out] = [0, 1, 2, 3, 4, 5];
  const [p, end, q, last] = [6, 7, 8, 9];
  const acc = [10, 11, 12, 13];
  const c = 14;
  const fma = (a: number, k: number) => [
    ...op.get(a),
    ...op.get(c),
    ...op.get(q),
    ...op.v128Load(16 * k),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(a),
  ];
  const lanes = (a: number) => [
    ...op.get(a),
    ...op.lane(0),
    ...op.get(a),
    ...op.lane(1),
    ...op.f32Add,
    ...op.get(a),
    ...op.lane(2),
    ...op.get(a),
    ...op.lane(3),
    ...op.f32Add,
    ...op.f32Add,
  ];
  const body = [
    ...op.get(out),
    ...op.get(count),
    ...op.i32(4),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.set(end),
    ...op.block,
    ...op.loop,
    ...op.get(out),
    ...op.get(end),
    ...op.i32GeU,
    ...op.brIf(1),
    ...op.get(base),
    ...op.get(slots),
    ...op.i32Load,
    ...op.get(stride),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.tee(p),
    ...op.get(stride),
    ...op.i32Add,
    ...op.set(last),
    ...op.get(slots),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(slots),
    ...acc.flatMap((a) => [...op.v128Zero, ...op.set(a)]),
    ...op.get(queries),
    ...op.set(q),
    // The stride is a non-zero multiple of 16: at least one step.
    ...op.loop,
    ...op.get(p),
    ...op.v128Load(0),
    ...op.set(c),
    ...acc.flatMap((a, k) => fma(a, k)),
    ...op.get(q),
    ...op.i32(64),
    ...op.i32Add,
    ...op.set(q),
    ...op.get(p),
    ...op.i32(16),
    ...op.i32Add,
    ...op.tee(p),
    ...op.get(last),
    ...op.i32Ne,
    ...op.brIf(0),
    ...op.end,
    ...acc.flatMap((a, k) => [...op.get(out), ...lanes(a), ...op.f32Store(4 * k)]),
    ...op.get(out),
    ...op.i32(16),
    ...op.i32Add,
    ...op.set(out),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return withLocals([4, I32, 5, V128], body);
}

/** sum(from, bytes): params from, bytes; locals end, a0..a3. */
function sumFunction(): number[] {
  const [from, bytes, end] = [0, 1, 2];
  const acc = [3, 4, 5, 6];
  const add = (a: number, offset: number) => [
    ...op.get(a),
    ...op.get(from),
    ...op.v128Load(offset),
    ...op.f32x4Add,
    ...op.set(a),
  ];
  const body = [
    ...op.get(from),
    ...op.get(bytes),
    ...op.i32Add,
    ...op.set(end),
    ...op.block,
    ...op.loop,
    ...op.get(from),
    ...op.i32(64),
    ...op.i32Add,
    ...op.get(end),
    ...op.i32GtU,
    ...op.brIf(1),
    ...add(acc[0], 0),
    ...add(acc[1], 16),
    ...add(acc[2], 32),
    ...add(acc[3], 48),
    ...op.get(from),
    ...op.i32(64),
    ...op.i32Add,
    ...op.set(from),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...sumOfLanes(acc),
  ];
  return withLocals([1, I32, 4, V128], body);
}

function withLocals(groups: number[], body: number[]): number[] {
  const declared = [...leb(groups.length / 2), ...groups];
  const code = [...declared, ...body, ...op.end];
  return [...leb(code.length), ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...leb(bytes.length), ...bytes];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const scanType = [0x60, 6, I32, I32, I32, I32, I32, I32, 0];
  const sumType = [0x60, 2, I32, I32, 1, F32];
  const functions = [scanFunction(false), scanFunction(true), sumFunction(), gather4Function()];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [2, ...scanType, ...sumType]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [4, 0, 0, 1, 0]),
    ...section(7, [
      4,
      ...name('dots'),
      0x00,
      0,
      ...name('gather'),
      0x00,
      1,
      ...name('sum'),
      0x00,
      2,
      ...name('gather4'),
      0x00,
      3,
    ]),
    ...section(10, [functions.length, ...functions.flat()]),
  ]);
}

export interface SimdKernel {
  dots(
    query: number,
    base: number,
    first: number,
    count: number,
    stride: number,
    out: number,
  ): void;
  gather(
    query: number,
    base: number,
    slots: number,
    count: number,
    stride: number,
    out: number,
  ): void;
  sum(from: number, bytes: number): number;
  gather4(
    queries: number,
    base: number,
    slots: number,
    count: number,
    stride: number,
    out: number,
  ): void;
}

/** The little of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** Memory of `initial` to `maximum` 64 KiB pages; null without WebAssembly. */
export function wasmMemory(initial: number, maximum: number): WasmMemory | null {
  return wasm ? new wasm.Memory({ initial, maximum }) : null;
}

/** The kernel on `memory`; null where this runtime has no WebAssembly SIMD. */
export function simdKernel(memory: WasmMemory): SimdKernel | null {
  if (compiled === undefined) {
    try {
      compiled = wasm ? new wasm.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled || !wasm) return null;
  const instance = new wasm.Instance(compiled, { env: { memory } });
  return instance.exports as SimdKernel;
}

/**
 * How far the kernel's result for two vectors of the given norms can be from `dotProduct`'s.
 *
 * The kernel rounds each product and each addition to float32 (no fused multiply-add in
 * SIMD128), in a summation tree at most `dimension + 8` operations deep; by the standard bound
 * for floating-point inner products its error is at most γ(n)·Σ|aᵢbᵢ| with γ(n) = n·u / (1 − n·u),
 * u = 2⁻²⁴, and Σ|aᵢbᵢ| ≤ ‖a‖·‖b‖ (Cauchy–Schwarz). `dotProduct` is within γ(n) at u = 2⁻⁵³ of
 * the same real number. n·2⁻²³ covers both with room (for n·u ≤ 0.01). Gradual underflow adds
 * at most 2⁻¹⁴⁹ an operation; `dimension + 8` times 2⁻¹⁴⁰ covers it. The norms passed must be
 * upper bounds.
 */
export function approximationMargin(dimension: number, normA: number, normB: number): number {
  const n = dimension + 8;
  return n * 2 ** -23 * normA * normB + n * 2 ** -140;
}
