// linear: ordinary least squares (alpha = 0, as scikit-learn's LinearRegression) or ridge
// (alpha > 0, as Ridge(alpha): ‖y − Xw − b‖² + alpha‖w‖², intercept not penalised), weighted by
// the sample weights. Closed form in float64: centre X and y on their weighted means (that takes
// the intercept out of the penalty and keeps the Gram matrix well conditioned), solve the normal
// equations by Cholesky, or by the pseudo-inverse when features are collinear (the minimum-norm
// solution, as LinearRegression's lstsq). The result is a stock Dense(1) tfjs model.
import { buildStack } from './layers';
import { choleskySolve, pseudoSolve } from './linalg';
import { trainingCancelled } from './minibatch';
import { defineModel } from './registry-types';

type Params = { alpha: number };

export const linear = defineModel<Params>({
  kind: 'linear',
  task: 'regression',
  title: 'Linear regression',
  description:
    'Least squares (scikit-learn’s LinearRegression), or ridge regression with alpha > 0 (Ridge). Solved exactly; collinear features get the minimum-norm solution.',
  params: {
    alpha: {
      type: 'number',
      label: 'Alpha (ridge penalty)',
      help: '0 = ordinary least squares; larger values shrink the coefficients (alpha‖w‖², intercept not penalised).',
      min: 0,
    },
  },
  defaults: { alpha: 0 },

  async fit(tf, params, data, ctx) {
    if (ctx.isCancelled?.()) throw trainingCancelled();
    const { X, rows, cols } = data;
    const y = data.y;
    const w = data.sampleWeight;
    let sw = 0;
    const xMean = new Float64Array(cols);
    let yMean = 0;
    for (let i = 0; i < rows; i++) {
      const wi = w[i];
      sw += wi;
      yMean += wi * y[i];
      const row = i * cols;
      for (let j = 0; j < cols; j++) xMean[j] += wi * X[row + j];
    }
    yMean /= sw;
    for (let j = 0; j < cols; j++) xMean[j] /= sw;
    // Gram = Σ w_i (x_i − x̄)(x_i − x̄)ᵀ (upper triangle, mirrored), rhs = Σ w_i (x_i − x̄)(y_i − ȳ).
    const G = new Float64Array(cols * cols);
    const rhs = new Float64Array(cols);
    const xc = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const row = i * cols;
      for (let j = 0; j < cols; j++) xc[j] = X[row + j] - xMean[j];
      const yc = wi * (y[i] - yMean);
      for (let j = 0; j < cols; j++) {
        const a = wi * xc[j];
        rhs[j] += xc[j] * yc;
        const gj = j * cols;
        for (let k = j; k < cols; k++) G[gj + k] += a * xc[k];
      }
    }
    for (let j = 0; j < cols; j++) {
      for (let k = 0; k < j; k++) G[j * cols + k] = G[k * cols + j];
      G[j * cols + j] += params.alpha;
    }
    let coef = choleskySolve(G, rhs, cols);
    let how = 'Cholesky';
    if (!coef) {
      const p = pseudoSolve(G, rhs, cols);
      coef = p.x;
      how = `pseudo-inverse (${p.dropped} collinear direction${p.dropped === 1 ? '' : 's'} dropped: minimum-norm solution)`;
    }
    let intercept = yMean;
    for (let j = 0; j < cols; j++) intercept -= xMean[j] * coef[j];

    let sse = 0;
    for (let i = 0; i < rows; i++) {
      let p = intercept;
      const row = i * cols;
      for (let j = 0; j < cols; j++) p += X[row + j] * coef[j];
      sse += w[i] * (y[i] - p) * (y[i] - p);
    }
    const loss = (0.5 * sse) / sw;
    ctx.onEpoch?.({ epoch: 1, loss });

    const model = buildStack({
      inputs: cols,
      hidden: [],
      activation: 'relu',
      dropout: 0,
      outputs: 1,
      head: 'regression',
      init: 'zeros',
    });
    const kernel = tf.tensor2d(Float32Array.from(coef), [cols, 1]);
    const bias = tf.tensor1d([intercept]);
    model.layers[0].setWeights([kernel, bias]);
    kernel.dispose();
    bias.dispose();
    return {
      model,
      iterations: 1,
      converged: true,
      stopReason: `closed form (${how})`,
      finalLoss: loss,
      lossCurve: [loss],
    };
  },
});
