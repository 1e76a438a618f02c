// The model contract (DESIGN.md §2, "params are data"): a model is `{kind, params}` (plain JSON,
// saved in recipes and bundles); fitting it on a numeric matrix returns a TrainedModel holding a
// stock tfjs LayersModel (so a bundle's model.json + weights load with plain tf.loadLayersModel)
// plus what the fit did (iterations, convergence, loss curve). Core never picks a tfjs backend:
// callers pass the tfjs-core module whose backend they already set (src/core/backend.ts).
import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { JsonObject, ParamSpec } from '../steps/types';

/** The tfjs-core module, with its backend already chosen by the caller. */
export type Tf = typeof tfc;

export type ModelKind = 'logreg' | 'linear' | 'mlp' | 'mlp-regressor';
export type ModelTask = 'classification' | 'regression';

/** A model as written in a recipe: `{kind: 'logreg', params: {C: 1}}`. */
export interface ModelSpec<P extends JsonObject = JsonObject> {
  kind: ModelKind;
  params: P;
}

/** A list of whole numbers (an MLP's hidden layer sizes). */
export interface IntegerListParamSpec {
  type: 'integers';
  label: string;
  help?: string;
  min: number;
  max: number;
  maxLength: number;
}

/** A model setting: the steps' number / boolean / choice settings, or a list of whole numbers. */
export type ModelParamSpec =
  Extract<ParamSpec, { type: 'number' | 'boolean' | 'choice' }> | IntegerListParamSpec;

/**
 * What a model learns from: the prepared features as one row-major float32 matrix (the layout
 * tfjs takes without a copy) and the target. Classifiers take class indices 0..classes-1;
 * regressors take values. The names only make messages better ("column 'age' has 3 missing values").
 */
export interface TrainingData {
  /** rows × cols, row-major. */
  X: Float32Array;
  rows: number;
  cols: number;
  /** Classifiers: Int32Array of class indices. Regressors: the target values. */
  y: Int32Array | Float32Array | Float64Array;
  /** Classifiers: the number of classes (y holds 0..classes-1). Defaults to max(y) + 1. */
  classes?: number;
  /**
   * Optional per-row weights (≥ 0), multiplied into every row's loss as scikit-learn's
   * `sample_weight`. A model's `classWeight: 'balanced'` setting multiplies on top, as
   * scikit-learn's `class_weight` does.
   */
  sampleWeight?: Float32Array | Float64Array;
  featureNames?: readonly string[];
  classNames?: readonly string[];
  targetName?: string;
}

/** One point of the live loss curve. `epoch` counts from 1 (L-BFGS: iterations). */
export interface EpochReport {
  epoch: number;
  loss: number;
  valLoss?: number;
}

export interface FitOptions {
  /** Seeds initialisation, shuffling, dropout and the inner validation split. */
  seed: number;
  onEpoch?: (report: EpochReport) => void;
  /** Checked between epochs / L-BFGS iterations; true stops the fit with a 'cancelled' error. */
  isCancelled?: () => boolean;
  /** Milliseconds, for `info.seconds` only (defaults to performance.now). */
  now?: () => number;
}

export interface TrainInfo {
  /** Epochs (minibatch optimisers), L-BFGS iterations, or 1 for a closed-form fit. */
  iterations: number;
  converged: boolean;
  /** Why training stopped, in words ("gradient below tol after 31 iterations"). */
  stopReason: string;
  /**
   * The training objective of the weights kept, per unit of sample weight (L-BFGS: scikit-learn's
   * summed objective divided by the total weight; minibatch: the epoch's mean batch loss, penalty
   * included; linear: half the mean squared residual). The MLP regressor trains on the target
   * standardised, so its losses are in standard deviations², not the target's units.
   */
  finalLoss: number;
  seconds: number;
  /** tf.getBackend() during the fit. */
  backend: string;
  /** One loss per epoch / iteration, as reported to onEpoch (same units as finalLoss). */
  lossCurve: number[];
  /** With early stopping: the held-out rows' loss per epoch (no penalty). */
  valLossCurve?: number[];
}

export interface TrainedModel {
  /** The spec with every setting filled in (defaults included). */
  spec: ModelSpec;
  task: ModelTask;
  /** Classifiers: number of classes (probability columns). Regressors: 1. */
  outputs: number;
  cols: number;
  model: LayersModel;
  info: TrainInfo;
  /**
   * Classifiers: class probabilities, rows × outputs row-major (a binary model's single sigmoid
   * is expanded to [1 - p, p]). Regressors: one value per row.
   */
  predict(X: Float32Array, rows: number): Promise<Float64Array>;
  /** Frees the weights (tfjs tensors are not garbage collected). */
  dispose(): void;
}
