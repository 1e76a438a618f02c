// logreg: logistic regression regularised exactly like scikit-learn's LogisticRegression(C):
// minimise ½‖W‖²/C + Σ_i w_i · logloss_i (summed, intercept not penalised), binary with one
// sigmoid unit, multinomial (softmax over k units, every unit penalised) for 3+ classes. The
// default optimiser is full-batch L-BFGS (./lbfgs.ts) on loss and gradient computed in float64
// plain TypeScript on the CPU backends (./logistic-loss.ts) or by tfjs ops on a GPU backend; it
// reaches scikit-learn's lbfgs solution, which plain Adam epochs do not in any reasonable time.
// 'adam' / 'sgd' run the minibatch loop on the same objective divided by the row count. Either
// way the result is a stock Dense(+Activation) tfjs model.
import type * as tfc from '@tensorflow/tfjs-core';
import { rowWeights, type CheckedData } from './data';
import { buildStack, rowLoss, targetTensor, type Head } from './layers';
import { lbfgs, type Objective } from './lbfgs';
import { logisticObjective, type LogisticObjective } from './logistic-loss';
import { trainingCancelled, trainMinibatch } from './minibatch';
import { defineModel, type ModelFitContext } from './registry-types';
import type { Tf } from './types';
import { macrotaskYielder } from './yield';

type Params = {
  C: number;
  classWeight: string;
  optimizer: string;
  maxIter: number;
  tol: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  earlyStopping: boolean;
  validationFraction: number;
  patience: number;
};

export const logreg = defineModel<Params>({
  kind: 'logreg',
  task: 'classification',
  title: 'Logistic regression',
  description:
    'A linear classifier with an L2 penalty, as scikit-learn’s LogisticRegression(C=1.0): binary or multinomial, trained to convergence with L-BFGS. Standard-scale the features first.',
  params: {
    C: {
      type: 'number',
      label: 'C (inverse regularisation)',
      help: 'Smaller C = stronger L2 penalty ½‖w‖²/C against the summed log-loss. scikit-learn’s default is 1.',
      min: 0,
      exclusive: true,
    },
    classWeight: {
      type: 'choice',
      label: 'Class weights',
      help: '“balanced” weighs each class by rows / (classes × class rows), as scikit-learn’s class_weight="balanced".',
      options: ['none', 'balanced'],
    },
    optimizer: {
      type: 'choice',
      label: 'Optimiser',
      help: 'L-BFGS solves the problem exactly (recommended); Adam and SGD take minibatch epochs.',
      options: ['lbfgs', 'adam', 'sgd'],
    },
    maxIter: {
      type: 'number',
      label: 'L-BFGS iterations (max)',
      help: 'Raised from scikit-learn’s 100 so unscaled or hard problems still converge; the run reports whether it did.',
      min: 1,
      max: 100000,
      integer: true,
    },
    tol: {
      type: 'number',
      label: 'L-BFGS tolerance',
      help: 'Stops when the largest gradient entry, divided by the total sample weight, is below this (on the wasm and cpu backends also when an iteration lowers the loss by less than 2.2e-9 of itself, as scikit-learn’s lbfgs).',
      min: 0,
      exclusive: true,
    },
    learningRate: {
      type: 'number',
      label: 'Learning rate (Adam / SGD)',
      min: 0,
      max: 10,
      exclusive: true,
    },
    batchSize: { type: 'number', label: 'Batch size (Adam / SGD)', min: 1, integer: true },
    epochs: {
      type: 'number',
      label: 'Epochs (max, Adam / SGD)',
      min: 1,
      max: 100000,
      integer: true,
    },
    earlyStopping: {
      type: 'boolean',
      label: 'Early stopping (Adam / SGD)',
      help: 'Hold out a stratified share of the training rows and stop when their loss stops improving.',
    },
    validationFraction: {
      type: 'number',
      label: 'Validation share (early stopping)',
      min: 0,
      max: 1,
      exclusive: true,
    },
    patience: {
      type: 'number',
      label: 'Patience (epochs without improvement)',
      min: 1,
      max: 10000,
      integer: true,
    },
  },
  defaults: {
    C: 1,
    classWeight: 'none',
    optimizer: 'lbfgs',
    maxIter: 1000,
    tol: 1e-6,
    learningRate: 0.01,
    batchSize: 200,
    epochs: 200,
    earlyStopping: false,
    validationFraction: 0.1,
    patience: 10,
  },

  async fit(tf, params, data, ctx) {
    const head: Head = data.classes === 2 ? 'binary' : 'multiclass';
    const k = head === 'binary' ? 1 : data.classes;
    const weights = rowWeights(data, params.classWeight);
    const model = buildStack({
      inputs: data.cols,
      hidden: [],
      activation: 'relu',
      dropout: 0,
      outputs: k,
      head,
      init: 'zeros',
    });
    try {
      if (params.optimizer !== 'lbfgs') {
        // The objective over the row count: ½‖W‖²/(C·n) + mean of the weighted log-losses.
        const r = await trainMinibatch(
          tf,
          model,
          data,
          data.y,
          weights,
          head,
          () => 1 / (params.C * data.rows),
          {
            optimizer: params.optimizer === 'adam' ? 'adam' : 'sgd',
            learningRate: params.learningRate,
            batchSize: params.batchSize,
            epochs: params.epochs,
            tol: 1e-4,
            patience: params.patience,
            earlyStopping: params.earlyStopping,
            validationFraction: params.validationFraction,
          },
          ctx,
        );
        return { model, ...r };
      }
      const r = await fitLbfgs(tf, params, data, weights, head, k, ctx);
      const dense = model.layers[0];
      const kernel = tf.tensor2d(r.kernel, [data.cols, k]);
      const bias = tf.tensor1d(r.bias);
      dense.setWeights([kernel, bias]);
      kernel.dispose();
      bias.dispose();
      return { model, ...r.info };
    } catch (err) {
      model.dispose();
      throw err;
    }
  },
});

/**
 * How the L-BFGS objective is computed. 'float64': plain TypeScript over the float32 matrix
 * (./logistic-loss.ts), for backends that compute on the CPU anyway (wasm, cpu): exact enough for
 * scipy's relative-reduction stop and no tensor overhead per evaluation. 'tensor': tfjs ops on the
 * active backend in float32, where a GPU (webgpu, webgl) pays off; the loss there is only known to
 * ~1e-7 of itself, so a search that fails in that noise ends the fit as converged within it.
 */
export type LogregEngine = 'float64' | 'tensor';

export function logregEngine(backend: string): LogregEngine {
  return backend === 'wasm' || backend === 'cpu' ? 'float64' : 'tensor';
}

/**
 * scipy's L-BFGS-B default `ftol` (factr 1e7 × machine epsilon), which scikit-learn 1.2's
 * LogisticRegression(solver='lbfgs') keeps: stop when the loss falls by less than this fraction of
 * itself in an iteration. Only the float64 objective can resolve it.
 */
export const LBFGS_FTOL = 1e7 * 2.220446049250313e-16;

/** Relative rounding of the loss each engine computes (the approximate-Wolfe allowance). */
const NOISE: Record<LogregEngine, number> = { float64: 1e-12, tensor: 1e-6 };

/** L-BFGS on ½‖K‖²/C + Σ w_i logloss_i; returns the kernel (cols × k) and bias it reached. */
export async function fitLbfgs(
  tf: Tf,
  params: Pick<Params, 'C' | 'maxIter' | 'tol'>,
  data: CheckedData,
  weights: Float32Array,
  head: Head,
  k: number,
  ctx: Pick<ModelFitContext, 'onEpoch' | 'isCancelled'>,
  engine: LogregEngine = logregEngine(tf.getBackend()),
) {
  const cols = data.cols;
  let totalWeight = 0;
  for (let i = 0; i < weights.length; i++) totalWeight += weights[i];
  const nk = cols * k;
  const lossCurve: number[] = [];
  const tensors =
    engine === 'tensor' ? tensorObjective(tf, params.C, data, weights, head, k) : null;
  let objective: Objective;
  let exact: LogisticObjective | null = null;
  if (tensors) {
    objective = tensors.objective;
  } else {
    const f = logisticObjective({
      X: data.X,
      rows: data.rows,
      cols,
      y: data.y as Int32Array,
      weights,
      classes: data.classes,
      C: params.C,
    });
    exact = f;
    objective = async (theta) => f(theta);
  }
  const breathe = macrotaskYielder();
  try {
    const result = await lbfgs(objective, new Float64Array(nk + k), {
      maxIter: params.maxIter,
      gtol: params.tol,
      gradScale: totalWeight,
      ...(engine === 'float64' ? { ftol: LBFGS_FTOL } : {}),
      noise: NOISE[engine],
      async onIteration(iteration, f) {
        const loss = f / totalWeight;
        lossCurve.push(loss);
        ctx.onEpoch?.({ epoch: iteration, loss });
        await breathe();
        if (ctx.isCancelled?.()) throw trainingCancelled();
      },
    });
    return {
      kernel: Float32Array.from(result.x.subarray(0, nk)),
      bias: Float32Array.from(result.x.subarray(nk)),
      info: {
        iterations: result.iterations,
        converged: result.converged,
        stopReason: `L-BFGS: ${result.reason}`,
        finalLoss: result.f / totalWeight,
        lossCurve,
      },
    };
  } finally {
    tensors?.dispose();
    exact?.release();
  }
}

/** The objective as tfjs ops (float32 on the active backend); dispose() frees the data tensors. */
function tensorObjective(
  tf: Tf,
  C: number,
  data: CheckedData,
  weights: Float32Array,
  head: Head,
  k: number,
) {
  const cols = data.cols;
  const nk = cols * k;
  const X = tf.tensor2d(data.X, [data.rows, cols]);
  const Y = targetTensor(tf, head, data.y, data.classes);
  const W = tf.tensor1d(weights);
  // Loss and gradient of ½‖K‖²/C + Σ w_i logloss_i at theta = [kernel (cols × k, row-major), bias].
  const objective = async (theta: Float64Array) => {
    const out = tf.tidy(() => {
      const kern = tf.tensor2d(Float32Array.from(theta.subarray(0, nk)), [cols, k]);
      const bias = tf.tensor1d(Float32Array.from(theta.subarray(nk)));
      const f = (kk: tfc.Tensor, bb: tfc.Tensor) => {
        const z = tf.add(tf.matMul(X, kk), bb);
        const dataLoss = tf.sum(tf.mul(rowLoss(tf, head, z, Y), W));
        return tf.add(dataLoss, tf.mul(tf.sum(tf.square(kk)), 0.5 / C));
      };
      const { value, grads } = tf.valueAndGrads(f)([kern, bias]);
      return tf.concat([tf.reshape(value, [1]), tf.reshape(grads[0], [-1]), grads[1]]);
    });
    const v = (await out.data()) as Float32Array;
    out.dispose();
    return { f: v[0], g: Float64Array.from(v.subarray(1)) };
  };
  return {
    objective,
    dispose() {
      X.dispose();
      Y.dispose();
      W.dispose();
    },
  };
}
