// Magnitude pruning: per Dense kernel, the smallest |w| are set to exactly 0 until the requested
// share of that kernel is zero (biases are kept: they are few and carry the class priors). Zeros
// do not shrink float32 weights.bin, but they deflate well in the zip and stay exactly 0 through
// uint8 quantization (quantize.ts puts 0 on the grid), so pruned + uint8 is the smallest bundle.
//
// Optional fine-tuning: a few epochs of Adam on the model's own objective (the log loss or half
// squared error of src/core/models/layers.ts, plus the model's L2 penalty: ½‖W‖²/C per row for
// logreg, ½·alpha·‖W‖² per row for the MLPs, ridge alpha for linear) over the training rows, with
// the pruning mask re-applied after every step so pruned weights stay 0. It is the same recipe
// for every model kind on purpose: an L-BFGS logreg is convex, so a few Adam epochs from the
// pruned point move it back toward the constrained optimum without re-running the full solver
// (the models' L-BFGS loop has no way to hold weights at zero).
import type * as tfc from '@tensorflow/tfjs-core';
import { BenchtopError, toBenchtopError } from '../errors';
import { forwardLogits, rowLoss, targetTensor, type Head } from '../models/layers';
import { loadModelArtifacts, saveModelArtifacts, type ModelArtifacts } from '../models/trained';
import type { ModelSpec, Tf, TrainingData } from '../models/types';
import { createRng } from '../rng';
import { splitWeights, withWeights } from './quantize';

export interface PruneResult {
  artifacts: ModelArtifacts;
  /** Per weight (same order as weightSpecs): 1 = kept, 0 = pruned; null for weights left whole. */
  masks: (Uint8Array | null)[];
  /** Share of all kernel weights that are exactly 0 afterwards. */
  sparsity: number;
}

/** Dense kernels are named '<layer>/kernel' in tfjs's weight specs. */
function isKernel(name: string): boolean {
  return name.endsWith('/kernel');
}

/** Zeros the `sparsity` share (0..1) of smallest-magnitude weights of every Dense kernel. */
export function pruneArtifacts(artifacts: ModelArtifacts, sparsity: number): PruneResult {
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new BenchtopError(
      'invalid-argument',
      `The pruning sparsity must be at least 0 and below 1 (a share of the weights); it is ${sparsity}.`,
    );
  }
  const weights = splitWeights(artifacts);
  let zeros = 0;
  let total = 0;
  const masks: (Uint8Array | null)[] = [];
  const values = weights.map(({ spec, values }) => {
    if (!isKernel(spec.name)) {
      masks.push(null);
      return values;
    }
    const n = values.length;
    const k = Math.floor(n * sparsity);
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b,
    );
    const mask = new Uint8Array(n).fill(1);
    const out = Float32Array.from(values);
    for (let i = 0; i < k; i++) {
      mask[order[i]] = 0;
      out[order[i]] = 0;
    }
    for (let i = 0; i < n; i++) if (out[i] === 0) zeros++;
    total += n;
    masks.push(mask);
    return out;
  });
  return {
    artifacts: withWeights(artifacts, values),
    masks,
    sparsity: total > 0 ? zeros / total : 0,
  };
}

export interface FineTuneOptions {
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  seed?: number;
}

function headOf(spec: ModelSpec, outputs: number): Head {
  if (spec.kind === 'linear' || spec.kind === 'mlp-regressor') return 'regression';
  return outputs === 1 ? 'binary' : 'multiclass';
}

/** The model's L2 penalty weight per training row, matching its own objective. */
function penaltyPerRow(spec: ModelSpec, rows: number): number {
  const p = spec.params as Record<string, unknown>;
  if (spec.kind === 'logreg' && typeof p.C === 'number') return 1 / (p.C * rows);
  if (typeof p.alpha === 'number') return p.alpha / rows;
  return 0;
}

/**
 * A few epochs of Adam on `data` from pruned artifacts, keeping pruned weights at 0. Returns new
 * float32 artifacts; every tensor it creates is freed.
 */
export async function fineTunePruned(
  tf: Tf,
  pruned: PruneResult,
  spec: ModelSpec,
  data: TrainingData,
  options: FineTuneOptions = {},
): Promise<ModelArtifacts> {
  const epochs = options.epochs ?? 5;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 64, data.rows));
  const rng = createRng(options.seed ?? 0);
  const model = await loadModelArtifacts(tf, pruned.artifacts);
  try {
    const outShape = model.outputs[0].shape;
    const outputs = outShape[outShape.length - 1] ?? 1;
    const head = headOf(spec, outputs);
    const classes = data.classes ?? (head === 'regression' ? 1 : Math.max(2, outputs));
    const variables = model.trainableWeights.map((w) => w.read() as tfc.Variable);
    const maskTensors = pruned.masks.map((m, i) =>
      m ? tf.tensor(Float32Array.from(m), variables[i].shape) : null,
    );
    if (variables.length !== pruned.masks.length) {
      throw new BenchtopError(
        'internal',
        'The pruned model has a different number of weights than its masks.',
      );
    }
    const kernels = variables.filter((_, i) => pruned.masks[i] !== null);
    const lambda = penaltyPerRow(spec, data.rows);
    const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
    const order = Int32Array.from({ length: data.rows }, (_, i) => i);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        for (let start = 0; start < data.rows; start += batchSize) {
          const idx = order.subarray(start, Math.min(start + batchSize, data.rows));
          const n = idx.length;
          const xb = new Float32Array(n * data.cols);
          const yb = head === 'regression' ? new Float32Array(n) : new Int32Array(n);
          for (let r = 0; r < n; r++) {
            xb.set(data.X.subarray(idx[r] * data.cols, (idx[r] + 1) * data.cols), r * data.cols);
            yb[r] = data.y[idx[r]];
          }
          tf.tidy(() => {
            const x = tf.tensor2d(xb, [n, data.cols]);
            const target = targetTensor(tf, head, yb, classes);
            optimizer.minimize(
              () => {
                const loss = tf.mean(rowLoss(tf, head, forwardLogits(tf, model, x), target));
                if (lambda === 0 || kernels.length === 0) return loss as tfc.Scalar;
                const l2 = kernels.map((k) => tf.sum(tf.square(k)));
                return tf.add(loss, tf.mul(tf.addN(l2), 0.5 * lambda)) as tfc.Scalar;
              },
              false,
              variables,
            );
            variables.forEach((v, i) => {
              const mask = maskTensors[i];
              if (mask) v.assign(tf.mul(v, mask));
            });
          });
        }
        // Let a worker see messages between epochs (fine-tuning is short, but not instant).
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } catch (err) {
      throw toBenchtopError(err, 'Could not fine-tune the pruned model');
    } finally {
      optimizer.dispose();
      for (const m of maskTensors) m?.dispose();
    }
    return await saveModelArtifacts(tf, model);
  } finally {
    model.dispose();
  }
}
