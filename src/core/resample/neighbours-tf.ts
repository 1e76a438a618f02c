// The float32 half of the neighbour search on a tfjs backend (wasm, WebGPU): every row's `width`
// nearest other rows by a float32 distance, with a per-row bound on how far that distance can be
// from the exact one. neighbours.ts turns these candidates into exact results (float64 re-ranking,
// ties to the lower index) and searches again, wider then exactly, the rows the bound cannot settle.
//
// Each block of squared distances is ONE matrix product, with no broadcasting ops: a query row is
// embedded as [−2z, −p·onehot, N, 1] and a candidate as [z, onehot, 1, N], where z is the point
// centred and scaled by a power of two, onehot its categorical codes (SMOTE-NC: a matching code
// adds 1 to the dot product, so p·(cats − matches) is the mismatch penalty) and N = ‖z‖² + p·cats/2,
// so the product is ‖zᵢ − zⱼ‖² + p·mismatches. Candidates are uploaded once, already transposed
// ([width × block]): tfjs-wasm's matMul with transposeB is ~10× slower than on a pre-transposed
// operand. Only block pairs on or above the diagonal are computed; each is read back and scanned
// in TypeScript, offering every value to both of its rows' short sorted lists, as the TypeScript
// search does. Measured on wasm here (Node 20, 2 shared cores, 1024 × 1024 blocks of 30 dims),
// per pair: the product ~4 ns with the read-back, the scan ~2.5 ns; tf.topk instead costs ~3 ns
// per entry and sees every pair twice (no symmetric top-k), ~14 ns a pair in all, against ~9 ns.
//
// Memory: the candidates (rows × width float32, uploaded once), one query block and one product
// block (BLOCK² float32 = 4 MB, plus its read-back copy) at a time, and the per-row candidate lists
// (rows × width × 12 bytes). Every tensor is released before returning, also on an error or a
// cancellation (tf.memory().numTensors is back where it was).
import type { Tf } from '../models/types';
import { columnMeans, powerOfTwoScale } from './centre';
// offer: the sorted insert the TypeScript search uses (a runtime cycle with neighbours.ts, safe:
// each module calls the other's functions only inside its own).
import { offer, type PointSet } from './neighbours';

/** Rows per block, on both sides of a product: a product block is 1024 × 1024 float32 = 4 MB. */
export const BLOCK = 1024;
/** One-hot columns beyond this make the product wider than the exact TypeScript loop is slow. */
export const MAX_EMBEDDED_WIDTH = 512;

/** Unit roundoff of float32. */
const U32 = 2 ** -24;

/** The points embedded for the float32 product, plus what the error bound needs. */
interface Embedding {
  /** Columns of the embedded rows: dims + one-hot slots + 2. */
  width: number;
  rows: number;
  /** rows × dims, centred and scaled (float64; rounded to float32 when a block is built). */
  z: Float64Array;
  dims: number;
  /** rows × oneHot: the slot of each categorical value (cats per row), and the scaled penalty. */
  slots: Int32Array | null;
  cats: number;
  penalty: number;
  /** Per row: N = ‖z‖² + penalty·cats/2. */
  norms: Float64Array;
  maxNorm: number;
}

/**
 * Centres the numeric values and scales them by a power of two (exact, so the order of distances
 * is unchanged and the largest magnitude is in (1/2, 1]: no float32 overflow or underflow), and
 * maps every categorical code to a one-hot slot. Null when the float32 product cannot be used.
 */
function embed(p: PointSet): Embedding | null {
  const { rows, dims, values } = p;
  const mean = columnMeans(values, rows, dims);
  const scale = powerOfTwoScale(values, rows, dims, mean);
  if (scale === null) return null;
  const z = new Float64Array(rows * dims);
  for (let i = 0, o = 0; i < rows; i++, o += dims)
    for (let f = 0; f < dims; f++) z[o + f] = (values[o + f] - mean[f]) * scale;

  const cats = p.codes && p.cats ? p.cats : 0;
  let slots: Int32Array | null = null;
  let oneHot = 0;
  if (cats > 0) {
    const codes = p.codes!;
    slots = new Int32Array(rows * cats);
    for (let c = 0; c < cats; c++) {
      const slotOf = new Map<number, number>();
      for (let i = 0, o = c; i < rows; i++, o += cats) {
        let s = slotOf.get(codes[o]);
        if (s === undefined) {
          s = oneHot++;
          slotOf.set(codes[o], s);
        }
        slots[o] = s;
      }
    }
  }
  const width = dims + oneHot + 2;
  if (width > MAX_EMBEDDED_WIDTH) return null;
  const penalty = cats > 0 ? (p.mismatch ?? 0) * scale * scale : 0;
  const norms = new Float64Array(rows);
  let maxNorm = 0;
  for (let i = 0, o = 0; i < rows; i++, o += dims) {
    let s = (penalty * cats) / 2;
    for (let f = 0; f < dims; f++) s += z[o + f] * z[o + f];
    norms[i] = s;
    if (s > maxNorm) maxNorm = s;
  }
  // Far inside float32's range, so neither an entry nor a product term overflows.
  if (!(maxNorm < 1e30) || !(penalty < 1e30)) return null;
  return { width, rows, z, dims, slots, cats, penalty, norms, maxNorm };
}

/**
 * The most the float32 distance of (i, j) can differ from the exact one, for any j: inputs rounded
 * to float32 (2u per product term) plus the product's accumulation (γ_width), both relative to the
 * sum of the terms' magnitudes, which is at most 2(Nᵢ + Nⱼ); doubled for safety, with an absolute
 * term for products below float32's normal range.
 */
function errorBound(e: Embedding, i: number): number {
  return 4 * (e.width + 4) * U32 * (e.norms[i] + e.maxNorm) + e.width * 2 ** -120;
}

/** Candidate lists: per query row, `width` other rows nearest first by float32 distance. */
export interface FloatCandidates {
  width: number;
  /** queries × width candidate row indices (−1 pads a list that did not fill). */
  index: Int32Array;
  /** Their float32 squared distances, in the embedding's units. */
  distance: Float64Array;
  /**
   * Per query: a row whose float32 distance exceeds the k-th candidate's by more than this cannot
   * be among the exact k nearest (twice the error bound).
   */
  slack: Float64Array;
}

export interface FloatSearch {
  /** Embedded width (dims + one-hot slots + 2). */
  readonly width: number;
  /**
   * Every row's `width` nearest other rows by float32 distance. Each block pair is computed once
   * and offered to both of its row sets, as the TypeScript search does. `onBlock(done, total)`
   * runs after every block pair (progress; it may throw to cancel).
   */
  all(width: number, onBlock: (done: number, total: number) => void): FloatCandidates;
  /** The same for some query rows against all rows (a second, wider pass). */
  some(
    queries: Int32Array,
    width: number,
    onBlock: (done: number, total: number) => void,
  ): FloatCandidates;
  /** Releases the uploaded candidates. */
  dispose(): void;
}

// The scans are top-level functions over typed arrays only, so V8 compiles one tight loop for each
// (inside the search's closures the same loop ran ~2× slower).

/**
 * Offers every distance of block pair (rows i0..i1) × (rows j0..j1), read back row-major in x, to
 * both rows' lists; on a diagonal block only the pairs above the diagonal (each pair once, no row
 * with itself). Most values beat neither list: one compare against the larger of the two lasts
 * comes first.
 */
function scanPair(
  x: Float32Array,
  distance: Float64Array,
  index: Int32Array,
  width: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  diagonal: boolean,
  worstJ: Float64Array,
): void {
  const m = j1 - j0;
  const tail = width - 1;
  let maxJ = 0;
  for (let t = 0; t < m; t++) {
    const v = distance[(j0 + t) * width + tail];
    worstJ[t] = v;
    if (!(v <= maxJ)) maxJ = v;
  }
  for (let i = i0; i < i1; i++) {
    let worstI = distance[i * width + tail];
    let bar = worstI > maxJ ? worstI : maxJ;
    const o = (i - i0) * m - j0;
    for (let j = diagonal ? i + 1 : j0; j < j1; j++) {
      const d = x[o + j];
      if (!(d < bar)) continue;
      if (d < worstI) {
        offer(distance, index, width, i, j, d);
        worstI = distance[i * width + tail];
        bar = worstI > maxJ ? worstI : maxJ;
      }
      if (d < worstJ[j - j0]) {
        offer(distance, index, width, j, i, d);
        worstJ[j - j0] = distance[j * width + tail];
      }
    }
  }
}

/** Offers block (queries q0..q1) × (rows j0..j1) to the query rows' lists, skipping each row itself. */
function scanRows(
  x: Float32Array,
  distance: Float64Array,
  index: Int32Array,
  width: number,
  queries: Int32Array,
  q0: number,
  q1: number,
  j0: number,
  j1: number,
): void {
  const m = j1 - j0;
  const tail = width - 1;
  for (let q = q0; q < q1; q++) {
    const self = queries[q];
    let worst = distance[q * width + tail];
    const o = (q - q0) * m - j0;
    for (let j = j0; j < j1; j++) {
      const d = x[o + j];
      if (d < worst && j !== self) {
        offer(distance, index, width, q, j, d);
        worst = distance[q * width + tail];
      }
    }
  }
}

/**
 * Prepares the float32 search over `p` on `tf`'s current backend (uploads the candidates), or
 * returns null when the points cannot be embedded (too many one-hot slots, values out of range).
 */
export function floatSearch(tf: Tf, p: PointSet, block = BLOCK): FloatSearch | null {
  const e = embed(p);
  if (!e) return null;
  const { rows, dims, cats, width: w } = e;
  const blocks: { j0: number; j1: number; t: ReturnType<Tf['tensor2d']> }[] = [];
  const release = () => {
    for (const b of blocks) b.t.dispose();
    blocks.length = 0;
  };

  /** Query rows embedded as [−2z, −p·onehot, N, 1] (the left operand). */
  const left = (rowOf: (q: number) => number, m: number) => {
    const buf = new Float32Array(m * w);
    for (let q = 0; q < m; q++) {
      const r = rowOf(q);
      const o = q * w;
      for (let f = 0; f < dims; f++) buf[o + f] = -2 * e.z[r * dims + f];
      for (let c = 0; c < cats; c++) buf[o + dims + e.slots![r * cats + c]] = -e.penalty;
      buf[o + w - 2] = e.norms[r];
      buf[o + w - 1] = 1;
    }
    return tf.tensor2d(buf, [m, w]);
  };
  /** Product of a left operand with candidate block b, read back: rows × block squared distances. */
  const product = (a: ReturnType<Tf['tensor2d']>, b: (typeof blocks)[number]): Float32Array => {
    let x: Float32Array = new Float32Array(0);
    tf.tidy(() => {
      const v = tf.matMul(a, b.t).dataSync();
      x = v instanceof Float32Array ? v : Float32Array.from(v);
    });
    return x;
  };
  const lists = (nq: number, width: number, slackOf: (q: number) => number): FloatCandidates => {
    const slack = new Float64Array(nq);
    for (let q = 0; q < nq; q++) slack[q] = slackOf(q);
    return {
      width,
      index: new Int32Array(nq * width).fill(-1),
      distance: new Float64Array(nq * width).fill(Infinity),
      slack,
    };
  };

  try {
    for (let j0 = 0; j0 < rows; j0 += block) {
      const j1 = Math.min(rows, j0 + block);
      const m = j1 - j0;
      // Candidates embedded as [z, onehot, 1, N], transposed: column j is row j0 + j.
      const buf = new Float32Array(w * m);
      for (let j = 0; j < m; j++) {
        const r = j0 + j;
        for (let f = 0; f < dims; f++) buf[f * m + j] = e.z[r * dims + f];
        for (let c = 0; c < cats; c++) buf[(dims + e.slots![r * cats + c]) * m + j] = 1;
        buf[(w - 2) * m + j] = 1;
        buf[(w - 1) * m + j] = e.norms[r];
      }
      blocks.push({ j0, j1, t: tf.tensor2d(buf, [w, m]) });
    }
  } catch (err) {
    release();
    throw err;
  }

  return {
    width: w,
    dispose: release,

    all(width, onBlock) {
      const c = lists(rows, width, (q) => 2 * errorBound(e, q));
      const { index, distance } = c;
      const total = (blocks.length * (blocks.length + 1)) / 2;
      const worstJ = new Float64Array(block);
      let done = 0;
      for (let bi = 0; bi < blocks.length; bi++) {
        const { j0: i0, j1: i1 } = blocks[bi];
        const a = left((q) => i0 + q, i1 - i0);
        try {
          for (let bj = bi; bj < blocks.length; bj++) {
            const { j0, j1 } = blocks[bj];
            const x = product(a, blocks[bj]);
            scanPair(x, distance, index, width, i0, i1, j0, j1, bi === bj, worstJ);
            onBlock(++done, total);
          }
        } finally {
          a.dispose();
        }
      }
      return c;
    },

    some(queries, width, onBlock) {
      const nq = queries.length;
      const c = lists(nq, width, (q) => 2 * errorBound(e, queries[q]));
      const { index, distance } = c;
      const total = Math.ceil(nq / block) * blocks.length;
      let done = 0;
      for (let q0 = 0; q0 < nq; q0 += block) {
        const q1 = Math.min(nq, q0 + block);
        const a = left((q) => queries[q0 + q], q1 - q0);
        try {
          for (const b of blocks) {
            const x = product(a, b);
            scanRows(x, distance, index, width, queries, q0, q1, b.j0, b.j1);
            onBlock(++done, total);
          }
        } finally {
          a.dispose();
        }
      }
      return c;
    },
  };
}
