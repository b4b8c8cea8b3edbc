/**
 * Bytes of WebAssembly modules, for kernels emitted by hand (no toolchain): LEB128 numbers,
 * the instructions the kernels use, sections and names.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function leb(value: number): number[] {
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

/** Memory instructions take their alignment (log2 bytes) and a constant offset. */
const memory =
  (code: number, align: number) =>
  (offset = 0) => [code, align, ...leb(offset)];

export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...leb(depth)],
  brIf: (depth: number) => [0x0d, ...leb(depth)],
  select: [0x1b],
  get: (local: number) => [0x20, ...leb(local)],
  set: (local: number) => [0x21, ...leb(local)],
  tee: (local: number) => [0x22, ...leb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  f64: (value: number) => {
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    return [0x44, ...bytes];
  },
  i32Load: [0x28, 0x02, 0x00],
  i32LoadAt: memory(0x28, 0x02),
  i64LoadAt: memory(0x29, 0x03),
  f64LoadAt: memory(0x2b, 0x03),
  i32Store: memory(0x36, 0x02),
  f32Store: memory(0x38, 0x02),
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32GtU: [0x4b],
  i32GeU: [0x4f],
  f64Lt: [0x63],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i64Popcnt: [0x7b],
  i64Add: [0x7c],
  i64And: [0x83],
  f32Add: [0x92],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64Min: [0xa4],
  f64Max: [0xa5],
  i32WrapI64: [0xa7],
  f64ConvertI32S: [0xb7],
  f64PromoteF32: [0xbb],
  v128Load: (offset: number) => [0xfd, 0x00, 0x04, ...leb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Add: [0xfd, ...leb(0xe4)],
  f32x4Mul: [0xfd, ...leb(0xe6)],
  lane: (lane: number) => [0xfd, 0x1f, lane],
  shuffle: (lanes: readonly number[]) => [0xfd, 0x0d, ...lanes],
  f64x2Lane: (lane: number) => [0xfd, 0x21, lane],
  f64x2PromoteLow: [0xfd, ...leb(0x5f)],
  f64x2Add: [0xfd, ...leb(0xf0)],
  f64x2Mul: [0xfd, ...leb(0xf2)],
};

/** A function body: its locals (count, type pairs) and code, with the size in front. */
export function withLocals(groups: number[], body: number[]): number[] {
  const declared = [...leb(groups.length / 2), ...groups];
  const code = [...declared, ...body, ...op.end];
  return [...leb(code.length), ...code];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

export function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...leb(bytes.length), ...bytes];
}
