// mlp-regressor: a multi-layer perceptron for a numeric target (scikit-learn's MLPRegressor
// defaults, see ./mlp-shared.ts), trained on half the squared error. Unlike scikit-learn, the
// target is standardised for training (Adam from a small initialisation cannot reach a target in
// the hundreds within 200 epochs), and the scaling is then folded into the output layer's weights,
// so the saved tfjs model predicts in the target's own units with no extra step.
import type * as tfc from '@tensorflow/tfjs-core';
import { fitMlp, MLP_DEFAULTS, MLP_PARAMS, type MlpParams } from './mlp-shared';
import { defineModel } from './registry-types';

export const mlpRegressor = defineModel<MlpParams>({
  kind: 'mlp-regressor',
  task: 'regression',
  title: 'Neural network (MLP) regressor',
  description:
    'Fully connected hidden layers trained with Adam on the squared error, as scikit-learn’s MLPRegressor (100 relu units by default). Standard-scale the features first.',
  params: MLP_PARAMS,
  defaults: MLP_DEFAULTS,
  async fit(tf, params, data, ctx) {
    const w = data.sampleWeight;
    let sw = 0;
    let mean = 0;
    for (let i = 0; i < data.rows; i++) {
      sw += w[i];
      mean += w[i] * data.y[i];
    }
    mean /= sw;
    let variance = 0;
    for (let i = 0; i < data.rows; i++) variance += w[i] * (data.y[i] - mean) ** 2;
    const std = Math.sqrt(variance / sw) || 1;
    const scaled = new Float32Array(data.rows);
    for (let i = 0; i < data.rows; i++) scaled[i] = (data.y[i] - mean) / std;
    const r = await fitMlp(tf, params, data, 'regression', scaled, 'none', ctx);
    // ŷ = std · (h·K + b) + mean: fold std and mean into the last Dense layer.
    const last = r.model.layers[r.model.layers.length - 1];
    const [kernel, bias] = last.getWeights();
    const next = tf.tidy(
      () => [tf.mul(kernel, std), tf.add(tf.mul(bias, std), mean)] as tfc.Tensor[],
    );
    last.setWeights(next);
    next.forEach((t) => t.dispose());
    return r;
  },
});
