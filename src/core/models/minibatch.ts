// The minibatch fit loop shared by the MLPs and by logistic regression's 'adam' / 'sgd' options:
// seeded shuffles, weighted loss, an L2 penalty, and scikit-learn's MLP stopping rules — stop
// when the loss has not improved by `tol` for `patience` epochs in a row, watching the training
// loss, or with early stopping the loss on a held-out stratified split (then the best epoch's
// weights are kept). scikit-learn watches the validation *accuracy*; the loss is used here
// because accuracy on a small split moves in coarse steps and stops too early.
// Losses are summed on the backend and read once per epoch, so a GPU is not stalled per batch.
import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BenchtopError, cancelled } from '../errors';
import { innerSplit, shuffleInPlace, type CheckedData } from './data';
import {
  forwardLogits,
  kernels,
  rowLoss,
  targetTensor,
  trainableVariables,
  type Head,
} from './layers';
import type { EpochReport, Tf } from './types';
import { macrotaskYielder } from './yield';

export interface MinibatchSettings {
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  batchSize: number;
  epochs: number;
  tol: number;
  patience: number;
  earlyStopping: boolean;
  validationFraction: number;
}

export interface MinibatchContext {
  rng: () => number;
  onEpoch?: (r: EpochReport) => void;
  isCancelled?: () => boolean;
}

export interface MinibatchResult {
  iterations: number;
  converged: boolean;
  stopReason: string;
  finalLoss: number;
  lossCurve: number[];
  valLossCurve?: number[];
}

/** ½ · strength · Σ‖kernel‖², the penalty each batch adds (strength may depend on batch rows). */
export type PenaltyStrength = (batchRows: number) => number;

/** errors.ts's cancelled(), naming the job: "Training was cancelled. Nothing was stored." */
export function trainingCancelled(): BenchtopError {
  return cancelled('Training');
}

function makeOptimizer(tf: Tf, s: MinibatchSettings): tfc.Optimizer {
  // scikit-learn's MLP: Adam(β1 0.9, β2 0.999, ε 1e-8); SGD with Nesterov momentum 0.9.
  return s.optimizer === 'adam'
    ? tf.train.adam(s.learningRate, 0.9, 0.999, 1e-8)
    : tf.train.momentum(s.learningRate, 0.9, true);
}

export async function trainMinibatch(
  tf: Tf,
  model: LayersModel,
  data: CheckedData,
  target: Int32Array | Float32Array | Float64Array,
  weights: Float32Array,
  head: Head,
  penalty: PenaltyStrength,
  s: MinibatchSettings,
  ctx: MinibatchContext,
): Promise<MinibatchResult> {
  const split = s.earlyStopping
    ? innerSplit(data, s.validationFraction, ctx.rng)
    : { train: Int32Array.from({ length: data.rows }, (_, i) => i), validation: new Int32Array(0) };
  const trainRows = split.train.length;
  const batch = Math.max(1, Math.min(s.batchSize, trainRows));
  const vars = trainableVariables(model);
  const kernelVars = kernels(model);
  const optimizer = makeOptimizer(tf, s);
  const X = tf.tensor2d(data.X, [data.rows, data.cols]);
  const Y = targetTensor(tf, head, target, data.classes);
  const W = tf.tensor1d(weights);
  const valIdx = split.validation.length > 0 ? tf.tensor1d(split.validation, 'int32') : null;
  const valWeight = valIdx ? tf.gather(W, valIdx) : null;
  const valWeightSum = split.validation.reduce((a, i) => a + weights[i], 0);
  let best: tfc.Tensor[] | null = null;
  const order = Int32Array.from(split.train);
  const lossCurve: number[] = [];
  const valLossCurve: number[] = [];
  const seed = () => Math.floor(ctx.rng() * 2 ** 31);
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let noImprovement = 0;
  let epoch = 0;
  let stopReason = '';
  let converged = false;
  try {
    const breathe = macrotaskYielder();
    for (epoch = 1; epoch <= s.epochs; epoch++) {
      await breathe();
      if (ctx.isCancelled?.()) throw trainingCancelled();
      shuffleInPlace(order, ctx.rng);
      let total: tfc.Tensor = tf.scalar(0);
      for (let start = 0; start < trainRows; start += batch) {
        const rowsHere = Math.min(batch, trainRows - start);
        const strength = penalty(rowsHere);
        const idx = tf.tensor1d(order.subarray(start, start + rowsHere), 'int32');
        const cost = optimizer.minimize(
          () =>
            tf.tidy(() => {
              const logits = forwardLogits(tf, model, tf.gather(X, idx), seed);
              const rl = rowLoss(tf, head, logits, tf.gather(Y, idx));
              let loss = tf.div(tf.sum(tf.mul(rl, tf.gather(W, idx))), rowsHere);
              if (strength > 0) {
                const sq = kernelVars.map((k) => tf.sum(tf.square(k)));
                loss = tf.add(loss, tf.mul(tf.addN(sq), 0.5 * strength));
              }
              return loss as tfc.Scalar;
            }),
          true,
          vars,
        );
        idx.dispose();
        const next = tf.tidy(() => tf.add(total, tf.mul(cost as tfc.Tensor, rowsHere)));
        total.dispose();
        cost?.dispose();
        total = next;
      }
      const loss = ((await total.data())[0] as number) / trainRows;
      total.dispose();
      if (!Number.isFinite(loss)) {
        throw new BenchtopError(
          'invalid-argument',
          `Training diverged at epoch ${epoch} (the loss is not finite). Lower 'learningRate' or standard-scale the features.`,
          { epoch },
        );
      }
      lossCurve.push(loss);
      let watched = loss;
      let valLoss: number | undefined;
      if (valIdx && valWeight) {
        const v = tf.tidy(() => {
          const logits = forwardLogits(tf, model, tf.gather(X, valIdx));
          return tf.sum(tf.mul(rowLoss(tf, head, logits, tf.gather(Y, valIdx)), valWeight));
        });
        valLoss = ((await v.data())[0] as number) / Math.max(valWeightSum, 1e-12);
        v.dispose();
        valLossCurve.push(valLoss);
        watched = valLoss;
      }
      ctx.onEpoch?.({ epoch, loss, ...(valLoss !== undefined ? { valLoss } : {}) });
      if (watched > bestLoss - s.tol) noImprovement++;
      else noImprovement = 0;
      if (watched < bestLoss) {
        bestLoss = watched;
        bestEpoch = epoch;
        if (valIdx) {
          best?.forEach((t) => t.dispose());
          best = vars.map((v) => tf.clone(v));
        }
      }
      if (noImprovement > s.patience) {
        converged = true;
        stopReason = `the ${valIdx ? 'validation' : 'training'} loss did not improve by more than tol=${s.tol} for ${s.patience} epochs (stopped after ${epoch})`;
        break;
      }
    }
    if (!converged) {
      epoch = s.epochs;
      stopReason = `reached the maximum of ${s.epochs} epochs while the loss was still improving`;
    }
    if (best) {
      const b = best;
      vars.forEach((v, i) => v.assign(b[i]));
      stopReason += `; kept the weights of epoch ${bestEpoch}, the lowest validation loss`;
    }
    return {
      iterations: epoch,
      converged,
      stopReason,
      // The training loss of the weights kept.
      finalLoss: lossCurve[(best ? bestEpoch : lossCurve.length) - 1],
      lossCurve,
      ...(valIdx ? { valLossCurve } : {}),
    };
  } finally {
    best?.forEach((t) => t.dispose());
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() forgets the learning-rate scalar its SGD base class
    // keeps (one tensor leaked per fit): free it through the base class's dispose.
    // (instanceof cannot tell: tfjs optimizers' Symbol.hasInstance accepts any optimizer.)
    if (s.optimizer === 'sgd') tf.SGDOptimizer.prototype.dispose.call(optimizer);
    X.dispose();
    Y.dispose();
    W.dispose();
    valIdx?.dispose();
    valWeight?.dispose();
  }
}
