// A tiny WebAssembly assembler: the opcodes, LEB128 encodings and section framing that the SIMD
// kernels (models/logistic-simd.ts, resample/neighbours-simd.ts) are written with. Each kernel
// lists its module instruction by instruction and builds the bytes at run time, so there is no
// .wasm file to fetch and no build step, and the same code runs in Node, pages and workers.
// `compileModule` returns null where WebAssembly or its SIMD is missing, so callers keep their
// TypeScript loops there.

/** Opcodes (WebAssembly core). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Load: 0x2b,
  f64Store: 0x39,
  f64Add: 0xa0,
  simd: 0xfd,
} as const;

/** SIMD sub-opcodes (after 0xfd, LEB128; final numbering of the SIMD proposal). */
export const SIMD = {
  v128Load: [0x00],
  v128Load32Splat: [0x09],
  v128Load64Splat: [0x0a],
  v128Store: [0x0b],
  v128Const: [0x0c],
  f64x2Splat: [0x14],
  f64x2ExtractLane: [0x21],
  f32x4Lt: [0x43],
  f64x2Lt: [0x49],
  v128Or: [0x50],
  v128AnyTrue: [0x53],
  v128Load64Zero: [0x5d],
  f64x2PromoteLowF32x4: [0x5f],
  f32x4Add: [0xe4, 0x01],
  f32x4Sub: [0xe5, 0x01],
  f32x4Mul: [0xe6, 0x01],
  f64x2Add: [0xf0, 0x01],
  f64x2Sub: [0xf1, 0x01],
  f64x2Mul: [0xf2, 0x01],
} as const;

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;
/** The empty block type (a block or loop that leaves nothing on the stack). */
export const VOID = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (i32.const immediates). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A name: its length, then its bytes (ASCII). */
export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export const get = (i: number): number[] => [OP.localGet, i];
export const set = (i: number): number[] => [OP.localSet, i];
export const tee = (i: number): number[] => [OP.localTee, i];
export const i32 = (v: number): number[] => [OP.i32Const, ...sleb(v)];
export const simd = (op: readonly number[], ...imm: number[]): number[] => [OP.simd, ...op, ...imm];
/** memarg: alignment exponent and byte offset. */
export const mem = (align: number, offset = 0): number[] => [align, ...uleb(offset)];
/** p += step (i32 locals). */
export const bump = (p: number, step: number[]): number[] => [
  ...get(p),
  ...step,
  OP.i32Add,
  ...set(p),
];

/** The local declarations of a function body: runs of (count, type). */
export function locals(...runs: [count: number, type: number][]): number[] {
  return [...uleb(runs.length), ...runs.flatMap(([n, t]) => [...uleb(n), t])];
}

/** The module header: magic number and version 1. */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;

/**
 * Compiles module bytes, or null where WebAssembly is missing or does not validate them (no SIMD)
 * or refuses to compile them (a page's main thread refuses synchronous compiles of large modules).
 */
export function compileModule(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}
