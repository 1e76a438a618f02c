// Small dense symmetric solvers in float64 for the closed-form linear models: Cholesky for the
// well-posed case, and a Jacobi eigendecomposition for the pseudo-inverse when the Gram matrix is
// singular (collinear features, e.g. every one-hot column of a category next to the intercept),
// which gives the minimum-norm least-squares solution scikit-learn's LinearRegression returns.
import { symmetricEigen } from '../math/symmetric-eigen';

/**
 * The lower Cholesky factor L (A = L Lᵀ, row-major n × n) of a symmetric positive definite A, or
 * null when a pivot is not above `tiny` (A is not SPD, numerically). Also used by the uint8
 * calibration (src/core/compress/calibrate.ts) for the inverse of XᵀX.
 */
export function choleskyLower(A: Float64Array, n: number, tiny = 0): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > tiny)) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solves A x = b for symmetric positive definite A (n × n row-major); null if A is not SPD. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, A[i * n + i]);
  // A pivot this small relative to the largest diagonal means (numerically) dependent columns.
  const L = choleskyLower(A, n, maxDiag * n * 1e-13);
  if (!L) return null;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/**
 * Minimum-norm solution of A x = b for symmetric positive semi-definite A: directions whose
 * eigenvalue is below rcond × the largest are dropped. Returns the solution and how many were.
 */
export function pseudoSolve(
  A: Float64Array,
  b: Float64Array,
  n: number,
  rcond = 1e-10,
): { x: Float64Array; dropped: number } {
  const { values, vectors: V } = symmetricEigen(A, n);
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  const x = new Float64Array(n);
  let dropped = 0;
  for (let k = 0; k < n; k++) {
    if (!(values[k] > rcond * max)) {
      dropped++;
      continue;
    }
    let proj = 0;
    for (let i = 0; i < n; i++) proj += V[i * n + k] * b[i];
    const c = proj / values[k];
    for (let i = 0; i < n; i++) x[i] += c * V[i * n + k];
  }
  return { x, dropped };
}
