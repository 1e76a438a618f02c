// The pair kernels of the exact neighbour search (./neighbours.ts) as a small WebAssembly SIMD
// module: the squared distance ‖a‖² + ‖b‖² − 2a·b of every pair in a block of rows against a block
// of rows, and a test of each distance against the current cut-off of both rows (the last of their
// candidate lists). Only tiles where some distance beats a cut-off come back to TypeScript, which
// updates the lists; for Tomek links on 100k rows that is ~1% of the tiles, so TypeScript never
// touches most of the 5·10⁹ pair distances.
//
// Two lane types, one generator:
// - f64 (pairs64, f64x2): rows stored as pairs interleaved by feature (rows 2p and 2p + 1 side by
//   side), so one lane holds one pair's dot product, summed feature by feature with a multiply then
//   an add: exactly the order and roundings of the TypeScript loops, so the same distances bit for
//   bit and the same float64 error bound.
// - f32 (pairs32, f32x4): rows in fours, the centred values scaled by a power of two (exact; the
//   largest in (1/2, 1], so nothing overflows) and rounded to float32: twice the pairs per
//   instruction. neighbours.ts bounds the float32 error as neighbours-tf.ts does, proves which rows
//   hold their exact k nearest among the candidates and falls back to f64 when too many do not.
// Either way the lists then go through the exact re-measure and (distance, index) order.
//
// A tile is TILE_A rows of a (each value loaded once and splat to every lane) against TILE_B
// vectors of rows of b (one load per vector and feature): 4 × 2 accumulators, so six loads feed
// eight vector products per feature. The feature loop is deliberately not unrolled: unrolled, V8
// hoists every load of the body to its top and spills them (measured ~1.5-2× slower); one feature
// per iteration keeps the 8 accumulators and 6 values in registers. Measured on 100k × 30 here
// (Tomek links, k = 1), per pair with the hits: f64 ~3.9 ns, f32 ~2 ns, TypeScript loops ~17 ns.
//
// The module is assembled here from its bytes (../math/wasm-asm.ts): no file to fetch, no build
// step, the same in Node, pages and workers. Where WebAssembly SIMD is missing, or the points do not
// fit in 32-bit addresses, `simdPairs()` returns null and the caller keeps its TypeScript loops.
import {
  bump,
  compileModule,
  get,
  HEADER,
  I32,
  i32,
  locals,
  mem,
  OP,
  section,
  set,
  simd,
  SIMD,
  str,
  tee,
  uleb,
  V128,
  VOID,
} from '../math/wasm-asm';
import { powerOfTwoScale } from './centre';

/** Rows of a per tile (a multiple of the rows per vector). */
export const TILE_A = 4;
/** Vectors of rows of b per tile. */
const TILE_B = 2;
/** Rows, block starts and ends are multiples of this (and of every tile). */
export const ROW_ALIGN = 8;

export type Precision = 'f32' | 'f64';

/** One lane type: rows per vector (stored side by side per feature) and its instructions. */
interface Lanes {
  rows: number;
  /** log2 of the bytes per value. */
  shift: number;
  splat: readonly number[];
  add: readonly number[];
  sub: readonly number[];
  mul: readonly number[];
  lt: readonly number[];
}

const LANES: Record<Precision, Lanes> = {
  f64: {
    rows: 2,
    shift: 3,
    splat: SIMD.v128Load64Splat,
    add: SIMD.f64x2Add,
    sub: SIMD.f64x2Sub,
    mul: SIMD.f64x2Mul,
    lt: SIMD.f64x2Lt,
  },
  f32: {
    rows: 4,
    shift: 2,
    splat: SIMD.v128Load32Splat,
    add: SIMD.f32x4Add,
    sub: SIMD.f32x4Sub,
    mul: SIMD.f32x4Mul,
    lt: SIMD.f32x4Lt,
  },
};

/** Rows of b per tile: TILE_B vectors (f64: 4 rows, f32: 8). */
export function tileRowsB(precision: Precision): number {
  return TILE_B * LANES[precision].rows;
}

// The exported functions `pairs64` and `pairs32` take (i0, i1, j0, j1, values, norms, cuts, stride,
// dims): rows
// [i0, i1) of a against rows [j0, j1) of b, starting each tile of a at the first tile of b that
// holds a row after it (tiles wholly before the diagonal are skipped); byte addresses of the
// interleaved values, the squared norms and the per-row cut-offs (float64, or float32 for
// pairs32); stride = bytes per vector of rows (dims · 16). It calls the import `hit(a, b)` with the
// tile's first rows after writing the tile's TILE_A × tileRowsB distances (row-major) at 0.
const [I0, I1, J0, J1, VALUES, NORMS, CUTS, STRIDE, DIMS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const PARAMS = 9;

interface Layout {
  a: number;
  b: number;
  tileA: number;
  n: number;
  /** One pointer per vector of rows of a in the tile. */
  pa: number[];
  /** One pointer per vector of rows of b in the tile. */
  pb: number[];
  acc: number[];
  bv: number[];
  s: number;
  mask: number;
  na: number;
  ta: number;
  nb: number[];
  tb: number[];
  d: number;
  i32Count: number;
  v128Count: number;
}

function layout(lanes: Lanes): Layout {
  let next = PARAMS;
  const take = (n: number) => Array.from({ length: n }, () => next++);
  const [a, b, tileA, n] = take(4);
  const pa = take(TILE_A / lanes.rows);
  const pb = take(TILE_B);
  const i32Count = next - PARAMS;
  const firstV = next;
  const acc = take(TILE_A * TILE_B);
  const bv = take(TILE_B);
  const [s, mask, na, ta, d] = take(5);
  const nb = take(TILE_B);
  const tb = take(TILE_B);
  return {
    a,
    b,
    tileA,
    n,
    pa,
    pb,
    acc,
    bv,
    s,
    mask,
    na,
    ta,
    nb,
    tb,
    d,
    i32Count,
    v128Count: next - firstV,
  };
}

/** acc[r][q] += splat(a_r) · b_q for the feature the pointers are at. */
function featureStep(L: Layout, lanes: Lanes): number[] {
  const out: number[] = [];
  for (let q = 0; q < TILE_B; q++) {
    out.push(...get(L.pb[q]), ...simd(SIMD.v128Load, ...mem(3)), ...set(L.bv[q]));
  }
  for (let r = 0; r < TILE_A; r++) {
    // Row r of the tile: lane r % rows of vector r / rows.
    out.push(
      ...get(L.pa[Math.floor(r / lanes.rows)]),
      ...simd(lanes.splat, ...mem(lanes.shift, (r % lanes.rows) << lanes.shift)),
      ...set(L.s),
    );
    for (let q = 0; q < TILE_B; q++) {
      const acc = L.acc[r * TILE_B + q];
      out.push(
        ...get(acc),
        ...get(L.s),
        ...get(L.bv[q]),
        ...simd(lanes.mul),
        ...simd(lanes.add),
        ...set(acc),
      );
    }
  }
  return out;
}

/** address = base + (row / rows per vector) · stride (the vector holding a tile's first row). */
function vectorAddress(row: number, lanes: Lanes): number[] {
  const log = Math.log2(lanes.rows);
  return [
    ...get(VALUES),
    ...get(row),
    ...i32(log),
    OP.i32ShrU,
    ...get(STRIDE),
    OP.i32Mul,
    OP.i32Add,
  ];
}

/** address = base + row · bytes per value (one norm or cut-off per row). */
function rowAddress(base: number, row: number, lanes: Lanes): number[] {
  return [...get(base), ...get(row), ...i32(lanes.shift), OP.i32Shl, OP.i32Add];
}

function pairsBody(lanes: Lanes): number[] {
  const L = layout(lanes);
  const rowsB = TILE_B * lanes.rows;
  const at = (base: number, row: number) => rowAddress(base, row, lanes);
  const zero = simd(SIMD.v128Const, ...new Array<number>(16).fill(0));
  const body: number[] = [];
  // a = i0; while (a < i1) { ...; a += TILE_A }
  body.push(...get(I0), ...set(L.a));
  body.push(OP.block, VOID, OP.loop, VOID);
  body.push(...get(L.a), ...get(I1), OP.i32GeU, OP.brIf, 1);
  body.push(...vectorAddress(L.a, lanes), ...set(L.tileA));
  // b = max(j0, a rounded down to a tile of b)
  body.push(
    ...get(J0),
    ...get(L.a),
    ...i32(-rowsB),
    OP.i32And,
    ...tee(L.b),
    ...get(J0),
    ...get(L.b),
    OP.i32GtU,
    OP.select,
    ...set(L.b),
  );
  body.push(OP.block, VOID, OP.loop, VOID);
  body.push(...get(L.b), ...get(J1), OP.i32GeU, OP.brIf, 1);
  // Pointers to the tile's vectors of rows.
  for (let k = 0; k < L.pa.length; k++) {
    body.push(...get(L.tileA));
    if (k > 0) body.push(...get(STRIDE), ...i32(k), OP.i32Mul, OP.i32Add);
    body.push(...set(L.pa[k]));
  }
  body.push(...vectorAddress(L.b, lanes), ...set(L.pb[0]));
  for (let q = 1; q < TILE_B; q++) {
    body.push(...get(L.pb[q - 1]), ...get(STRIDE), OP.i32Add, ...set(L.pb[q]));
  }
  for (const acc of L.acc) body.push(...zero, ...set(acc));
  // The feature loop: one feature (16 bytes of each vector of rows) per iteration.
  body.push(...get(DIMS), ...set(L.n));
  body.push(OP.loop, VOID);
  body.push(...featureStep(L, lanes));
  for (const p of [...L.pa, ...L.pb]) body.push(...bump(p, i32(16)));
  body.push(...get(L.n), ...i32(1), OP.i32Sub, ...tee(L.n), OP.brIf, 0, OP.end);
  // Distances (‖a‖² + ‖b‖²) − (s + s), in place of the sums, and the test against the cut-offs.
  for (let q = 0; q < TILE_B; q++) {
    body.push(...at(NORMS, L.b), ...simd(SIMD.v128Load, ...mem(3, q * 16)), ...set(L.nb[q]));
    body.push(...at(CUTS, L.b), ...simd(SIMD.v128Load, ...mem(3, q * 16)), ...set(L.tb[q]));
  }
  body.push(...zero, ...set(L.mask));
  for (let r = 0; r < TILE_A; r++) {
    const off = r << lanes.shift;
    body.push(...at(NORMS, L.a), ...simd(lanes.splat, ...mem(lanes.shift, off)), ...set(L.na));
    body.push(...at(CUTS, L.a), ...simd(lanes.splat, ...mem(lanes.shift, off)), ...set(L.ta));
    for (let q = 0; q < TILE_B; q++) {
      const acc = L.acc[r * TILE_B + q];
      body.push(
        ...get(L.na),
        ...get(L.nb[q]),
        ...simd(lanes.add),
        ...get(acc),
        ...get(acc),
        ...simd(lanes.add),
        ...simd(lanes.sub),
        ...tee(acc),
        ...set(L.d),
        ...get(L.mask),
        ...get(L.d),
        ...get(L.ta),
        ...simd(lanes.lt),
        ...simd(SIMD.v128Or),
        ...get(L.d),
        ...get(L.tb[q]),
        ...simd(lanes.lt),
        ...simd(SIMD.v128Or),
        ...set(L.mask),
      );
    }
  }
  // Some distance beats a cut-off: write the tile's distances at 0 and let the caller update.
  body.push(...get(L.mask), ...simd(SIMD.v128AnyTrue), OP.if, VOID);
  for (let r = 0; r < TILE_A; r++) {
    for (let q = 0; q < TILE_B; q++) {
      body.push(
        ...i32(0),
        ...get(L.acc[r * TILE_B + q]),
        ...simd(SIMD.v128Store, ...mem(3, (r * TILE_B + q) * 16)),
      );
    }
  }
  body.push(...get(L.a), ...get(L.b), OP.call, 0, OP.end);
  body.push(...bump(L.b, i32(rowsB)), OP.br, 0, OP.end, OP.end);
  body.push(...bump(L.a, i32(TILE_A)), OP.br, 0, OP.end, OP.end);
  body.push(OP.end);
  return [...locals([L.i32Count, I32], [L.v128Count, V128]), ...body];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const hitType = [0x60, ...uleb(2), I32, I32, 0x00]; // (i32, i32) -> ()
  const pairsType = [0x60, ...uleb(PARAMS), ...new Array<number>(PARAMS).fill(I32), 0x00];
  const fn = (body: number[]) => [...uleb(body.length), ...body];
  return Uint8Array.from([
    ...HEADER,
    ...section(1, [...uleb(2), ...hitType, ...pairsType]),
    ...section(2, [
      ...uleb(2),
      ...str('m'),
      ...str('hit'),
      0x00,
      ...uleb(0),
      ...str('m'),
      ...str('memory'),
      0x02,
      0x00,
      ...uleb(1),
    ]),
    ...section(3, [...uleb(2), ...uleb(1), ...uleb(1)]),
    ...section(7, [
      ...uleb(2),
      ...str('pairs64'),
      0x00,
      ...uleb(1),
      ...str('pairs32'),
      0x00,
      ...uleb(2),
    ]),
    ...section(10, [...uleb(2), ...fn(pairsBody(LANES.f64)), ...fn(pairsBody(LANES.f32))]),
  ]);
}

/** The compiled module, or null where WebAssembly or its SIMD is missing. */
let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileModule(moduleBytes());
  return compiled;
}

/** Whether this runtime has WebAssembly SIMD (the kernel compiles). */
export function simdAvailable(): boolean {
  return compiledModule() !== null;
}

export interface SimdPairs {
  readonly precision: Precision;
  /** Padded row count (a multiple of ROW_ALIGN); rows past `rows` never produce a distance. */
  readonly paddedRows: number;
  /**
   * Distances and norms are those of the centred points times `scale`: 1 for f64; for f32 the
   * power of two that brings the largest centred value into (1/2, 1] (exact; no overflow).
   */
  readonly scale: number;
  /** Squared norms of the (scaled) centred rows; f64: summed as the TypeScript loops do. */
  readonly norms: Float64Array | Float32Array;
  /**
   * Per row, the distance a candidate must beat (strictly) to be reported: the caller keeps it
   * equal to the last entry of the row's list (Infinity while the list has room).
   */
  readonly cuts: Float64Array | Float32Array;
  /** The last hit tile's distances, TILE_A rows × tileRows, row-major. */
  readonly tile: Float64Array | Float32Array;
  /** Rows of b per tile. */
  readonly tileRows: number;
  /** Every tile of rows [i0, i1) × [j0, j1) that holds a pair j > i (bounds multiples of ROW_ALIGN). */
  run(i0: number, i1: number, j0: number, j1: number): void;
  /** The search is over: the memory may serve the next one (the kernel must not be used after). */
  release(): void;
}

/**
 * One released memory is kept for the next search (SMOTE searches once per class, cross-validation
 * once per fold); only memories up to SPARE_LIMIT, so a big search does not pin its copy.
 */
const SPARE_LIMIT = 48 * 2 ** 20;
let spare: WebAssembly.Memory | null = null;

function takeMemory(bytes: number): WebAssembly.Memory | null {
  if (spare && spare.buffer.byteLength >= bytes) {
    const kept = spare;
    spare = null;
    return kept;
  }
  try {
    return new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  } catch {
    return null; // out of memory: the TypeScript loops need no copy of the points
  }
}

function keepMemory(memory: WebAssembly.Memory): void {
  const size = memory.buffer.byteLength;
  if (size > SPARE_LIMIT) return;
  if (!spare || spare.buffer.byteLength < size) spare = memory;
}

/**
 * The kernel over `rows` points of `dims` features (row-major `values`), centred by `mean` as it
 * copies them (the same subtraction as the TypeScript search; f32: then scaled and rounded), or
 * null where WebAssembly SIMD is missing or the copy does not fit. `onHit(a, b)`: the tile of rows
 * a.. × b.. in `tile` has a distance below a cut-off of one of its rows.
 */
export function simdPairs(
  values: Float64Array,
  rows: number,
  dims: number,
  mean: Float64Array,
  precision: Precision,
  onHit: (a: number, b: number) => void,
): SimdPairs | null {
  if (rows === 0 || dims === 0) return null;
  const module = compiledModule();
  if (!module) return null;
  const lanes = LANES[precision];
  const bytes = 1 << lanes.shift;
  const tileRows = tileRowsB(precision);
  let scale = 1;
  if (precision === 'f32') {
    const s = powerOfTwoScale(values, rows, dims, mean);
    if (s === null) return null;
    scale = s;
  }
  const paddedRows = Math.ceil(rows / ROW_ALIGN) * ROW_ALIGN;
  const stride = dims * 16;
  const normsAt = TILE_A * tileRows * bytes;
  const cutsAt = normsAt + paddedRows * bytes;
  const valuesAt = Math.ceil((cutsAt + paddedRows * bytes) / 16) * 16;
  const total = valuesAt + (paddedRows / lanes.rows) * stride;
  if (total > 2 ** 31) return null; // beyond what an i32 address reaches
  const memory = takeMemory(total);
  if (!memory) return null;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, { m: { memory, hit: onHit } });
  } catch {
    keepMemory(memory);
    return null;
  }
  const pairs = instance.exports[precision === 'f64' ? 'pairs64' : 'pairs32'] as (
    ...args: number[]
  ) => void;
  const buffer = memory.buffer;
  const View = precision === 'f64' ? Float64Array : Float32Array;
  const tile = new View(buffer, 0, TILE_A * tileRows);
  const norms = new View(buffer, normsAt, paddedRows);
  const cuts = new View(buffer, cutsAt, paddedRows);
  const packed = new View(buffer, valuesAt, paddedRows * dims);
  // Row i, feature f at vector (i / g), offset f · g + i % g (g rows per vector); padding rows are 0
  // (a reused memory holds the last search's bytes; their infinite norms keep them out anyway).
  const g = lanes.rows;
  packed.fill(0, Math.floor(rows / g) * g * dims);
  for (let i = 0; i < rows; i++) {
    const o = i * dims;
    let t = Math.floor(i / g) * dims * g + (i % g);
    let s = 0;
    if (precision === 'f64') {
      for (let f = 0; f < dims; f++, t += g) {
        const v = values[o + f] - mean[f];
        packed[t] = v;
        s += v * v;
      }
    } else {
      for (let f = 0; f < dims; f++, t += g) {
        const v = Math.fround((values[o + f] - mean[f]) * scale);
        packed[t] = v;
        s += v * v;
      }
    }
    norms[i] = s;
  }
  // Padding rows: an infinite norm makes every distance to them +Infinity, which beats no cut-off.
  norms.fill(Infinity, rows);
  cuts.fill(Infinity);
  let released = false;
  return {
    precision,
    paddedRows,
    scale,
    norms,
    cuts,
    tile,
    tileRows,
    run(i0, i1, j0, j1) {
      pairs(i0, i1, j0, j1, valuesAt, normsAt, cutsAt, stride, dims);
    },
    release() {
      if (released) return;
      released = true;
      keepMemory(memory);
    },
  };
}
