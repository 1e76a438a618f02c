// Logistic regression's two L-BFGS engines on real data (vega-datasets penguins: Gentoo-or-not and
// the three species), with uneven sample weights: the float64 objective (src/core/models/
// logistic-loss.ts) equals the tfjs one it replaces on wasm / cpu, with or without its WebAssembly
// SIMD products (checked against plain loops on their own too), its gradient is the derivative of
// its loss (central differences), and a fit with either engine reaches the same coefficients; the
// backend decides the engine.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf, TrainingData } from '../../src/core/models';
import { checkTrainingData } from '../../src/core/models/data';
import { logisticObjective } from '../../src/core/models/logistic-loss';
import { simdKernel } from '../../src/core/models/logistic-simd';
import { fitLbfgs, logregEngine, type LogregEngine } from '../../src/core/models/logreg';
import { nodeTf } from '../../src/core/models/node-tf';
import { createRng } from '../../src/core/rng';
import { penguinGentoo, penguinSpecies } from './models-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf()).tf;
});

const cases: [string, TrainingData][] = [
  ['Gentoo or not (sigmoid)', penguinGentoo()],
  ['three species (softmax)', penguinSpecies()],
];

/** Weights in [0, 3), a few rows weighing nothing. */
function unevenWeights(rows: number): Float32Array {
  const rng = createRng(7);
  return Float32Array.from({ length: rows }, (_, i) => (i % 17 === 0 ? 0 : 3 * rng()));
}

/** A point away from the optimum: every logit matters. */
function somewhere(n: number): Float64Array {
  const rng = createRng(3);
  return Float64Array.from({ length: n }, () => 2 * rng() - 1);
}

describe.each(cases)('%s', (_, raw) => {
  const data = checkTrainingData(raw, 'classification');
  const units = data.classes === 2 ? 1 : data.classes;
  const n = data.cols * units + units;
  const weights = unevenWeights(data.rows);
  const objective = logisticObjective({
    X: data.X,
    rows: data.rows,
    cols: data.cols,
    y: data.y as Int32Array,
    weights,
    classes: data.classes,
    C: 0.7,
  });

  it('gives the tfjs objective’s loss and gradient (½‖K‖²/C + Σ w·logloss)', async () => {
    const theta = somewhere(n);
    const ours = objective(theta);
    // The same objective written with tfjs ops, as logreg's tensor engine has it.
    const kernel = tf.tensor2d(Float32Array.from(theta.subarray(0, n - units)), [data.cols, units]);
    const bias = tf.tensor1d(Float32Array.from(theta.subarray(n - units)));
    const X = tf.tensor2d(data.X, [data.rows, data.cols]);
    const w = tf.tensor1d(weights);
    const y = data.y as Int32Array;
    const f = (k: ReturnType<typeof tf.tensor>, b: ReturnType<typeof tf.tensor>) => {
      const z = tf.add(tf.matMul(X, k), b);
      const rowLoss =
        units === 1
          ? tf.sub(
              tf.softplus(tf.reshape(z, [-1])),
              tf.mul(tf.tensor1d(Float32Array.from(y)), tf.reshape(z, [-1])),
            )
          : tf.sub(
              tf.logSumExp(z, 1),
              tf.sum(tf.mul(z, tf.oneHot(tf.tensor1d(y, 'int32'), data.classes)), 1),
            );
      return tf.add(tf.sum(tf.mul(rowLoss, w)), tf.mul(tf.sum(tf.square(k)), 0.5 / 0.7));
    };
    const { value, grads } = tf.valueAndGrads(f)([kernel, bias]);
    const loss = (await value.data())[0];
    const g = [...(await grads[0].data()), ...(await grads[1].data())];
    tf.dispose([kernel, bias, X, w, value, ...grads]);
    expect(Math.abs(ours.f - loss) / loss).toBeLessThan(1e-5);
    const scale = Math.max(...g.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(ours.g[i] - g[i])).toBeLessThan(1e-4 * scale);
  });

  it('gives the same numbers with and without the WebAssembly SIMD products', () => {
    // Node has WebAssembly SIMD: the default objective above runs the SIMD module.
    expect(simdKernel(data.X, data.rows, data.cols, units)).not.toBeNull();
    const plain = logisticObjective(
      {
        X: data.X,
        rows: data.rows,
        cols: data.cols,
        y: data.y as Int32Array,
        weights,
        classes: data.classes,
        C: 0.7,
      },
      { simd: false },
    );
    for (const theta of [new Float64Array(n), somewhere(n)]) {
      const a = objective(theta);
      const b = plain(theta);
      expect(Math.abs(a.f - b.f)).toBeLessThan(1e-12 * b.f);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(a.g[i] - b.g[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(b.g[i])));
      }
    }
  });

  it('has the derivative of its loss as gradient (central differences in float64)', () => {
    const theta = somewhere(n);
    const { g } = objective(theta);
    const h = 1e-5;
    for (let i = 0; i < n; i++) {
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[i] += h;
      down[i] -= h;
      const numeric = (objective(up).f - objective(down).f) / (2 * h);
      expect(Math.abs(numeric - g[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(g[i])));
    }
  });

  it('stays finite where the logits are huge (no overflow in softplus or softmax)', () => {
    const { f, g } = objective(Float64Array.from(somewhere(n), (v) => v * 1e4));
    expect(Number.isFinite(f)).toBe(true);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('reaches the same coefficients with either engine, and leaves no tensor behind', async () => {
    const head = data.classes === 2 ? 'binary' : 'multiclass';
    const fit = (engine: LogregEngine) =>
      fitLbfgs(tf, { C: 1, maxIter: 1000, tol: 1e-6 }, data, weights, head, units, {}, engine);
    // The tensor engine is what webgpu / webgl run (the wasm runs above use float64): its data
    // tensors and every evaluation's must be freed, as issue 5 asks of every fold.
    const before = tf.memory().numTensors;
    const exact = await fit('float64');
    const tensor = await fit('tensor');
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.info.converged).toBe(true);
    expect(tensor.info.converged).toBe(true);
    const all = [...exact.kernel, ...exact.bias];
    const other = [...tensor.kernel, ...tensor.bias];
    const scale = Math.max(...all.map(Math.abs));
    for (let i = 0; i < all.length; i++) {
      expect(Math.abs(all[i] - other[i])).toBeLessThan(1e-3 * scale);
    }
  });
});

describe('the SIMD products (logistic-simd.ts)', () => {
  it('match plain loops for odd and even column counts, one to five outputs', () => {
    const rng = createRng(5);
    for (const [rows, cols, k] of [
      [1, 1, 1],
      [7, 3, 1],
      [50, 4, 3],
      [33, 5, 5],
      [200, 30, 1],
    ]) {
      const X = Float32Array.from({ length: rows * cols }, () => 4 * rng() - 2);
      const kernel = simdKernel(X, rows, cols, k)!;
      const theta = Float64Array.from({ length: cols * k + k }, () => rng() - 0.5);
      const z = Float64Array.from(kernel.forward(theta));
      for (let i = 0; i < rows; i++) {
        for (let q = 0; q < k; q++) {
          let want = theta[cols * k + q];
          for (let j = 0; j < cols; j++) want += X[i * cols + j] * theta[j * k + q];
          expect(z[i * k + q]).toBeCloseTo(want, 12);
        }
      }
      // backward: gradient of Σ r · z for residuals r written over the logits.
      const r = Float64Array.from({ length: rows * k }, () => rng() - 0.5);
      kernel.z.set(r);
      const g = new Float64Array(cols * k + k);
      kernel.backward(g);
      for (let q = 0; q < k; q++) {
        let bias = 0;
        for (let i = 0; i < rows; i++) bias += r[i * k + q];
        expect(g[cols * k + q]).toBeCloseTo(bias, 12);
        for (let j = 0; j < cols; j++) {
          let want = 0;
          for (let i = 0; i < rows; i++) want += r[i * k + q] * X[i * cols + j];
          expect(g[j * k + q]).toBeCloseTo(want, 12);
        }
      }
    }
  });
});

describe('the SIMD memory between fits', () => {
  /** Logits of X (rows × cols) for theta, in plain loops. */
  const logits = (X: Float32Array, rows: number, cols: number, theta: Float64Array) =>
    Float64Array.from({ length: rows }, (_, i) => {
      let z = theta[cols];
      for (let j = 0; j < cols; j++) z += X[i * cols + j] * theta[j];
      return z;
    });

  it('is never shared by two live kernels, and a released one serves the next fit', () => {
    // The first fit has six columns, the next ones five: the SIMD layout pads a row of five to
    // six, and a reused memory's padding must not hold the first fit's values.
    const rng = createRng(13);
    const make = (rows: number, cols: number) =>
      Float32Array.from({ length: rows * cols }, () => 2 * rng() - 1);
    const theta6 = Float64Array.from({ length: 7 }, () => rng() - 0.5);
    const theta5 = theta6.subarray(1);
    const X1 = make(400, 6);
    const X2 = make(300, 5);
    const X3 = make(200, 5);
    const a = simdKernel(X1, 400, 6, 1)!;
    const b = simdKernel(X2, 300, 5, 1)!; // a is in use: b gets its own memory
    const close = (got: Float64Array, want: Float64Array) =>
      want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
    close(a.forward(theta6), logits(X1, 400, 6, theta6));
    close(b.forward(theta5), logits(X2, 300, 5, theta5));
    a.release();
    a.release(); // twice is harmless
    const c = simdKernel(X3, 200, 5, 1)!; // may reuse a's memory: must hold X3 now
    close(c.forward(theta5), logits(X3, 200, 5, theta5));
    close(b.forward(theta5), logits(X2, 300, 5, theta5));
    b.release();
    c.release();
  });
});

describe('logregEngine', () => {
  it('computes in float64 on the CPU backends and with tfjs ops on the GPU ones', () => {
    expect(logregEngine('wasm')).toBe('float64');
    expect(logregEngine('cpu')).toBe('float64');
    expect(logregEngine('webgpu')).toBe('tensor');
    expect(logregEngine('webgl')).toBe('tensor');
  });
});
