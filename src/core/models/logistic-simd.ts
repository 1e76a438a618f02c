// The two matrix products of logistic regression's float64 objective as a tiny WebAssembly SIMD
// module (f64x2), for ./logistic-loss.ts: Z = X·Θ (the logits) and G = Rᵀ·X (the gradient from
// the per-row residuals R). V8 runs plain TypeScript loops one double at a time; these run two
// at a time without bounds checks: on 80k × 30 the two products take ~1.5 ms instead of ~4.5, and
// an evaluation ~4.5 ms instead of ~7 (the rest is exp and log1p per row, which stay in JS).
// X is stored as float32 (exactly the model's matrix) and widened to float64 as it is read, so the
// results are the plain-TypeScript ones up to the order of the float64 additions. The module is
// assembled here from its bytes (391, listed opcode by opcode below): no file to fetch, no
// build step, the same in Node, pages and workers (the assembler helpers are ../math/wasm-asm.ts,
// shared with the neighbour search). Where WebAssembly SIMD is missing,
// `simdKernel()` returns null and the caller keeps the TypeScript loops.

import {
  bump,
  compileModule,
  get,
  HEADER,
  I32,
  i32,
  mem,
  OP,
  section,
  set,
  simd,
  SIMD,
  str,
  uleb,
  V128,
} from '../math/wasm-asm';

// Both functions take (x, rows, cols2, a, k, b) with byte addresses x (float32 rows of cols2
// values, cols2 even), a and b (float64). Locals after the 6 parameters: seven i32 (6..12), then
// two v128 (13, 14).
const [X, ROWS, COLS2, A, K, B] = [0, 1, 2, 3, 4, 5];
const [XROW, XEND, XP, P, Q, SPARE1, SPARE2, VEC1, VEC2] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
const LOCALS = [...uleb(2), ...[...uleb(7), I32], ...[...uleb(2), V128]];

/**
 * forward: b[i·k + q] = Σ_j x[i, j] · a[q·cols2 + j] — the logits, Θ stored transposed (k rows of
 * cols2) so both operands are contiguous.
 */
function forwardBody(): number[] {
  const xrow = XROW;
  const xend = XEND;
  const xp = XP;
  const tp = P; // walks a (Θᵀ)
  const q = Q;
  const out = SPARE1; // address in b
  const acc = VEC1;
  const rowBytes = [...get(COLS2), ...i32(2), OP.i32Shl];
  return [
    ...get(X),
    ...set(xrow),
    ...get(B),
    ...set(out),
    OP.block,
    0x40,
    ...get(ROWS),
    OP.i32Eqz,
    OP.brIf,
    0,
    OP.loop,
    0x40, // rows
    ...get(xrow),
    ...rowBytes,
    OP.i32Add,
    ...set(xend),
    ...get(A),
    ...set(tp),
    ...i32(0),
    ...set(q),
    OP.loop,
    0x40, // classes
    ...simd(SIMD.v128Const, ...new Array<number>(16).fill(0)),
    ...set(acc),
    ...get(xrow),
    ...set(xp),
    OP.loop,
    0x40, // columns, two at a time
    ...get(acc),
    ...get(xp),
    ...simd(SIMD.v128Load64Zero, ...mem(2)),
    ...simd(SIMD.f64x2PromoteLowF32x4),
    ...get(tp),
    ...simd(SIMD.v128Load, ...mem(3)),
    ...simd(SIMD.f64x2Mul),
    ...simd(SIMD.f64x2Add),
    ...set(acc),
    ...bump(tp, i32(16)),
    ...get(xp),
    ...i32(8),
    OP.i32Add,
    OP.localTee,
    xp,
    ...get(xend),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
    ...get(out),
    ...get(acc),
    ...simd(SIMD.f64x2ExtractLane, 0),
    ...get(acc),
    ...simd(SIMD.f64x2ExtractLane, 1),
    OP.f64Add,
    OP.f64Store,
    ...mem(3),
    ...bump(out, i32(8)),
    ...get(q),
    ...i32(1),
    OP.i32Add,
    OP.localTee,
    q,
    ...get(K),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
    ...get(xend),
    ...set(xrow),
    ...get(ROWS),
    ...i32(1),
    OP.i32Sub,
    OP.localTee,
    ROWS,
    OP.brIf,
    0,
    OP.end,
    OP.end,
    OP.end,
  ];
}

/**
 * backward: b[q·cols2 + j] += Σ_i a[i·k + q] · x[i, j] — the gradient (stored like Θᵀ) from the
 * residuals a. The caller zeroes b first.
 */
function backwardBody(): number[] {
  const xrow = XROW;
  const xend = XEND;
  const xp = XP;
  const gp = P; // walks b
  const q = Q;
  const rp = SPARE1; // address in a
  const gq = SPARE2; // start of class q's gradient
  const s = VEC2; // the residual, in both lanes
  const rowBytes = [...get(COLS2), ...i32(2), OP.i32Shl];
  const classBytes = [...get(COLS2), ...i32(3), OP.i32Shl];
  return [
    ...get(X),
    ...set(xrow),
    ...get(A),
    ...set(rp),
    OP.block,
    0x40,
    ...get(ROWS),
    OP.i32Eqz,
    OP.brIf,
    0,
    OP.loop,
    0x40, // rows
    ...get(xrow),
    ...rowBytes,
    OP.i32Add,
    ...set(xend),
    ...get(B),
    ...set(gq),
    ...i32(0),
    ...set(q),
    OP.loop,
    0x40, // classes
    ...get(rp),
    OP.f64Load,
    ...mem(3),
    ...simd(SIMD.f64x2Splat),
    ...set(s),
    ...get(xrow),
    ...set(xp),
    ...get(gq),
    ...set(gp),
    OP.loop,
    0x40, // columns, two at a time
    ...get(gp),
    ...get(gp),
    ...simd(SIMD.v128Load, ...mem(3)),
    ...get(s),
    ...get(xp),
    ...simd(SIMD.v128Load64Zero, ...mem(2)),
    ...simd(SIMD.f64x2PromoteLowF32x4),
    ...simd(SIMD.f64x2Mul),
    ...simd(SIMD.f64x2Add),
    ...simd(SIMD.v128Store, ...mem(3)),
    ...bump(gp, i32(16)),
    ...get(xp),
    ...i32(8),
    OP.i32Add,
    OP.localTee,
    xp,
    ...get(xend),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
    ...bump(rp, i32(8)),
    ...get(gq),
    ...classBytes,
    OP.i32Add,
    ...set(gq),
    ...get(q),
    ...i32(1),
    OP.i32Add,
    OP.localTee,
    q,
    ...get(K),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
    ...get(xend),
    ...set(xrow),
    ...get(ROWS),
    ...i32(1),
    OP.i32Sub,
    OP.localTee,
    ROWS,
    OP.brIf,
    0,
    OP.end,
    OP.end,
    OP.end,
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const sig = [0x60, ...uleb(6), I32, I32, I32, I32, I32, I32, 0x00]; // (i32 × 6) -> ()
  const fn = (body: number[]) => {
    const full = [...LOCALS, ...body];
    return [...uleb(full.length), ...full];
  };
  const fwd = forwardBody();
  const bwd = backwardBody();
  return Uint8Array.from([
    ...HEADER,
    ...section(1, [...uleb(1), ...sig]),
    ...section(2, [...uleb(1), ...str('m'), ...str('memory'), 0x02, 0x00, ...uleb(1)]),
    ...section(3, [...uleb(2), 0x00, 0x00]),
    ...section(7, [...uleb(2), ...str('forward'), 0x00, 0x00, ...str('backward'), 0x00, 0x01]),
    ...section(10, [...uleb(2), ...fn(fwd), ...fn(bwd)]),
  ]);
}

/** The compiled module, or null where WebAssembly or its SIMD is missing. */
let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileModule(moduleBytes());
  return compiled;
}

export interface SimdKernel {
  /** Θ as given to the objective: kernel (cols × k, row-major) then bias (k). Sets the logits. */
  forward(theta: Float64Array): Float64Array;
  /** Gradient of Σ (residual · logit): writes kernel (cols × k) and bias (k) parts into g. */
  backward(g: Float64Array): void;
  /**
   * rows × k, row-major: the logits after forward(); the caller overwrites them with the
   * residuals before backward().
   */
  readonly z: Float64Array;
  /** The fit is over: the memory may serve the next one (the kernel must not be used after). */
  release(): void;
}

interface Instance {
  memory: WebAssembly.Memory;
  exports: { forward: Kernel; backward: Kernel };
}

/**
 * One released instance is kept for the next fit (cross-validation fits one model per fold):
 * allocating and dropping a fresh memory of X's size per fit makes V8 run full garbage collections
 * for the external memory. Only memories up to SPARE_LIMIT are kept, so a large fit does not pin
 * its copy of X for the life of the worker; a kernel in use is never the spare, so fits that
 * interleave (async) never share one.
 */
const SPARE_LIMIT = 48 * 2 ** 20;
let spare: Instance | null = null;

function takeInstance(module: WebAssembly.Module, bytes: number): Instance | null {
  if (spare && spare.memory.buffer.byteLength >= bytes) {
    const kept = spare;
    spare = null;
    return kept;
  }
  try {
    // Out of memory here (a RangeError) leaves the TypeScript loops, which need no copy of X.
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new WebAssembly.Instance(module, { m: { memory } });
    return { memory, exports: instance.exports as unknown as Instance['exports'] };
  } catch {
    return null;
  }
}

function keepInstance(instance: Instance): void {
  const size = instance.memory.buffer.byteLength;
  if (size > SPARE_LIMIT) return;
  if (!spare || spare.memory.buffer.byteLength < size) spare = instance;
}

/**
 * The SIMD products over X (rows × cols float32, row-major) for k outputs, or null where WebAssembly
 * SIMD is not available (the caller then computes them itself).
 */
export function simdKernel(
  X: Float32Array,
  rows: number,
  cols: number,
  k: number,
): SimdKernel | null {
  const module = compiledModule();
  if (!module || rows === 0) return null;
  const cols2 = cols + (cols & 1);
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const xBytes = align(rows * cols2 * 4);
  const tBytes = align(k * cols2 * 8);
  const zBytes = align(rows * k * 8);
  const total = xBytes + 2 * tBytes + zBytes;
  if (total > 2 ** 31) return null; // beyond what an i32 address reaches
  const instance = takeInstance(module, total);
  if (!instance) return null;
  const { memory, exports } = instance;
  const buffer = memory.buffer;
  const x = new Float32Array(buffer, 0, rows * cols2);
  if (cols2 === cols) x.set(X);
  else {
    // The padding column is 0 in X and in Θᵀ (a reused memory holds the last fit's values).
    for (let i = 0; i < rows; i++) {
      x.set(X.subarray(i * cols, (i + 1) * cols), i * cols2);
      x[i * cols2 + cols] = 0;
    }
  }
  const tAt = xBytes;
  const gAt = xBytes + tBytes;
  const zAt = xBytes + 2 * tBytes;
  const thetaT = new Float64Array(buffer, tAt, k * cols2);
  thetaT.fill(0);
  const grad = new Float64Array(buffer, gAt, k * cols2);
  const z = new Float64Array(buffer, zAt, rows * k);
  const nk = cols * k;
  let released = false;
  return {
    z,
    release() {
      if (released) return;
      released = true;
      keepInstance(instance);
    },
    forward(theta) {
      for (let q = 0; q < k; q++) {
        for (let j = 0; j < cols; j++) thetaT[q * cols2 + j] = theta[j * k + q];
      }
      exports.forward(0, rows, cols2, tAt, k, zAt);
      for (let i = 0, o = 0; i < rows; i++) {
        for (let q = 0; q < k; q++, o++) z[o] += theta[nk + q];
      }
      return z;
    },
    backward(g) {
      grad.fill(0);
      exports.backward(0, rows, cols2, zAt, k, gAt);
      for (let q = 0; q < k; q++) {
        for (let j = 0; j < cols; j++) g[j * k + q] = grad[q * cols2 + j];
        let s = 0;
        for (let i = q; i < rows * k; i += k) s += z[i];
        g[nk + q] = s;
      }
    },
  };
}

type Kernel = (x: number, rows: number, cols2: number, a: number, k: number, b: number) => void;
