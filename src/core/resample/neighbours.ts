// Exact k-nearest-neighbour search within one set of points (every row's k nearest other rows), for
// SMOTE (within a class) and Tomek links (1-NN over all rows). Two paths give identical results:
//
// - TypeScript over Float64Array, in bounded memory: rows are taken in blocks, squared distances
//   come from ‖a‖² + ‖b‖² − 2a·b on the centred points (four dot products at a time, so each value
//   of a is loaded once per four rows of b), each pair is computed once and offered to both rows,
//   and every row keeps a sorted k-best list. Where the runtime has WebAssembly SIMD, the pair
//   distances of numeric points come from small kernels instead (neighbours-simd.ts), and only the
//   tiles holding a distance below a row's current cut-off come back to the lists here: float32
//   (f32x4, ~8× the TypeScript loops) with the same kind of error bound as the tfjs path, and when
//   it leaves more than 1/16 of the rows open, float64 (f64x2: the TypeScript loops' operations in
//   their order, the same distances bit for bit, ~4×).
// - tfjs (neighbours-tf.ts), when the caller passes a tfjs module on a fast backend and the search
//   is big enough to pay for it: float32 matrix products find each row's k + MARGIN best
//   candidates with a bound on their float32 error; a row whose k-th and last candidates are
//   further apart than the bound provably has its exact k nearest among them, and a row where
//   they are not (near-ties, many duplicates) is searched again with more candidates, then
//   scanned exactly in float64.
//
// Both paths end the same way: the kept neighbours are re-measured exactly (Σ(a − b)²) and ordered
// by (distance, index), so on equal distances the lower row index wins, as scikit-learn's
// NearestNeighbors does, and Tomek links agree with it. Between blocks the search reports progress
// and checks for cancellation.
import { BenchtopError } from '../errors';
import type { Tf } from '../models/types';
import { columnMeans } from './centre';
import { floatSearch } from './neighbours-tf';
import { simdAvailable, simdPairs, ROW_ALIGN, TILE_A, type Precision } from './neighbours-simd';

/** Points as a row-major matrix, optionally with categorical codes (SMOTE-NC). */
export interface PointSet {
  rows: number;
  dims: number;
  /** rows × dims, row-major. */
  values: Float64Array;
  /** Number of categorical values per row (0 when absent). */
  cats?: number;
  /** rows × cats, row-major codes; two rows differing in one adds `mismatch` to the squared distance. */
  codes?: Int32Array;
  mismatch?: number;
}

export interface SearchHooks {
  onProgress?(fraction: number): void;
  isCancelled?(): boolean;
}

/**
 * 'auto': tfjs when given, on a fast backend, for a big enough search the WebAssembly kernel does not
 * take (see usesTf); 'js' / 'tf' force one.
 */
export type NeighbourPath = 'auto' | 'js' | 'tf';

export interface SearchOptions extends SearchHooks {
  /** tfjs-core with its backend already chosen by the caller (core never picks one). */
  tf?: Tf;
  path?: NeighbourPath;
  /**
   * Rows per block (tfjs path: default 1024; WebAssembly kernel: rounded up to a multiple of 8);
   * tests use small blocks to cross block edges.
   */
  blockRows?: number;
  /**
   * TypeScript path: whether the WebAssembly SIMD pair kernels (neighbours-simd.ts) may compute the
   * distances. Default: when the runtime has them, for points without categorical codes and at
   * least MIN_SIMD_VALUES values; true: whenever the runtime has them; 'f64': the float64 kernel
   * only (the TypeScript loops' distances bit for bit); false: never (the TypeScript loops).
   */
  simd?: boolean | 'f64';
}

/** rows × k, row-major: the k nearest other rows of each row, nearest first; squared distances. */
export interface Neighbours {
  k: number;
  index: Int32Array;
  distance: Float64Array;
  /** Which search ran: the TypeScript one, or float32 products on the tfjs backend. */
  path: 'js' | 'tf';
  /** Rows whose candidates could not settle their neighbours (scanned again exactly). */
  rechecked?: number;
  /**
   * TypeScript path: the WebAssembly kernel whose candidates settled the search (f32 first; f64
   * when f32 could not settle enough rows); absent when the TypeScript loops ran.
   */
  simd?: Precision;
}

export function cancelledResample(): BenchtopError {
  return new BenchtopError('cancelled', 'Resampling was cancelled. Nothing was changed.');
}

/** Rows per block: a block of 256 rows × 30 doubles (60 KB) stays in cache while it is reused. */
const BLOCK = 256;

function squaredNorms(values: Float64Array, rows: number, dims: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0, o = 0; i < rows; i++, o += dims) {
    let s = 0;
    for (let f = 0; f < dims; f++) s += values[o + f] * values[o + f];
    out[i] = s;
  }
  return out;
}

/**
 * Inserts (d, j) into row r's sorted list when it beats the current k-th; equal distances keep the
 * earlier (lower) index first. Also neighbours-tf.ts's lists.
 */
export function offer(
  bestD: Float64Array,
  bestI: Int32Array,
  k: number,
  r: number,
  j: number,
  d: number,
): void {
  const base = r * k;
  let p = base + k - 1;
  if (!(d < bestD[p])) return;
  while (p > base && bestD[p - 1] > d) {
    bestD[p] = bestD[p - 1];
    bestI[p] = bestI[p - 1];
    p--;
  }
  bestD[p] = d;
  bestI[p] = j;
}

function mismatches(codes: Int32Array, cats: number, a: number, b: number): number {
  let m = 0;
  const oa = a * cats;
  const ob = b * cats;
  for (let c = 0; c < cats; c++) if (codes[oa + c] !== codes[ob + c]) m++;
  return m;
}

/**
 * Off-diagonal blocks (every j after every i): two rows of a against four rows of b per pass, eight
 * dot products from six loads per feature. Returns the first row of a it did not handle.
 */
function pairKernel(
  p: PointSet,
  norms: Float64Array,
  bestD: Float64Array,
  bestI: Int32Array,
  k: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
): number {
  const x = p.values;
  const dims = p.dims;
  const last = k - 1;
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a0 = i * dims;
    const a1 = a0 + dims;
    const ni0 = norms[i];
    const ni1 = norms[i + 1];
    let j = j0;
    for (; j + 3 < j1; j += 4) {
      const b0 = j * dims;
      const b1 = b0 + dims;
      const b2 = b1 + dims;
      const b3 = b2 + dims;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let f = 0; f < dims; f++) {
        const u = x[a0 + f];
        const v = x[a1 + f];
        const w0 = x[b0 + f];
        const w1 = x[b1 + f];
        const w2 = x[b2 + f];
        const w3 = x[b3 + f];
        s00 += u * w0;
        s01 += u * w1;
        s02 += u * w2;
        s03 += u * w3;
        s10 += v * w0;
        s11 += v * w1;
        s12 += v * w2;
        s13 += v * w3;
      }
      const t0 = i * k + last;
      const t1 = t0 + k;
      const n0 = norms[j];
      const n1 = norms[j + 1];
      const n2 = norms[j + 2];
      const n3 = norms[j + 3];
      let d = ni0 + n0 - 2 * s00;
      if (d < bestD[t0]) offer(bestD, bestI, k, i, j, d);
      if (d < bestD[j * k + last]) offer(bestD, bestI, k, j, i, d);
      d = ni0 + n1 - 2 * s01;
      if (d < bestD[t0]) offer(bestD, bestI, k, i, j + 1, d);
      if (d < bestD[(j + 1) * k + last]) offer(bestD, bestI, k, j + 1, i, d);
      d = ni0 + n2 - 2 * s02;
      if (d < bestD[t0]) offer(bestD, bestI, k, i, j + 2, d);
      if (d < bestD[(j + 2) * k + last]) offer(bestD, bestI, k, j + 2, i, d);
      d = ni0 + n3 - 2 * s03;
      if (d < bestD[t0]) offer(bestD, bestI, k, i, j + 3, d);
      if (d < bestD[(j + 3) * k + last]) offer(bestD, bestI, k, j + 3, i, d);
      // Row i + 1 after row i: each row of b still receives its candidates in increasing order.
      d = ni1 + n0 - 2 * s10;
      if (d < bestD[t1]) offer(bestD, bestI, k, i + 1, j, d);
      if (d < bestD[j * k + last]) offer(bestD, bestI, k, j, i + 1, d);
      d = ni1 + n1 - 2 * s11;
      if (d < bestD[t1]) offer(bestD, bestI, k, i + 1, j + 1, d);
      if (d < bestD[(j + 1) * k + last]) offer(bestD, bestI, k, j + 1, i + 1, d);
      d = ni1 + n2 - 2 * s12;
      if (d < bestD[t1]) offer(bestD, bestI, k, i + 1, j + 2, d);
      if (d < bestD[(j + 2) * k + last]) offer(bestD, bestI, k, j + 2, i + 1, d);
      d = ni1 + n3 - 2 * s13;
      if (d < bestD[t1]) offer(bestD, bestI, k, i + 1, j + 3, d);
      if (d < bestD[(j + 3) * k + last]) offer(bestD, bestI, k, j + 3, i + 1, d);
    }
    for (; j < j1; j++) {
      const b = j * dims;
      let s0 = 0;
      let s1 = 0;
      for (let f = 0; f < dims; f++) {
        s0 += x[a0 + f] * x[b + f];
        s1 += x[a1 + f] * x[b + f];
      }
      let d = ni0 + norms[j] - 2 * s0;
      if (d < bestD[i * k + last]) offer(bestD, bestI, k, i, j, d);
      if (d < bestD[j * k + last]) offer(bestD, bestI, k, j, i, d);
      d = ni1 + norms[j] - 2 * s1;
      if (d < bestD[(i + 1) * k + last]) offer(bestD, bestI, k, i + 1, j, d);
      if (d < bestD[j * k + last]) offer(bestD, bestI, k, j, i + 1, d);
    }
  }
  return i;
}

/** Every pair (i, j) with i in [i0, i1), j in [j0, j1), j > i: distance offered to both rows. */
function blockPairs(
  p: PointSet,
  norms: Float64Array,
  bestD: Float64Array,
  bestI: Int32Array,
  k: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
): void {
  const x = p.values;
  const dims = p.dims;
  const cats = p.cats ?? 0;
  const codes = p.codes;
  const penalty = p.mismatch ?? 0;
  // Numeric-only blocks wholly after the rows of a go through the faster 2 × 4 kernel.
  const start = !codes && j0 >= i1 ? pairKernel(p, norms, bestD, bestI, k, i0, i1, j0, j1) : i0;
  for (let i = start; i < i1; i++) {
    const a = i * dims;
    const ni = norms[i];
    let j = j0 > i ? j0 : i + 1;
    // Four rows of b per pass over a.
    for (; j + 3 < j1; j += 4) {
      const b0 = j * dims;
      const b1 = b0 + dims;
      const b2 = b1 + dims;
      const b3 = b2 + dims;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let f = 0; f < dims; f++) {
        const v = x[a + f];
        s0 += v * x[b0 + f];
        s1 += v * x[b1 + f];
        s2 += v * x[b2 + f];
        s3 += v * x[b3 + f];
      }
      let d0 = ni + norms[j] - 2 * s0;
      let d1 = ni + norms[j + 1] - 2 * s1;
      let d2 = ni + norms[j + 2] - 2 * s2;
      let d3 = ni + norms[j + 3] - 2 * s3;
      if (codes) {
        d0 += penalty * mismatches(codes, cats, i, j);
        d1 += penalty * mismatches(codes, cats, i, j + 1);
        d2 += penalty * mismatches(codes, cats, i, j + 2);
        d3 += penalty * mismatches(codes, cats, i, j + 3);
      }
      // Most pairs beat neither row's k-th best: test before calling.
      const last = k - 1;
      if (d0 < bestD[i * k + last]) offer(bestD, bestI, k, i, j, d0);
      if (d0 < bestD[j * k + last]) offer(bestD, bestI, k, j, i, d0);
      if (d1 < bestD[i * k + last]) offer(bestD, bestI, k, i, j + 1, d1);
      if (d1 < bestD[(j + 1) * k + last]) offer(bestD, bestI, k, j + 1, i, d1);
      if (d2 < bestD[i * k + last]) offer(bestD, bestI, k, i, j + 2, d2);
      if (d2 < bestD[(j + 2) * k + last]) offer(bestD, bestI, k, j + 2, i, d2);
      if (d3 < bestD[i * k + last]) offer(bestD, bestI, k, i, j + 3, d3);
      if (d3 < bestD[(j + 3) * k + last]) offer(bestD, bestI, k, j + 3, i, d3);
    }
    for (; j < j1; j++) {
      const b = j * dims;
      let s = 0;
      for (let f = 0; f < dims; f++) s += x[a + f] * x[b + f];
      let d = ni + norms[j] - 2 * s;
      if (codes) d += penalty * mismatches(codes, cats, i, j);
      offer(bestD, bestI, k, i, j, d);
      offer(bestD, bestI, k, j, i, d);
    }
  }
}

/** The exact squared distance between rows a and b. */
export function squaredDistance(p: PointSet, a: number, b: number): number {
  const x = p.values;
  const dims = p.dims;
  let s = 0;
  for (let f = 0, oa = a * dims, ob = b * dims; f < dims; f++) {
    const d = x[oa + f] - x[ob + f];
    s += d * d;
  }
  if (p.codes && p.cats) s += (p.mismatch ?? 0) * mismatches(p.codes, p.cats, a, b);
  return s;
}

/** Extra candidates per row beyond k: room for rounding to reorder near-ties. */
const MARGIN = 4;
/** tfjs: candidates per row in the second float32 pass, for the rows the first could not settle. */
const RETRY_WIDTH = 64;
/** Backends whose float32 products are fast here and exact float32 (webgl may use float16 textures). */
const FAST_BACKENDS = ['wasm', 'webgpu'];
/**
 * Where the tfjs path pays off, measured on wasm here (CPU time, k = 5): a pair costs the
 * TypeScript search ~1 ns per dimension, the tfjs path ~9 ns whatever the width (the scan of the
 * read-back block dominates), so tfjs wins from ~12 dimensions and ~2,000 rows (2,000 × 30: 0.66×
 * the TypeScript time, 6,000 × 60: 0.33×; 5,000 × 8: 1.2×, slower).
 */
const MIN_TF_ROWS = 2000;
const MIN_TF_DIMS = 12;
/** Share of the progress bar for the first pass (the later ones only see unsettled rows). */
const FIRST_PASS = 0.95;
/** Above this k the per-block top-k costs more than the TypeScript k-best lists. */
const MAX_TF_K = 128;

/** Whether the tfjs path runs for this search. */
export function usesTf(p: PointSet, k: number, options: SearchOptions): boolean {
  const path = options.path ?? 'auto';
  if (!options.tf || path === 'js') return false;
  if (path === 'tf') return true;
  // The WebAssembly kernel beats the tfjs path wherever it runs (CPU time here, tfjs on wasm:
  // 2,000 × 30 and 6,000 × 60 ~0.75×, 20,000 × 30 ~0.6×), so 'auto' keeps tfjs for the points it
  // cannot take (categorical codes) and runtimes without WebAssembly SIMD.
  if (usesSimd(p, options)) return false;
  return (
    FAST_BACKENDS.includes(options.tf.getBackend()) &&
    k <= MAX_TF_K &&
    p.rows >= MIN_TF_ROWS &&
    p.dims + (p.cats ?? 0) >= MIN_TF_DIMS
  );
}

/** Approximate candidate lists: per row, `width` other rows nearest first, with a bound. */
interface Candidates {
  width: number;
  index: Int32Array;
  distance: Float64Array;
  /** Per list: how far an approximate distance may be above or below the exact one, doubled. */
  slack: Float64Array;
}

/**
 * Orders `count` candidates of row r (cand[from..from+count)) exactly by (distance, index) and
 * writes the first k to the result.
 */
function rankExact(
  p: PointSet,
  r: number,
  cand: Int32Array,
  from: number,
  count: number,
  k: number,
  outI: Int32Array,
  outD: Float64Array,
): void {
  const d = new Float64Array(count);
  const order = Array.from({ length: count }, (_, t) => t);
  for (let t = 0; t < count; t++) d[t] = squaredDistance(p, r, cand[from + t]);
  order.sort((u, v) => d[u] - d[v] || cand[from + u] - cand[from + v]);
  for (let t = 0; t < k; t++) {
    outI[r * k + t] = cand[from + order[t]];
    outD[r * k + t] = d[order[t]];
  }
}

/**
 * Writes the exact k nearest of every listed row (`queries`, or all rows when null) whose
 * candidates provably hold them, and returns the other rows. A row left out of a list has an
 * approximate distance >= the list's last one; when that is more than `slack` beyond the k-th,
 * its exact distance is above the exact k-th, so the exact order of the list is the answer.
 */
function settle(
  p: PointSet,
  k: number,
  queries: Int32Array | null,
  c: Candidates,
  outI: Int32Array,
  outD: Float64Array,
): Int32Array {
  const { width } = c;
  const open: number[] = [];
  const n = queries ? queries.length : p.rows;
  for (let q = 0; q < n; q++) {
    const r = queries ? queries[q] : q;
    const base = q * width;
    const last = base + width - 1;
    const settled =
      c.index[last] >= 0 &&
      (width === p.rows - 1 || c.distance[last] - c.distance[base + k - 1] > c.slack[q]);
    if (settled) rankExact(p, r, c.index, base, width, k, outI, outD);
    else open.push(r);
  }
  return Int32Array.from(open);
}

/** Row r's exact k nearest by a float64 scan of every other row (lower index first on ties). */
function scanExact(p: PointSet, r: number, k: number, outI: Int32Array, outD: Float64Array): void {
  const bestD = new Float64Array(k).fill(Infinity);
  const bestI = new Int32Array(k).fill(-1);
  for (let j = 0; j < p.rows; j++) {
    if (j === r) continue;
    const d = squaredDistance(p, r, j);
    // Strictly smaller only: rows come in increasing order, so a tie keeps the lower index.
    if (d < bestD[k - 1]) offer(bestD, bestI, k, 0, j, d);
  }
  outI.set(bestI, r * k);
  outD.set(bestD, r * k);
}

function scanOpen(
  p: PointSet,
  k: number,
  open: Int32Array,
  hooks: SearchHooks,
  outI: Int32Array,
  outD: Float64Array,
): void {
  for (let q = 0; q < open.length; q++) {
    if (q % 64 === 0 && hooks.isCancelled?.()) throw cancelledResample();
    scanExact(p, open[q], k, outI, outD);
  }
}

function centred(p: PointSet, mean: Float64Array): PointSet {
  const { rows, dims, values } = p;
  const out = new Float64Array(values.length);
  for (let i = 0, o = 0; i < rows; i++, o += dims)
    for (let f = 0; f < dims; f++) out[o + f] = values[o + f] - mean[f];
  return { ...p, values: out };
}

/**
 * Below this many values (rows × features) the kernels do not pay for their copy and per-tile
 * work. Measured here with the float64 kernel (CPU time per search, k = 5): even at 1,024 × 4 and
 * 256 × 30 (~1 ms, where re-ranking the lists dominates), 0.7× at 4,096 × 4, 0.5× at 1,024 × 30.
 */
const MIN_SIMD_VALUES = 8192;
/** Kernel blocks: rows of a per progress step, rows of b per call (~30 KB of b at 30 features). */
const SIMD_BLOCK_A = 512;
const SIMD_BLOCK_B = 128;

/** Whether the WebAssembly kernel computes this search's distances (see SearchOptions.simd). */
export function usesSimd(p: PointSet, options: SearchOptions = {}): boolean {
  if (options.simd === false || (p.codes && p.cats)) return false;
  if (options.simd === undefined && p.rows * p.dims < MIN_SIMD_VALUES) return false;
  return simdAvailable();
}

/** Pairs (i < j) whose i is among the first i1 of `rows`: the work done by the block loops. */
function pairsBefore(i1: number, rows: number): number {
  const m = Math.min(i1, rows);
  return m * (rows - m) + (m * (m - 1)) / 2;
}

/**
 * The candidate lists from a WebAssembly kernel (see neighbours-simd.ts; f64: the distances of the
 * TypeScript loops bit for bit; f32: those of the points scaled by a power of two and rounded to
 * float32). Returns the rows' squared norms and the scale, or null when the kernel is not available
 * (nothing written). Progress goes from `from` to `to` of the bar.
 */
function simdLists(
  p: PointSet,
  mean: Float64Array,
  lists: { bestD: Float64Array; bestI: Int32Array; width: number },
  precision: Precision,
  options: SearchOptions,
  from: number,
  to: number,
): { norms: Float64Array; scale: number } | null {
  const rows = p.rows;
  const { bestD, bestI, width } = lists;
  const last = width - 1;
  let tile: Float64Array | Float32Array = new Float64Array(0);
  let cuts: Float64Array | Float32Array = new Float64Array(0);
  let tileRows = 0;
  // A tile with a distance below one of its rows' cut-offs: offer its pairs j > i to both rows.
  // (f32: a distance is a float32 value, so the float32 cut-offs hold the lists' values exactly.)
  const onHit = (a: number, b: number): void => {
    for (let r = 0; r < TILE_A; r++) {
      const i = a + r;
      if (i >= rows) return;
      for (let c = 0, t = r * tileRows; c < tileRows; c++, t++) {
        const j = b + c;
        if (j <= i) continue;
        if (j >= rows) break;
        const d = tile[t];
        if (d < cuts[i]) {
          offer(bestD, bestI, width, i, j, d);
          cuts[i] = bestD[i * width + last];
        }
        if (d < cuts[j]) {
          offer(bestD, bestI, width, j, i, d);
          cuts[j] = bestD[j * width + last];
        }
      }
    }
  };
  const kernel = simdPairs(p.values, rows, p.dims, mean, precision, onHit);
  if (!kernel) return null;
  ({ tile, cuts, tileRows } = kernel);
  const padded = kernel.paddedRows;
  const align = (n: number) => Math.max(ROW_ALIGN, Math.ceil(n / ROW_ALIGN) * ROW_ALIGN);
  const blockA = align(options.blockRows ?? SIMD_BLOCK_A);
  const blockB = align(options.blockRows ?? SIMD_BLOCK_B);
  const totalPairs = (rows * (rows - 1)) / 2;
  try {
    for (let i0 = 0; i0 < padded; i0 += blockA) {
      if (options.isCancelled?.()) throw cancelledResample();
      const i1 = Math.min(padded, i0 + blockA);
      for (let j0 = i0; j0 < padded; j0 += blockB) {
        kernel.run(i0, i1, j0, Math.min(padded, j0 + blockB));
      }
      const done = totalPairs > 0 ? pairsBefore(i1, rows) / totalPairs : 1;
      options.onProgress?.(from + (to - from) * done);
    }
    return { norms: Float64Array.from(kernel.norms.subarray(0, rows)), scale: kernel.scale };
  } finally {
    kernel.release();
  }
}

/** The candidate lists from the TypeScript loops; returns the centred rows' squared norms. */
function tsLists(
  original: PointSet,
  mean: Float64Array,
  bestD: Float64Array,
  bestI: Int32Array,
  width: number,
  hooks: SearchHooks,
): Float64Array {
  const rows = original.rows;
  const p = centred(original, mean);
  const norms = squaredNorms(p.values, rows, p.dims);
  const blocks = Math.ceil(rows / BLOCK);
  // Work in block i is proportional to the rows after it: report the share of pairs done.
  const totalPairs = (rows * (rows - 1)) / 2;
  for (let bi = 0; bi < blocks; bi++) {
    if (hooks.isCancelled?.()) throw cancelledResample();
    const i0 = bi * BLOCK;
    const i1 = Math.min(rows, i0 + BLOCK);
    for (let j0 = i0; j0 < rows; j0 += BLOCK) {
      blockPairs(p, norms, bestD, bestI, width, i0, i1, j0, Math.min(rows, j0 + BLOCK));
    }
    hooks.onProgress?.(
      totalPairs > 0 ? (FIRST_PASS * pairsBefore(i1, rows)) / totalPairs : FIRST_PASS,
    );
  }
  return norms;
}

/** Unit roundoff of float32. */
const U32 = 2 ** -24;
/**
 * The float32 kernel's candidates are kept when at most 1 / FALLBACK of the rows are left open:
 * an exact scan of one row costs about what the float64 kernel spends on 1 / 16 of the rows, so
 * beyond that (near-ties everywhere, features of wildly different scales) the float64 kernel runs.
 */
const FALLBACK = 16;

/**
 * Per row: how far apart the k-th and last candidates must be to prove the k nearest are among
 * them (twice the most a candidate's distance can differ from the exact one).
 * float64 (TypeScript loops and the f64 kernel): rounding of each dot product and sum,
 * (terms + 4)·2⁻⁵³ of the magnitudes involved, which are at most 2(Nᵢ + Nⱼ) with N = ‖a‖² +
 * penalty·cats; four times that for safety. float32 (the f32 kernel, in its scaled units): inputs
 * rounded to float32 (4u(Nᵢ + Nⱼ)), norms, the dot product (γ_dims) and the final sum, at most
 * (dims + 8)·u·(Nᵢ + Nⱼ), bounded by neighbours-tf.ts's 4(dims + 6)·u·(Nᵢ + max N), plus an
 * absolute term for products below float32's normal range.
 */
function slackOf(p: PointSet, norms: Float64Array, precision: Precision): Float64Array {
  const rows = p.rows;
  const cats = p.codes && p.cats ? p.cats : 0;
  const extra = cats * (p.mismatch ?? 0);
  let maxNorm = 0;
  for (let i = 0; i < rows; i++) if (norms[i] > maxNorm) maxNorm = norms[i];
  const slack = new Float64Array(rows);
  if (precision === 'f64') {
    const scale = 8 * (p.dims + cats + 4) * 2 ** -53;
    for (let i = 0; i < rows; i++) slack[i] = 2 * scale * (norms[i] + maxNorm + 2 * extra);
  } else {
    const scale = 4 * (p.dims + 6) * U32;
    const floor = (p.dims + 2) * 2 ** -120;
    for (let i = 0; i < rows; i++) slack[i] = 2 * (scale * (norms[i] + maxNorm) + floor);
  }
  return slack;
}

/**
 * The TypeScript search: every pair once, in blocks of rows, on the centred points, into lists of
 * k + MARGIN, whose distances come from the WebAssembly kernels when `usesSimd` (float32 first,
 * float64 when float32 leaves too many rows open), else from TypeScript loops; then the rows the
 * error bound proves are exactly ranked, and the others scanned exactly.
 */
function searchJs(p: PointSet, k: number, options: SearchOptions): Neighbours {
  const rows = p.rows;
  const width = Math.min(rows - 1, k + MARGIN);
  const newLists = () => ({
    bestD: new Float64Array(rows * width).fill(Infinity),
    bestI: new Int32Array(rows * width).fill(-1),
    width,
  });
  // The searches work on centred points (see centre.ts for why).
  const mean = columnMeans(p.values, p.rows, p.dims);
  const index = new Int32Array(rows * k);
  const distance = new Float64Array(rows * k);
  const settled = (lists: ReturnType<typeof newLists>, slack: Float64Array) =>
    settle(
      p,
      k,
      null,
      { width, index: lists.bestI, distance: lists.bestD, slack },
      index,
      distance,
    );
  let open: Int32Array | null = null;
  let kernel: Precision | undefined;
  if (usesSimd(p, options)) {
    const passes: Precision[] = options.simd === 'f64' ? ['f64'] : ['f32', 'f64'];
    for (const precision of passes) {
      const lists = newLists();
      // The float64 pass after a float32 one is the rare case: it gets the end of the bar.
      const [from, to] = kernel ? [FIRST_PASS, (1 + FIRST_PASS) / 2] : [0, FIRST_PASS];
      const found = simdLists(p, mean, lists, precision, options, from, to);
      if (!found) continue;
      kernel = precision;
      open = settled(lists, slackOf(p, found.norms, precision));
      if (open.length * FALLBACK <= rows) break;
    }
  }
  if (!open) {
    const lists = newLists();
    const norms = tsLists(p, mean, lists.bestD, lists.bestI, width, options);
    open = settled(lists, slackOf(p, norms, 'f64'));
  }
  scanOpen(p, k, open, options, index, distance);
  options.onProgress?.(1);
  return {
    k,
    index,
    distance,
    path: 'js',
    rechecked: open.length,
    ...(kernel ? { simd: kernel } : {}),
  };
}

/** The tfjs search; null when the points cannot go through float32 products (neighbours-tf.ts). */
function searchTf(tf: Tf, p: PointSet, k: number, options: SearchOptions): Neighbours | null {
  const rows = p.rows;
  const hooks: SearchHooks = options;
  const search = floatSearch(tf, p, options.blockRows);
  if (!search) return null;
  const index = new Int32Array(rows * k);
  const distance = new Float64Array(rows * k);
  let rechecked = 0;
  try {
    const progress = (from: number, to: number) => (done: number, total: number) => {
      if (hooks.isCancelled?.()) throw cancelledResample();
      hooks.onProgress?.(from + ((to - from) * done) / total);
    };
    const first = Math.min(rows - 1, k + MARGIN);
    let open = settle(p, k, null, search.all(first, progress(0, FIRST_PASS)), index, distance);
    rechecked = open.length;
    if (open.length > 0) {
      const width = Math.min(rows - 1, Math.max(RETRY_WIDTH, 4 * first));
      const wider = search.some(open, width, progress(FIRST_PASS, 1));
      open = settle(p, k, open, wider, index, distance);
    }
    scanOpen(p, k, open, hooks, index, distance);
  } finally {
    search.dispose();
  }
  hooks.onProgress?.(1);
  return { k, index, distance, path: 'tf', rechecked };
}

/**
 * The k nearest other rows of every row (self excluded by index, so a duplicate row is a
 * neighbour at distance 0), by the tfjs path when `options` allow it (see `usesTf`), else the
 * TypeScript one; both give the same rows in the same order. Needs rows > k. Memory: the points
 * twice (a centred copy), lists of k + 4 per row, and nothing per pair (tfjs: plus its bounded
 * blocks, neighbours-tf.ts). A tfjs failure other than a cancellation falls back to TypeScript.
 */
export function nearestNeighbours(p: PointSet, k: number, options: SearchOptions = {}): Neighbours {
  const rows = p.rows;
  if (!Number.isInteger(k) || k < 1 || k >= rows) {
    throw new BenchtopError(
      'internal',
      `nearestNeighbours needs 1 <= k < rows (k = ${k}, rows = ${rows}).`,
    );
  }
  if (options.tf && usesTf(p, k, options)) {
    try {
      const r = searchTf(options.tf, p, k, options);
      if (r) return r;
    } catch (err) {
      if (err instanceof BenchtopError) throw err;
      // An out-of-memory or backend error: the exact TypeScript search gives the same result.
    }
  }
  return searchJs(p, k, options);
}
