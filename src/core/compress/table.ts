// The compression table: for one trained model, each variant (none = float32, float16, uint8,
// pruned) as it would be stored, loaded back through stock tfjs (tf.io.fromMemory +
// tf.loadLayersModel decode the quantization), scored on held-out rows, with its weights size and
// deflated size, and a guard flagging any variant whose metric drops more than a limit (default
// 1 point: accuracy in percentage points for classifiers, R² × 100 for regressors).
import { deflateSync } from 'fflate';
import { BenchtopError } from '../errors';
import { findColumn, type Frame } from '../data/frame';
import { encodeTarget, regressionTarget } from '../evaluate/labels';
import { toMatrix } from '../evaluate/matrix';
import type { FinalModel } from '../evaluate/run';
import {
  loadedInfo,
  loadModelArtifacts,
  saveModelArtifacts,
  wrapModel,
  type ModelArtifacts,
} from '../models/trained';
import type { ModelSpec, Tf, TrainedModel, TrainingData } from '../models/types';
import { applyRecipe } from '../recipe/run';
import { fineTunePruned, pruneArtifacts, type FineTuneOptions } from './prune';
import { quantizeArtifacts } from './quantize';
import { quantizeUint8Calibrated, type CalibrationRows } from './calibrate';

export type Variant = 'none' | 'float16' | 'uint8' | 'pruned';

/** Prepared rows with a target: what a variant is scored on (or fine-tuned on). */
export interface HeldOut {
  X: Float32Array;
  rows: number;
  cols: number;
  /** Classifiers: class indices; regressors: values. */
  y: Int32Array | Float64Array;
}

export interface CompressionRow {
  variant: Variant;
  /** weights.bin bytes as the bundle stores them. */
  weightBytes: number;
  /** float32 bytes / this variant's bytes. */
  ratio: number;
  /** weights.bin deflated as in the zip (pruning shows here, not in weightBytes). */
  zippedBytes: number;
  /** 'accuracy' (classification) or 'r2' (regression), on the held-out rows. */
  metric: 'accuracy' | 'r2';
  value: number;
  /** (float32 value − this value) in points (× 100). Positive = worse. */
  drop: number;
  /** drop > limit. */
  flagged: boolean;
  /** Pruned only: the share of kernel weights that are zero, and whether it was fine-tuned. */
  sparsity?: number;
  fineTuned?: boolean;
}

export interface CompressionOptions {
  /** Largest acceptable drop in points (default 1). */
  limit?: number;
  /** Share of each kernel to prune (default 0.5). */
  sparsity?: number;
  /** Training rows to fine-tune the pruned model on (none: pruned without fine-tuning). */
  fineTune?: TrainingData;
  fineTuneOptions?: FineTuneOptions;
  /**
   * Training rows (never the held-out ones) to calibrate uint8 rounding on, as a bundle export
   * does (calibrate.ts). Without them uint8 rounds each weight to its nearest level.
   */
  calibration?: CalibrationRows;
}

export interface CompressionTable {
  rows: CompressionRow[];
  limit: number;
  /** One sentence per flagged variant ("uint8 loses 1.4 points of accuracy (limit 1)"). */
  warnings: string[];
  /** The pruned artifacts (fine-tuned if asked), to write into a bundle when chosen. */
  pruned: ModelArtifacts;
}

/** Prepared held-out rows from a frame, through the final model's fitted steps and label mapping. */
export function preparedRows(final: FinalModel, frame: Frame): HeldOut {
  const prepared = applyRecipe(frame, final.fitted, { inference: true });
  const column = findColumn(prepared, final.target);
  if (!column) {
    throw new BenchtopError(
      'invalid-argument',
      `The held-out rows have no target column '${final.target}', so they cannot be scored.`,
      { column: final.target },
    );
  }
  const yAll = final.labels ? encodeTarget(column, final.labels) : regressionTarget(column);
  const keep: number[] = [];
  for (let i = 0; i < prepared.rows; i++)
    if (final.labels ? yAll[i] >= 0 : yAll[i] === yAll[i]) keep.push(i);
  const m = toMatrix(prepared, final.target, {
    rows: Int32Array.from(keep),
    features: final.features,
  });
  const y = final.labels
    ? Int32Array.from(keep, (i) => yAll[i])
    : Float64Array.from(keep, (i) => yAll[i]);
  return { X: m.X, rows: m.rows, cols: m.cols, y };
}

function score(model: TrainedModel, out: Float64Array, heldOut: HeldOut): number {
  if (model.task === 'classification') {
    const k = model.outputs;
    let right = 0;
    for (let i = 0; i < heldOut.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
      if (best === heldOut.y[i]) right++;
    }
    return right / heldOut.rows;
  }
  let mean = 0;
  for (let i = 0; i < heldOut.rows; i++) mean += heldOut.y[i];
  mean /= heldOut.rows;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < heldOut.rows; i++) {
    ssRes += (heldOut.y[i] - out[i]) ** 2;
    ssTot += (heldOut.y[i] - mean) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : NaN;
}

async function scoreArtifacts(
  tf: Tf,
  spec: ModelSpec,
  task: TrainedModel['task'],
  artifacts: ModelArtifacts,
  heldOut: HeldOut,
): Promise<number> {
  const layers = await loadModelArtifacts(tf, artifacts);
  const model = wrapModel(tf, spec, task, layers, loadedInfo(tf));
  try {
    return score(model, await model.predict(heldOut.X, heldOut.rows), heldOut);
  } finally {
    model.dispose();
  }
}

/**
 * Size and held-out metric of every variant of `model`. Each variant is decoded by stock tfjs from
 * the bytes a bundle would hold, so the figures are what an importer gets.
 */
export async function compressionTable(
  tf: Tf,
  model: TrainedModel,
  heldOut: HeldOut,
  options: CompressionOptions = {},
): Promise<CompressionTable> {
  if (heldOut.rows === 0) {
    throw new BenchtopError(
      'no-rows',
      'There are no held-out rows to score the compressed models on.',
    );
  }
  if (heldOut.cols !== model.cols) {
    throw new BenchtopError(
      'invalid-argument',
      `The held-out rows have ${heldOut.cols} features, but the model takes ${model.cols}.`,
    );
  }
  const limit = options.limit ?? 1;
  const base = await saveModelArtifacts(tf, model.model);
  const pruning = pruneArtifacts(base, options.sparsity ?? 0.5);
  const pruned = options.fineTune
    ? await fineTunePruned(tf, pruning, model.spec, options.fineTune, options.fineTuneOptions)
    : pruning.artifacts;
  const variants: [Variant, ModelArtifacts][] = [
    ['none', base],
    ['float16', quantizeArtifacts(base, 'float16')],
    ['uint8', quantizeUint8Calibrated(base, options.calibration).artifacts],
    ['pruned', pruned],
  ];
  const metric = model.task === 'classification' ? 'accuracy' : 'r2';
  const rows: CompressionRow[] = [];
  let reference = NaN;
  for (const [variant, artifacts] of variants) {
    const value = await scoreArtifacts(tf, model.spec, model.task, artifacts, heldOut);
    if (variant === 'none') reference = value;
    const drop = (reference - value) * 100;
    const bytes = artifacts.weightData.byteLength;
    rows.push({
      variant,
      weightBytes: bytes,
      ratio: base.weightData.byteLength / bytes,
      zippedBytes: deflateSync(new Uint8Array(artifacts.weightData), { level: 6 }).length,
      metric,
      value,
      drop,
      flagged: drop > limit,
      ...(variant === 'pruned'
        ? { sparsity: pruning.sparsity, fineTuned: !!options.fineTune }
        : {}),
    });
  }
  const warnings = rows
    .filter((r) => r.flagged)
    .map(
      (r) =>
        `${r.variant === 'none' ? 'float32' : r.variant} loses ${r.drop.toFixed(2)} points of ${r.metric === 'accuracy' ? 'accuracy' : 'R²'} on the held-out rows (the limit is ${limit}): keep a less compressed variant.`,
    );
  return { rows, limit, warnings, pruned };
}
