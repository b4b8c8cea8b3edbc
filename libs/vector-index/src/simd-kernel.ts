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
 * - `bounded(…)`: gather4 and a bound of each pair's score, keeping only the pairs that can reach
 *   their thresholds (see boundedFunction)
 * - `exact(query, vector, stride)`: dotProduct of an interleaved query and a vector, bit for bit
 * - `sum(from, bytes)`: the sum of the float32 values (a plain sequential read, for measuring
 *   the bandwidth the scans are held against)
 */

import { F32, F64, I32, I64, V128, name, op, section, withLocals } from './wasm-bytes';

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
 * The step both blocked functions take per counterpart: its inner products with four queries,
 * interleaved at local `queries` (16 bytes of each in turn, so one pointer walks them at fixed
 * offsets), the counterpart's vector at local `p` (`stride` bytes at local `stride`, a non-zero
 * multiple of 16). Each 16 bytes of the counterpart are loaded once and multiplied into one
 * accumulator per query, which sums its lanes in order; `lanesOf` then folds them as sumOfLanes
 * does: a tree `dimension / 4 + 2` deep, inside what the margin covers. (Two accumulators per
 * query, or two counterparts per step, ran slower here: V8 then keeps accumulators in memory.)
 * Locals q, last (i32) and c (v128) are scratch; `p` is left past the vector.
 */
function fourDots(
  queries: number,
  p: number,
  stride: number,
  [q, last]: readonly number[],
  acc: readonly number[],
  c: number,
): number[] {
  return [
    ...op.get(p),
    ...op.get(stride),
    ...op.i32Add,
    ...op.set(last),
    ...acc.flatMap((a) => [...op.v128Zero, ...op.set(a)]),
    ...op.get(queries),
    ...op.set(q),
    ...op.loop,
    ...op.get(p),
    ...op.v128Load(0),
    ...op.set(c),
    ...acc.flatMap((a, k) => [
      ...op.get(a),
      ...op.get(c),
      ...op.get(q),
      ...op.v128Load(16 * k),
      ...op.f32x4Mul,
      ...op.f32x4Add,
      ...op.set(a),
    ]),
    ...nextLanes(q, p, last),
  ];
}

/** One accumulator of fourDots as a float on the stack: (l0 + l1) + (l2 + l3). */
/**
 * The end of a loop over four interleaved queries: the query pointer moves by one lane of all
 * four (64 bytes), the vector pointer by one lane (16), and the loop goes on until the vector
 * pointer reaches `end`.
 */
function nextLanes(query: number, vector: number, end: number): number[] {
  return [
    ...op.get(query),
    ...op.i32(64),
    ...op.i32Add,
    ...op.set(query),
    ...op.get(vector),
    ...op.i32(16),
    ...op.i32Add,
    ...op.tee(vector),
    ...op.get(end),
    ...op.i32Ne,
    ...op.brIf(0),
    ...op.end,
  ];
}

function lanesOf(a: number): number[] {
  return [
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
}

/** gather4: params queries, base, slots, count, stride, out; locals p, end, q, last, a0..a3, c. */
function gather4Function(): number[] {
  const [queries, base, slots, count, stride, out] = [0, 1, 2, 3, 4, 5];
  const [p, end, q, last] = [6, 7, 8, 9];
  const acc = [10, 11, 12, 13];
  const c = 14;
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
    ...op.set(p),
    ...op.get(slots),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(slots),
    ...fourDots(queries, p, stride, [q, last], acc, c),
    ...acc.flatMap((a, k) => [...op.get(out), ...lanesOf(a), ...op.f32Store(4 * k)]),
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

/**
 * Byte layout of the bounded scan's records (see `bounded` and VectorStore's BoundedScan). A row
 * (query) record: sets A and B of 128 bits (two i64 each), then per set its extra count and cap
 * (i32) and unit (f64), the key term's two values, the row's threshold and margin (f64), its
 * mask, code and key (i32). A column (counterpart) record: its 128 bits; its mask, code, key and
 * slot (i32); its threshold lives apart (f64 by column), for the caller to raise as it goes.
 */
export const BOUNDED_ROW = {
  bytes: 128,
  bitsA: 0,
  bitsB: 16,
  extraA: 32,
  capA: 36,
  extraB: 40,
  capB: 44,
  unitA: 48,
  unitB: 56,
  same: 64,
  other: 72,
  threshold: 80,
  margin: 88,
  mask: 96,
  code: 100,
  key: 104,
} as const;
export const BOUNDED_COLUMN = {
  bytes: 32,
  bits: 0,
  mask: 16,
  code: 20,
  key: 24,
  slot: 28,
} as const;

/**
 * bounded(queries, base, stride, stream, count, columns, thresholds, rows, table, out, weight,
 * floor, quick, rounding) -> survivors: fourDots for the four rows at `rows` and each column
 * `stream[k]` (k < count), then for each row i the pair's bound at s = clamp(dot + margin_i, 0, 1):
 *   weight·s + min(popcnt(bits ∧ bitsA_i) + extraA_i, capA_i)·unitA_i
 *            + min(popcnt(bits ∧ bitsB_i) + extraB_i, capB_i)·unitB_i
 *            + table[code_i + code] + (key_i < 0 or key_i = key ? same_i : other_i) + rounding,
 * the terms added in that order (as the caller's own copy of the bound adds them). The pair is
 * kept in `out` (i32 4k + i, then the dot as f32) unless weight·s + quick, or the bound, is
 * below max(min(threshold_i, thresholds[column]), floor), or both masks are set and share no bit.
 * Returns how many pairs were kept. Without branches: every pair is written and the end of `out`
 * advances only past those kept (which pairs pass follows no pattern a predictor learns; this
 * measured faster in the pass). `out` needs room for 4·count pairs.
 */
function boundedFunction(): number[] {
  const [queries, base, stride, stream, count, columns, thresholds, rows, table, out] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [weight, floor, quick, rounding] = [10, 11, 12, 13];
  const [at, end, p, q, last, column, n, k, mask, code, key, matched, own] = [
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
  ];
  const [low, high] = [27, 28];
  const [theirs, atLeast, similarity] = [29, 30, 31];
  const dot = 32;
  const acc = [33, 34, 35, 36];
  const c = 37;
  const R = BOUNDED_ROW;
  const C = BOUNDED_COLUMN;
  const field = (row: number, offset: number) => [...op.get(rows), ...op.i32LoadAt(row + offset)];
  const number = (row: number, offset: number) => [...op.get(rows), ...op.f64LoadAt(row + offset)];
  // min(popcnt(bits ∧ set) + extra, cap) · unit, on the stack.
  const setTerm = (row: number, bits: number, extra: number, cap: number, unit: number) => [
    ...op.get(low),
    ...op.get(rows),
    ...op.i64LoadAt(row + bits),
    ...op.i64And,
    ...op.i64Popcnt,
    ...op.get(high),
    ...op.get(rows),
    ...op.i64LoadAt(row + bits + 8),
    ...op.i64And,
    ...op.i64Popcnt,
    ...op.i64Add,
    ...op.i32WrapI64,
    ...field(row, extra),
    ...op.i32Add,
    ...op.tee(matched),
    ...field(row, cap),
    ...op.get(matched),
    ...field(row, cap),
    ...op.i32LtS,
    ...op.select,
    ...op.f64ConvertI32S,
    ...number(row, unit),
    ...op.f64Mul,
  ];
  const perRow = (i: number) => {
    const row = i * R.bytes;
    return [
      ...lanesOf(acc[i]),
      ...op.set(dot),
      // s = clamp(dot + margin, 0, 1)
      ...op.f64(1),
      ...op.get(dot),
      ...op.f64PromoteF32,
      ...number(row, R.margin),
      ...op.f64Add,
      ...op.f64(0),
      ...op.f64Max,
      ...op.f64Min,
      ...op.set(similarity),
      ...number(row, R.threshold),
      ...op.get(theirs),
      ...op.f64Min,
      ...op.get(floor),
      ...op.f64Max,
      ...op.set(atLeast),
      // Branchless (which pairs pass is data no predictor learns): ok = quick ∧ masks ∧ bound.
      ...op.get(weight),
      ...op.get(similarity),
      ...op.f64Mul,
      ...op.get(quick),
      ...op.f64Add,
      ...op.get(atLeast),
      ...op.f64Lt,
      ...op.i32Eqz,
      // Masks meet: own = 0, mask = 0, or they share a bit.
      ...field(row, R.mask),
      ...op.tee(own),
      ...op.i32Eqz,
      ...op.get(mask),
      ...op.i32Eqz,
      ...op.i32Or,
      ...op.get(own),
      ...op.get(mask),
      ...op.i32And,
      ...op.i32Or,
      ...op.i32Eqz,
      ...op.i32Eqz,
      ...op.i32And,
      ...op.get(weight),
      ...op.get(similarity),
      ...op.f64Mul,
      ...setTerm(row, R.bitsA, R.extraA, R.capA, R.unitA),
      ...setTerm(row, R.bitsB, R.extraB, R.capB, R.unitB),
      ...op.f64Add,
      ...op.get(table),
      ...field(row, R.code),
      ...op.get(code),
      ...op.i32Add,
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.f64LoadAt(0),
      ...op.f64Add,
      ...number(row, R.same),
      ...number(row, R.other),
      ...field(row, R.key),
      ...op.i32(0),
      ...op.i32LtS,
      ...field(row, R.key),
      ...op.get(key),
      ...op.i32Eq,
      ...op.i32Or,
      ...op.select,
      ...op.f64Add,
      ...op.get(rounding),
      ...op.f64Add,
      ...op.f64Add,
      ...op.get(atLeast),
      ...op.f64Lt,
      ...op.i32Eqz,
      ...op.i32And,
      ...op.set(own),
      ...op.get(n),
      ...op.get(k),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32(i),
      ...op.i32Add,
      ...op.i32Store(0),
      ...op.get(n),
      ...op.get(dot),
      ...op.f32Store(4),
      ...op.get(n),
      ...op.get(own),
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.set(n),
    ];
  };
  const body = [
    ...op.get(stream),
    ...op.get(count),
    ...op.i32(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.set(end),
    ...op.get(stream),
    ...op.set(at),
    ...op.get(out),
    ...op.set(n),
    ...op.i32(0),
    ...op.set(k),
    ...op.block,
    ...op.loop,
    ...op.get(at),
    ...op.get(end),
    ...op.i32GeU,
    ...op.brIf(1),
    // The column's record, then its vector.
    ...op.get(at),
    ...op.i32Load,
    ...op.tee(column),
    ...op.i32(5),
    ...op.i32Shl,
    ...op.get(columns),
    ...op.i32Add,
    ...op.set(column),
    ...op.get(base),
    ...op.get(column),
    ...op.i32LoadAt(C.slot),
    ...op.get(stride),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(p),
    ...fourDots(queries, p, stride, [q, last], acc, c),
    ...op.get(thresholds),
    ...op.get(at),
    ...op.i32Load,
    ...op.i32(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.f64LoadAt(0),
    ...op.set(theirs),
    ...op.get(column),
    ...op.i64LoadAt(C.bits),
    ...op.set(low),
    ...op.get(column),
    ...op.i64LoadAt(C.bits + 8),
    ...op.set(high),
    ...op.get(column),
    ...op.i32LoadAt(C.mask),
    ...op.set(mask),
    ...op.get(column),
    ...op.i32LoadAt(C.code),
    ...op.set(code),
    ...op.get(column),
    ...op.i32LoadAt(C.key),
    ...op.set(key),
    ...[0, 1, 2, 3].flatMap(perRow),
    ...op.get(at),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(at),
    ...op.get(k),
    ...op.i32(1),
    ...op.i32Add,
    ...op.set(k),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(n),
    ...op.get(out),
    ...op.i32Sub,
    ...op.i32(3),
    ...op.i32ShrU,
  ];
  return withLocals([13, I32, 2, I64, 3, F64, 1, F32, 5, V128], body);
}

/**
 * exact(query, vector, stride) -> f64: `dotProduct` of a query interleaved as fourDots reads it
 * (16 bytes of it every 64, from `query`) and the vector at `vector`, bit for bit. dotProduct
 * keeps four float64 sums, element i into sum i mod 4, and returns (s0 + s1) + (s2 + s3); here
 * s0, s1 are the lanes of one f64x2 and s2, s3 of another, each 4 floats promoted (exactly) and
 * multiplied (exactly: two 24-bit significands fit in 53 bits), then added in the same order with
 * the same IEEE rounding. For the exact rescoring of a blocked pass's survivors.
 */
function exactFunction(): number[] {
  const [query, vector, stride] = [0, 1, 2];
  const end = 3;
  const [a, b, low, high] = [4, 5, 6, 7];
  const upper = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
  const product = (sum: number, shuffled: boolean) => [
    ...op.get(sum),
    ...op.get(a),
    ...(shuffled ? [...op.get(a), ...op.shuffle(upper)] : []),
    ...op.f64x2PromoteLow,
    ...op.get(b),
    ...(shuffled ? [...op.get(b), ...op.shuffle(upper)] : []),
    ...op.f64x2PromoteLow,
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.set(sum),
  ];
  const body = [
    ...op.get(vector),
    ...op.get(stride),
    ...op.i32Add,
    ...op.set(end),
    ...op.v128Zero,
    ...op.set(low),
    ...op.v128Zero,
    ...op.set(high),
    ...op.loop,
    ...op.get(query),
    ...op.v128Load(0),
    ...op.set(a),
    ...op.get(vector),
    ...op.v128Load(0),
    ...op.set(b),
    ...product(low, false),
    ...product(high, true),
    ...nextLanes(query, vector, end),
    ...op.get(low),
    ...op.f64x2Lane(0),
    ...op.get(low),
    ...op.f64x2Lane(1),
    ...op.f64Add,
    ...op.get(high),
    ...op.f64x2Lane(0),
    ...op.get(high),
    ...op.f64x2Lane(1),
    ...op.f64Add,
    ...op.f64Add,
  ];
  return withLocals([1, I32, 4, V128], body);
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

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const scanType = [0x60, 6, I32, I32, I32, I32, I32, I32, 0];
  const sumType = [0x60, 2, I32, I32, 1, F32];
  const boundedType = [0x60, 14, ...new Array<number>(10).fill(I32), F64, F64, F64, F64, 1, I32];
  const exactType = [0x60, 3, I32, I32, I32, 1, F64];
  const functions = [
    scanFunction(false),
    scanFunction(true),
    sumFunction(),
    gather4Function(),
    boundedFunction(),
    exactFunction(),
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [4, ...scanType, ...sumType, ...boundedType, ...exactType]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [6, 0, 0, 1, 0, 2, 3]),
    ...section(7, [
      6,
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
      ...name('bounded'),
      0x00,
      4,
      ...name('exact'),
      0x00,
      5,
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
  bounded(
    queries: number,
    base: number,
    stride: number,
    stream: number,
    count: number,
    columns: number,
    thresholds: number,
    rows: number,
    table: number,
    out: number,
    weight: number,
    floor: number,
    quick: number,
    rounding: number,
  ): number;
  exact(query: number, vector: number, stride: number): number;
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
