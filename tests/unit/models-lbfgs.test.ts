// The numerical pieces under the models, on problems with known answers: L-BFGS on Rosenbrock's
// function (minimum (1, 1)), on a quadratic whose loss is rounded to float32 (the situation of a
// tfjs objective near its optimum, which the approximate-Wolfe line search exists for), and its
// stop reasons; the float64 solvers the linear model uses (Cholesky, Jacobi eigen, pseudo-inverse).
import { describe, expect, it } from 'vitest';
import { lbfgs, type Objective } from '../../src/core/models/lbfgs';
import { choleskySolve, pseudoSolve } from '../../src/core/models/linalg';
import { symmetricEigen } from '../../src/core/math/symmetric-eigen';
import { createRng } from '../../src/core/rng';

const rosenbrock: Objective = async (x) => {
  const [a, b] = x;
  return {
    f: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    g: Float64Array.of(-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)),
  };
};

/** ½ xᵀAx − bᵀx with an ill-conditioned diagonal-plus-coupling A; minimiser A⁻¹b. */
function quadratic(n: number, float32: boolean, gradFloor = 0) {
  const rng = createRng(11);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    A[i * n + i] = 10 ** (-2 + (4 * i) / (n - 1)); // eigenvalues spread over 1e-2 … 1e2
    if (i > 0) A[i * n + i - 1] = A[(i - 1) * n + i] = 0.001;
  }
  const b = Float64Array.from({ length: n }, () => rng() - 0.5);
  const objective: Objective = async (x) => {
    const Ax = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Ax[i] += A[i * n + j] * x[j];
    let f = 0;
    for (let i = 0; i < n; i++) f += 0.5 * x[i] * Ax[i] - b[i] * x[i];
    const g = Float64Array.from(Ax, (v, i) => v - b[i]);
    // As a float32 sum of many positive rows (log-losses, here an offset of 1000): the loss
    // carries rounding noise of ~1e-7 of its size (a jitter that depends on x, from a hash of x),
    // so it stops resolving changes near the optimum; the gradient keeps float32 precision.
    if (!float32) return { f, g };
    let h = 0;
    for (let i = 0; i < n; i++) h = (h * 31 + Math.round(x[i] * 1e9)) | 0;
    const jitter = (((h >>> 0) % 2001) - 1000) / 1000;
    // gradFloor: a float32 sum's gradient also has an absolute noise floor (rounding of its
    // largest terms), below which it cannot get smaller.
    const gNoisy = g.map((v, i) => Math.fround(v + gradFloor * Math.sin(h + i)));
    return { f: 1000 + f + 1000 * 1e-7 * jitter, g: gNoisy };
  };
  return { A, b, objective, exact: choleskySolve(A, b, n)! };
}

describe('lbfgs', () => {
  it("minimises Rosenbrock's function from (-1.2, 1)", async () => {
    const r = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 500, gtol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.reason).toMatch(/gradient below tol/);
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    expect(r.iterations).toBeLessThan(100);
  });

  it('reaches a small gradient even when the loss is rounded to float32', async () => {
    const q = quadratic(12, true);
    const r = await lbfgs(q.objective, new Float64Array(12), { maxIter: 500, gtol: 1e-6 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 12; i++) expect(Math.abs(r.x[i] - q.exact[i])).toBeLessThan(1e-3);
  });

  it('without the approximate-Wolfe allowance the rounded loss stalls the search early', async () => {
    // The same problem with noise: 0 shows why the allowance exists (and that the test above
    // depends on it): the plain Wolfe search gives up far from the tolerance.
    const q = quadratic(12, true);
    const r = await lbfgs(q.objective, new Float64Array(12), {
      maxIter: 500,
      gtol: 1e-6,
      noise: 0,
    });
    expect(r.converged).toBe(false);
    expect(r.reason).toMatch(/line search found no lower loss/);
  });

  it('ends as converged within the loss’s precision when the rounding hides any progress', async () => {
    // The float32 situation of the tfjs engine: once the predicted decrease of a step is below the
    // loss's own rounding, a failed search ends the run (no restart, no second failed search).
    const q = quadratic(12, true, 1e-6);
    const r = await lbfgs(q.objective, new Float64Array(12), { maxIter: 500, gtol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.reason).toMatch(/^converged within the loss's precision after \d+ iterations$/);
    for (let i = 0; i < 12; i++) expect(Math.abs(r.x[i] - q.exact[i])).toBeLessThan(1e-3);
  });

  it('stops on a relative loss reduction below ftol, as scipy’s L-BFGS-B', async () => {
    const q = quadratic(12, false);
    const r = await lbfgs(q.objective, new Float64Array(12), {
      maxIter: 500,
      gtol: 0,
      ftol: 1e-10,
      noise: 0,
    });
    expect(r.converged).toBe(true);
    expect(r.reason).toMatch(/^loss change below ftol after \d+ iterations$/);
    for (let i = 0; i < 12; i++) expect(Math.abs(r.x[i] - q.exact[i])).toBeLessThan(1e-3);
  });

  it('spends at most maxLineSearch evaluations per line search', async () => {
    // A gradient pointing uphill: every search fails, once along the history-free direction.
    const uphill: Objective = async (x) => ({
      f: x[0] * x[0] + x[1] * x[1],
      g: Float64Array.of(-2 * x[0], -2 * x[1]),
    });
    const r = await lbfgs(uphill, Float64Array.of(1, 2), {
      maxIter: 50,
      gtol: 1e-9,
      noise: 0,
      maxLineSearch: 7,
    });
    expect(r.converged).toBe(false);
    expect(r.reason).toMatch(/line search found no lower loss after 0 iterations/);
    expect(r.evaluations).toBe(1 + 7);
  });

  it('reports maxIter without claiming convergence, and calls back every iteration', async () => {
    const seen: number[] = [];
    const r = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIter: 5,
      gtol: 1e-12,
      onIteration: (i) => {
        seen.push(i);
      },
    });
    expect(r).toMatchObject({ iterations: 5, converged: false });
    expect(r.reason).toBe('reached maxIter (5) iterations');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('scales the gradient test (gradScale) and stops at once when already optimal', async () => {
    const q = quadratic(6, false);
    const r = await lbfgs(q.objective, q.exact, { maxIter: 10, gtol: 1e-9 });
    expect(r).toMatchObject({ iterations: 0, converged: true });
    // max|g| at 0 is max|b| ≤ 0.5: with gradScale 1e6 the scaled test passes immediately.
    const scaled = await lbfgs(q.objective, new Float64Array(6), {
      maxIter: 10,
      gtol: 1e-6,
      gradScale: 1e6,
    });
    expect(scaled.iterations).toBe(0);
  });

  it('lets onIteration stop the run by throwing (cancellation)', async () => {
    const run = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIter: 100,
      gtol: 1e-12,
      onIteration: (i) => {
        if (i === 3) throw new Error('stop');
      },
    });
    await expect(run).rejects.toThrow('stop');
  });
});

describe('linalg', () => {
  it('solves a symmetric positive definite system by Cholesky', () => {
    const A = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    const x = choleskySolve(A, Float64Array.of(1, 2, 3), 3)!;
    // A x = b checked by multiplying back.
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += A[i * 3 + j] * x[j];
      expect(s).toBeCloseTo([1, 2, 3][i], 10);
    }
  });

  it('refuses a singular matrix instead of returning garbage', () => {
    expect(choleskySolve(Float64Array.of(1, 1, 1, 1), Float64Array.of(1, 1), 2)).toBeNull();
  });

  it('decomposes a symmetric matrix: A V = V diag(λ), V orthonormal', () => {
    const n = 5;
    const rng = createRng(3);
    const B = Float64Array.from({ length: n * n }, () => rng() - 0.5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < n; k++) A[i * n + j] += B[k * n + i] * B[k * n + j];
    const { values, vectors: V } = symmetricEigen(A, n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += A[i * n + j] * V[j * n + k];
        expect(av).toBeCloseTo(values[k] * V[i * n + k], 10);
      }
      for (let l = 0; l < n; l++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += V[i * n + k] * V[i * n + l];
        expect(d).toBeCloseTo(k === l ? 1 : 0, 10);
      }
    }
  });

  it('gives the minimum-norm solution of a rank-deficient system', () => {
    // Columns 1 and 2 identical: Gram [[1,1],[1,1]], rhs [2,2]. Solutions x1 + x2 = 2; min-norm (1, 1).
    const { x, dropped } = pseudoSolve(Float64Array.of(1, 1, 1, 1), Float64Array.of(2, 2), 2);
    expect(dropped).toBe(1);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(1, 12);
  });
});
