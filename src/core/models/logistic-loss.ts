// Logistic regression's L-BFGS objective in float64 plain TypeScript, for the backends that compute
// on the CPU anyway (wasm, cpu): ½‖K‖²/C + Σ_i w_i · logloss_i and its gradient in ONE pass over the
// rows per evaluation (the logits of a row, then its gradient contribution while the row is still
// in cache), with no tensors, no uploads and no float32 rounding. Float32 sums carry ~1e-7 relative
// noise in a loss of ~10⁴, which hides the last digits L-BFGS's line search and scipy's
// relative-reduction stop (ftol 2.2e-9) need; in float64 the loss resolves them, so a fit stops
// where scikit-learn's does instead of failing line searches in the noise. The features stay the
// float32 matrix the model is given (each value widens to a double as it is read: no copy).
import type { Evaluation } from './lbfgs';
import { simdKernel, type SimdKernel } from './logistic-simd';

export interface LogisticProblem {
  /** rows × cols, row-major. */
  X: Float32Array;
  rows: number;
  cols: number;
  /** Class indices 0..classes-1. */
  y: Int32Array;
  /** Per-row loss weights (sample × class weights). */
  weights: Float32Array;
  /** 2: one sigmoid unit; 3+: softmax over `classes` units. */
  classes: number;
  /** Inverse L2 strength: the penalty is ½‖kernel‖²/C (the bias is not penalised). */
  C: number;
}

/**
 * Loss and gradient at theta = [kernel (cols × units, row-major), bias (units)], units = 1 for two
 * classes, else `classes`. The returned gradient is a fresh array.
 */
export function logisticObjective(
  p: LogisticProblem,
  options: { simd?: boolean } = {},
): LogisticObjective {
  const kernel =
    options.simd === false
      ? null
      : simdKernel(p.X, p.rows, p.cols, p.classes === 2 ? 1 : p.classes);
  if (kernel) {
    const evaluate = p.classes === 2 ? binarySimd(p, kernel) : multinomialSimd(p, kernel);
    return Object.assign(evaluate, { release: () => kernel.release() });
  }
  return Object.assign(p.classes === 2 ? binary(p) : multinomial(p), { release() {} });
}

/** Loss and gradient at theta; release() when the fit is over (frees the SIMD memory for reuse). */
export type LogisticObjective = ((theta: Float64Array) => Evaluation) & { release(): void };

/** ½‖kernel‖²/C into f and g (the bias, the last `units` entries, is not penalised). */
function addPenalty(theta: Float64Array, g: Float64Array, nk: number, C: number): number {
  let norm = 0;
  for (let j = 0; j < nk; j++) {
    norm += theta[j] * theta[j];
    g[j] += theta[j] / C;
  }
  return (0.5 * norm) / C;
}

/** Binary with the SIMD products: logits, then loss and residual per row, then the gradient. */
function binarySimd({ rows, cols, y, weights, C }: LogisticProblem, kernel: SimdKernel) {
  return (theta: Float64Array): Evaluation => {
    const z = kernel.forward(theta);
    let f = 0;
    for (let i = 0; i < rows; i++) {
      const wi = weights[i];
      const zi = z[i];
      let loss: number;
      let prob: number;
      if (zi > 0) {
        const e = Math.exp(-zi);
        loss = zi + Math.log1p(e);
        prob = 1 / (1 + e);
      } else {
        const e = Math.exp(zi);
        loss = Math.log1p(e);
        prob = e / (1 + e);
      }
      const yi = y[i];
      if (yi === 1) loss -= zi;
      // A weight of 0 contributes nothing (and no 0 × Infinity).
      f += wi === 0 ? 0 : wi * loss;
      z[i] = wi * (prob - yi);
    }
    const g = new Float64Array(cols + 1);
    kernel.backward(g);
    return { f: f + addPenalty(theta, g, cols, C), g };
  };
}

/** Multinomial with the SIMD products. */
function multinomialSimd(
  { rows, cols, y, weights, classes: k, C }: LogisticProblem,
  kernel: SimdKernel,
) {
  const nk = cols * k;
  return (theta: Float64Array): Evaluation => {
    const z = kernel.forward(theta);
    let f = 0;
    for (let i = 0, o = 0; i < rows; i++, o += k) {
      const wi = weights[i];
      const yi = y[i];
      let max = z[o];
      for (let q = 1; q < k; q++) if (z[o + q] > max) max = z[o + q];
      const zy = z[o + yi] - max;
      let sum = 0;
      for (let q = 0; q < k; q++) {
        const e = Math.exp(z[o + q] - max);
        z[o + q] = e;
        sum += e;
      }
      f += wi === 0 ? 0 : wi * (Math.log(sum) - zy);
      for (let q = 0; q < k; q++) z[o + q] = (wi * z[o + q]) / sum;
      z[o + yi] -= wi;
    }
    const g = new Float64Array(nk + k);
    kernel.backward(g);
    return { f: f + addPenalty(theta, g, nk, C), g };
  };
}

/**
 * Binary: four rows at a time, so each kernel weight and each gradient entry is loaded once per
 * four rows and the four logits accumulate in independent chains (about twice as fast as a row at
 * a time in V8, which does not vectorise).
 */
function binary({ X, rows, cols, y, weights, C }: LogisticProblem) {
  // The residual w_i (σ(z) − y_i) of the last row passed to rowLoss.
  let residual = 0;
  /** w_i × (softplus(z) − y·z), without overflow on either side; sets `residual`. */
  const rowLoss = (z: number, yi: number, wi: number): number => {
    let loss: number;
    let prob: number;
    if (z > 0) {
      const e = Math.exp(-z);
      loss = z + Math.log1p(e);
      prob = 1 / (1 + e);
    } else {
      const e = Math.exp(z);
      loss = Math.log1p(e);
      prob = e / (1 + e);
    }
    if (yi === 1) loss -= z;
    residual = wi * (prob - yi);
    return wi * loss;
  };
  return (theta: Float64Array): Evaluation => {
    const g = new Float64Array(cols + 1);
    const bias = theta[cols];
    let f = 0;
    let gb = 0;
    let i = 0;
    for (; i + 3 < rows; i += 4) {
      const o0 = i * cols;
      const o1 = o0 + cols;
      const o2 = o1 + cols;
      const o3 = o2 + cols;
      let z0 = bias;
      let z1 = bias;
      let z2 = bias;
      let z3 = bias;
      for (let j = 0; j < cols; j++) {
        const t = theta[j];
        z0 += X[o0 + j] * t;
        z1 += X[o1 + j] * t;
        z2 += X[o2 + j] * t;
        z3 += X[o3 + j] * t;
      }
      f += rowLoss(z0, y[i], weights[i]);
      const r0 = residual;
      f += rowLoss(z1, y[i + 1], weights[i + 1]);
      const r1 = residual;
      f += rowLoss(z2, y[i + 2], weights[i + 2]);
      const r2 = residual;
      f += rowLoss(z3, y[i + 3], weights[i + 3]);
      const r3 = residual;
      gb += r0 + r1 + r2 + r3;
      for (let j = 0; j < cols; j++) {
        g[j] += r0 * X[o0 + j] + r1 * X[o1 + j] + r2 * X[o2 + j] + r3 * X[o3 + j];
      }
    }
    for (; i < rows; i++) {
      const o = i * cols;
      let z = bias;
      for (let j = 0; j < cols; j++) z += X[o + j] * theta[j];
      f += rowLoss(z, y[i], weights[i]);
      const r = residual;
      gb += r;
      for (let j = 0; j < cols; j++) g[j] += r * X[o + j];
    }
    g[cols] = gb;
    return { f: f + addPenalty(theta, g, cols, C), g };
  };
}

function multinomial({ X, rows, cols, y, weights, classes: k, C }: LogisticProblem) {
  const nk = cols * k;
  const z = new Float64Array(k);
  return (theta: Float64Array): Evaluation => {
    const g = new Float64Array(nk + k);
    let f = 0;
    for (let i = 0, o = 0; i < rows; i++, o += cols) {
      const wi = weights[i];
      if (wi === 0) continue;
      for (let q = 0; q < k; q++) z[q] = theta[nk + q];
      for (let j = 0, jk = 0; j < cols; j++, jk += k) {
        const x = X[o + j];
        for (let q = 0; q < k; q++) z[q] += x * theta[jk + q];
      }
      let max = z[0];
      for (let q = 1; q < k; q++) if (z[q] > max) max = z[q];
      const yi = y[i];
      const zy = z[yi] - max;
      let sum = 0;
      for (let q = 0; q < k; q++) {
        z[q] = Math.exp(z[q] - max);
        sum += z[q];
      }
      // logsumexp(z) − z_y, both shifted by max.
      f += wi * (Math.log(sum) - zy);
      // z becomes the residual w_i (p − onehot(y)).
      for (let q = 0; q < k; q++) z[q] = (wi * z[q]) / sum;
      z[yi] -= wi;
      for (let q = 0; q < k; q++) g[nk + q] += z[q];
      for (let j = 0, jk = 0; j < cols; j++, jk += k) {
        const x = X[o + j];
        for (let q = 0; q < k; q++) g[jk + q] += z[q] * x;
      }
    }
    return { f: f + addPenalty(theta, g, nk, C), g };
  };
}
