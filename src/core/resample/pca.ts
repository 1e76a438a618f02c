// The first two principal components of a set of rows, for the 2-D view of original and synthetic
// rows (issue 4). As scikit-learn's PCA: the features are centred, NOT standardised (they are the
// features as the recipe prepared them, which is what the samplers measure distances on; when the
// recipe scales, they are already scaled), and the explained variance uses n − 1.
// The covariance matrix (dims × dims) is formed in one pass over the rows; its top eigenvectors come
// from block power iteration (orthogonal / subspace iteration on up to 8 vectors, with a
// Rayleigh–Ritz step each round, so components 1 and 2 converge at the rate of λ9 / λ2 rather than
// λ2 / λ1 as with plain power iteration and deflation). Small dense eigenproblems use Jacobi sweeps.
// Deterministic: fixed start vectors from the seeded RNG; each component's sign is chosen so its
// largest loading is positive (scikit-learn fixes signs another way: compare up to sign).
import { BenchtopError } from '../errors';
import { createRng } from '../rng';
import { columnMeans } from './centre';
import { cancelledResample } from './neighbours';
import { symmetricEigen } from '../math/symmetric-eigen';

export { symmetricEigen };

export interface Pca2 {
  dims: number;
  /** Column means of the rows fitted on. */
  mean: Float64Array;
  /** 2 × dims, row-major: unit vectors, the first the direction of largest variance. */
  components: Float64Array;
  /** Variance along each component (n − 1 denominator), as scikit-learn's explained_variance_. */
  variance: [number, number];
  /** Share of the total variance along each component (explained_variance_ratio_). */
  ratio: [number, number];
  /** Rows fitted on. */
  rows: number;
  /** Block power iterations run (1 when dims ≤ the block size: the answer is exact at once). */
  iterations: number;
}

export interface PcaHooks {
  /** Checked every few thousand rows; true stops with a 'cancelled' BenchtopError. */
  isCancelled?(): boolean;
}

/** Vectors iterated together: enough that λ(BLOCK + 1) / λ2 makes convergence quick. */
const BLOCK = 8;
const MAX_ITERATIONS = 1000;
/** A Ritz pair has converged when ‖C·v − λ·v‖ ≤ TOLERANCE · λ1. */
const TOLERANCE = 1e-11;

/** Covariance (n − 1) of the rows of a row-major matrix, full symmetric, and the column means. */
export function covariance(
  values: Float64Array,
  rows: number,
  dims: number,
  hooks: PcaHooks = {},
): { mean: Float64Array; cov: Float64Array } {
  const mean = columnMeans(values, rows, dims);
  const cov = new Float64Array(dims * dims);
  const z = new Float64Array(dims);
  for (let r = 0, o = 0; r < rows; r++, o += dims) {
    if ((r & 4095) === 4095 && hooks.isCancelled?.()) throw cancelledResample();
    for (let f = 0; f < dims; f++) z[f] = values[o + f] - mean[f];
    accumulateUpper(cov, z, dims);
  }
  const denominator = Math.max(1, rows - 1);
  for (let i = 0; i < dims; i++) {
    for (let j = i; j < dims; j++) {
      const v = cov[i * dims + j] / denominator;
      cov[i * dims + j] = v;
      cov[j * dims + i] = v;
    }
  }
  return { mean, cov };
}

/** cov[i][j] += z_i z_j for j ≥ i; the loop alone, for V8. */
function accumulateUpper(cov: Float64Array, z: Float64Array, dims: number): void {
  for (let i = 0; i < dims; i++) {
    const zi = z[i];
    if (zi === 0) continue;
    const base = i * dims;
    for (let j = i; j < dims; j++) cov[base + j] += zi * z[j];
  }
}

/** out (p vectors of length d, vector-major) = C · q. */
function multiply(
  cov: Float64Array,
  q: Float64Array,
  d: number,
  p: number,
  out: Float64Array,
): void {
  for (let k = 0; k < p; k++) {
    const qo = k * d;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += cov[row + j] * q[qo + j];
      out[qo + i] = s;
    }
  }
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/**
 * Orthonormalises the p vectors of `q` in place (modified Gram–Schmidt, twice). A vector that
 * vanishes (C has lower rank than the block) is replaced by a fresh random one, so the block stays
 * a basis.
 */
function orthonormalise(q: Float64Array, d: number, p: number, rng: () => number): void {
  for (let k = 0; k < p; k++) {
    const ko = k * d;
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(dot(q, ko, q, ko, d));
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < k; j++) {
          const jo = j * d;
          const c = dot(q, ko, q, jo, d);
          for (let i = 0; i < d; i++) q[ko + i] -= c * q[jo + i];
        }
      }
      const norm = Math.sqrt(dot(q, ko, q, ko, d));
      if (norm > 1e-10 * before && norm > 0) {
        for (let i = 0; i < d; i++) q[ko + i] /= norm;
        break;
      }
      if (attempt > 10) {
        throw new BenchtopError(
          'internal',
          'Could not complete an orthonormal basis for the components.',
        );
      }
      for (let i = 0; i < d; i++) q[ko + i] = rng() - 0.5;
    }
  }
}

/** The largest loading of each component positive (the first on ties): a fixed, readable sign. */
function fixSign(components: Float64Array, d: number): void {
  for (let c = 0; c < 2; c++) {
    let best = 0;
    for (let i = 1; i < d; i++) {
      if (Math.abs(components[c * d + i]) > Math.abs(components[c * d + best]) + 1e-12) best = i;
    }
    if (components[c * d + best] < 0) for (let i = 0; i < d; i++) components[c * d + i] *= -1;
  }
}

/** The top two eigenpairs of a covariance matrix by block power iteration with Rayleigh–Ritz. */
export function topTwo(
  cov: Float64Array,
  d: number,
): { values: [number, number]; vectors: Float64Array; iterations: number } {
  const p = Math.min(d, BLOCK);
  const rng = createRng(0x5eed);
  let q = new Float64Array(p * d);
  for (let i = 0; i < q.length; i++) q[i] = rng() - 0.5;
  let z = new Float64Array(p * d);
  const t = new Float64Array(p * p);
  const values: [number, number] = [0, 0];
  let vectors = new Float64Array(2 * d);
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS;) {
    iterations++;
    orthonormalise(q, d, p, rng);
    multiply(cov, q, d, p, z);
    // Rayleigh–Ritz: the best approximations within span(q), ordered by eigenvalue.
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        const s = dot(q, a * d, z, b * d, d);
        t[a * p + b] = s;
        t[b * p + a] = s;
      }
    }
    const eig = symmetricEigen(t, p);
    const nq = new Float64Array(p * d);
    const nz = new Float64Array(p * d);
    for (let k = 0; k < p; k++) {
      for (let j = 0; j < p; j++) {
        const w = eig.vectors[j * p + k];
        if (w === 0) continue;
        for (let i = 0; i < d; i++) {
          nq[k * d + i] += w * q[j * d + i];
          nz[k * d + i] += w * z[j * d + i];
        }
      }
    }
    q = nq;
    z = nz;
    const lambda1 = Math.max(Math.abs(eig.values[0]), Number.MIN_VALUE);
    let converged = true;
    for (let k = 0; k < Math.min(2, p); k++) {
      let r = 0;
      for (let i = 0; i < d; i++) r += (z[k * d + i] - eig.values[k] * q[k * d + i]) ** 2;
      if (Math.sqrt(r) > TOLERANCE * lambda1) converged = false;
    }
    values[0] = eig.values[0];
    values[1] = p > 1 ? eig.values[1] : 0;
    vectors = q.slice(0, Math.min(2, p) * d);
    if (converged) break;
    // Next round: C·q is z, already computed.
    q = z;
    z = new Float64Array(p * d);
  }
  return { values, vectors, iterations };
}

/**
 * Fits the first two principal components on `rows` complete rows of a row-major matrix (rows ×
 * dims, dims ≥ 2). Constant data has no direction of variance: the components are then the first
 * two axes, with zero variance.
 */
export function fitPca2(
  values: Float64Array,
  rows: number,
  dims: number,
  hooks: PcaHooks = {},
): Pca2 {
  if (dims < 2) {
    throw new BenchtopError(
      'invalid-argument',
      `Two principal components need at least two numeric features; there ${dims === 1 ? 'is one' : 'are none'}.`,
    );
  }
  if (rows < 1) throw new BenchtopError('no-rows', 'There are no rows to find components in.');
  for (let i = 0; i < rows * dims; i++) {
    if (!Number.isFinite(values[i])) {
      throw new BenchtopError(
        'invalid-argument',
        `Principal components need complete rows: row ${Math.floor(i / dims) + 1} has a missing or infinite value.`,
      );
    }
  }
  const { mean, cov } = covariance(values, rows, dims, hooks);
  let total = 0;
  for (let i = 0; i < dims; i++) total += cov[i * dims + i];
  const components = new Float64Array(2 * dims);
  if (!(total > 0)) {
    components[0] = 1;
    components[dims + 1] = 1;
    return { dims, mean, components, variance: [0, 0], ratio: [0, 0], rows, iterations: 0 };
  }
  const top = topTwo(cov, dims);
  components.set(top.vectors);
  fixSign(components, dims);
  const variance: [number, number] = [Math.max(0, top.values[0]), Math.max(0, top.values[1])];
  return {
    dims,
    mean,
    components,
    variance,
    ratio: [variance[0] / total, variance[1] / total],
    rows,
    iterations: top.iterations,
  };
}

/** Coordinates of rows (row-major, pca.dims wide) on the two components: (v − mean) · component. */
export function projectPca2(
  pca: Pca2,
  values: Float64Array,
  rows: number,
): { x: Float64Array; y: Float64Array } {
  const d = pca.dims;
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  const { mean, components } = pca;
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    let a = 0;
    let b = 0;
    for (let f = 0; f < d; f++) {
      const v = values[o + f] - mean[f];
      a += v * components[f];
      b += v * components[d + f];
    }
    x[r] = a;
    y[r] = b;
  }
  return { x, y };
}
