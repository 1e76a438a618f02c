// The tfjs layers every model is made of, and the training-time forward pass. Models are plain
// `tf.sequential` stacks of Dense / Dropout layers with the output activation as a separate
// Activation layer: the saved model.json is stock tfjs (plain tf.loadLayersModel predicts
// probabilities), while training reads the logits before that last layer, so the loss is computed
// stably (softplus / log-sum-exp) rather than from rounded probabilities. Dropout during training
// is ours: tfjs's Dropout layer with a fixed seed would drop the same units on every batch, and
// without one it draws from Math.random; here each batch gets its own mask from the seeded RNG.
import * as tfl from '@tensorflow/tfjs-layers';
import type * as tfc from '@tensorflow/tfjs-core';
import type { Tf } from './types';

export type Head = 'binary' | 'multiclass' | 'regression';
export type HiddenActivation = 'relu' | 'tanh' | 'logistic';

export interface StackOptions {
  inputs: number;
  hidden: readonly number[];
  activation: HiddenActivation;
  dropout: number;
  /** Output units: 1 for binary and regression, k for multiclass. */
  outputs: number;
  head: Head;
  /** Glorot-uniform seeds come from here; 'zeros' starts every weight at 0 (linear models). */
  init: { rng: () => number } | 'zeros';
}

const TF_ACTIVATION = { relu: 'relu', tanh: 'tanh', logistic: 'sigmoid' } as const;

export function buildStack(o: StackOptions): tfl.Sequential {
  const kernel = () =>
    o.init === 'zeros'
      ? tfl.initializers.zeros()
      : tfl.initializers.glorotUniform({ seed: Math.floor(o.init.rng() * 2 ** 31) });
  const model = tfl.sequential({ name: 'benchtop_model' });
  let first = true;
  const input = () => {
    if (!first) return {};
    first = false;
    return { inputShape: [o.inputs] };
  };
  // Explicit layer names: tfjs would number them per process ("dense_Dense6"), so the same fit
  // would write a different model.json (and bundle hashes) depending on what ran before it.
  o.hidden.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        ...input(),
        name: `hidden_${i + 1}`,
        units,
        activation: TF_ACTIVATION[o.activation],
        kernelInitializer: kernel(),
        biasInitializer: 'zeros',
      }),
    );
    if (o.dropout > 0) model.add(tfl.layers.dropout({ name: `dropout_${i + 1}`, rate: o.dropout }));
  });
  model.add(
    tfl.layers.dense({
      ...input(),
      name: 'output',
      units: o.outputs,
      activation: 'linear',
      kernelInitializer: kernel(),
      biasInitializer: 'zeros',
    }),
  );
  if (o.head !== 'regression') {
    model.add(
      tfl.layers.activation({
        name: 'probabilities',
        activation: o.head === 'binary' ? 'sigmoid' : 'softmax',
      }),
    );
  }
  return model;
}

/** The kernels (not biases) of every Dense layer: what an L2 penalty applies to. */
export function kernels(model: tfl.LayersModel): tfc.Variable[] {
  const out: tfc.Variable[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    out.push(layer.trainableWeights[0].read() as tfc.Variable);
  }
  return out;
}

export function trainableVariables(model: tfl.LayersModel): tfc.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tfc.Variable);
}

/**
 * Logits (classifiers) or values (regression) for a batch. `dropoutSeed` given = training: each
 * Dropout layer draws its own mask from it.
 */
export function forwardLogits(
  tf: Tf,
  model: tfl.LayersModel,
  x: tfc.Tensor,
  dropoutSeed?: () => number,
): tfc.Tensor {
  let h = x;
  for (const layer of model.layers) {
    const name = layer.getClassName();
    if (name === 'Activation') break;
    if (name === 'Dropout') {
      if (dropoutSeed) {
        const rate = (layer.getConfig() as { rate: number }).rate;
        h = tf.dropout(h, rate, undefined, dropoutSeed());
      }
      continue;
    }
    h = layer.apply(h) as tfc.Tensor;
  }
  return h;
}

/**
 * Per-row loss from logits: log loss for classifiers (softplus(z) − y·z, log-sum-exp(z) − z_y),
 * half squared error for regression (as scikit-learn's MLPRegressor). `target` is 0/1 floats
 * (binary), one-hot rows (multiclass) or values (regression).
 */
export function rowLoss(tf: Tf, head: Head, logits: tfc.Tensor, target: tfc.Tensor): tfc.Tensor {
  if (head === 'binary') {
    const z = tf.reshape(logits, [-1]);
    return tf.sub(tf.softplus(z), tf.mul(target, z));
  }
  if (head === 'multiclass') {
    return tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, target), 1));
  }
  const r = tf.sub(tf.reshape(logits, [-1]), target);
  return tf.mul(tf.square(r), 0.5);
}

/** The target as the tensor rowLoss expects. */
export function targetTensor(
  tf: Tf,
  head: Head,
  y: Int32Array | Float32Array | Float64Array,
  classes: number,
): tfc.Tensor {
  if (head === 'multiclass') {
    return tf.tidy(() =>
      tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), classes), 'float32'),
    );
  }
  return tf.tensor1d(Float32Array.from(y));
}
