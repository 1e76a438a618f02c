// TEST DOUBLES for crossValidate (not shipped in src/core): small but real models written out in
// full, so cross-validation can be tested end to end without tfjs, and compared fold by fold with
// scikit-learn's NearestCentroid / LinearRegression on the same folds. Plus a recording trainer
// (which rows a model was fitted on and asked to predict) and loaders for vega-datasets files.
import { readFileSync } from 'node:fs';
import {
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type FrameColumn,
} from '../../src/core/data/frame';
import type { FoldModel, ModelTrainer, TrainingData } from '../../src/core/evaluate';
import { emptyRecipe, type Recipe } from '../../src/core/recipe/recipe';
import type { StepSpec } from '../../src/core/steps';

/**
 * Nearest centroid (sklearn's NearestCentroid, Euclidean): predicts the class whose training mean
 * is closest. Probabilities are exp(-(d - d_min)) normalised, so the argmax is the nearest centroid
 * (the first on ties, as sklearn's argmin). A class absent from the training fold is never predicted.
 */
export const nearestCentroid: ModelTrainer = {
  async fit(data: TrainingData) {
    const k = data.classes!;
    const { X, rows, cols } = data;
    const y = data.y as Int32Array;
    const centroids = new Float64Array(k * cols);
    const counts = new Float64Array(k);
    for (let i = 0; i < rows; i++) {
      counts[y[i]]++;
      for (let j = 0; j < cols; j++) centroids[y[i] * cols + j] += X[i * cols + j];
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) centroids[c * cols + j] /= counts[c];
    const model: FoldModel = {
      predict(Xt: Float32Array, n: number) {
        const out = new Float64Array(n * k);
        const d = new Float64Array(k);
        for (let i = 0; i < n; i++) {
          let min = Infinity;
          for (let c = 0; c < k; c++) {
            let s = 0;
            for (let j = 0; j < cols; j++) s += (Xt[i * cols + j] - centroids[c * cols + j]) ** 2;
            d[c] = counts[c] > 0 ? Math.sqrt(s) : Infinity;
            if (d[c] < min) min = d[c];
          }
          let sum = 0;
          for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(-(d[c] - min));
          for (let c = 0; c < k; c++) out[i * k + c] /= sum;
        }
        return out;
      },
      dispose() {},
    };
    return model;
  },
};

/** Solves A x = b (A n×n, row-major, overwritten) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let p = 0; p < n; p++) {
    let best = p;
    for (let r = p + 1; r < n; r++)
      if (Math.abs(A[r * n + p]) > Math.abs(A[best * n + p])) best = r;
    for (let c = 0; c < n; c++) [A[p * n + c], A[best * n + c]] = [A[best * n + c], A[p * n + c]];
    [b[p], b[best]] = [b[best], b[p]];
    for (let r = p + 1; r < n; r++) {
      const f = A[r * n + p] / A[p * n + p];
      for (let c = p; c < n; c++) A[r * n + c] -= f * A[p * n + c];
      b[r] -= f * b[p];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < n; c++) s -= A[r * n + c] * x[c];
    x[r] = s / A[r * n + r];
  }
  return x;
}

/**
 * Ordinary least squares with an intercept (sklearn's LinearRegression), by the normal equations
 * on centred data. A ridge of 1e-8 makes collinear one-hot columns solvable; it moves predictions
 * by far less than the float32 rounding of the features.
 */
export const leastSquares: ModelTrainer = {
  async fit(data: TrainingData) {
    const { X, rows, cols } = data;
    const y = data.y as Float64Array;
    const mx = new Float64Array(cols);
    let my = 0;
    for (let i = 0; i < rows; i++) {
      my += y[i];
      for (let j = 0; j < cols; j++) mx[j] += X[i * cols + j];
    }
    my /= rows;
    for (let j = 0; j < cols; j++) mx[j] /= rows;
    const A = new Float64Array(cols * cols);
    const b = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const xj = X[i * cols + j] - mx[j];
        b[j] += xj * (y[i] - my);
        for (let l = 0; l < cols; l++) A[j * cols + l] += xj * (X[i * cols + l] - mx[l]);
      }
    }
    for (let j = 0; j < cols; j++) A[j * cols + j] += 1e-8;
    const w = solve(A, b, cols);
    let intercept = my;
    for (let j = 0; j < cols; j++) intercept -= w[j] * mx[j];
    return {
      predict(Xt: Float32Array, n: number) {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let s = intercept;
          for (let j = 0; j < cols; j++) s += w[j] * Xt[i * cols + j];
          out[i] = s;
        }
        return out;
      },
      dispose() {},
    };
  },
};

export interface Recording {
  /** Per fit: the values of the id feature of every training row. */
  fitted: number[][];
  predicted: number[][];
  disposed: number;
}

/**
 * Wraps a trainer and records the `idColumn` feature of every row it is fitted on and asked to
 * predict: the leakage test's witness at the model's end of the pipeline.
 */
export function recordingTrainer(
  inner: ModelTrainer,
  idColumn: string,
): { trainer: ModelTrainer; recording: Recording } {
  const recording: Recording = { fitted: [], predicted: [], disposed: 0 };
  const ids = (X: Float32Array, rows: number, cols: number, j: number): number[] =>
    Array.from({ length: rows }, (_, i) => X[i * cols + j]);
  const trainer: ModelTrainer = {
    async fit(data, options) {
      const j = data.featureNames.indexOf(idColumn);
      recording.fitted.push(ids(data.X, data.rows, data.cols, j));
      const model = await inner.fit(data, options);
      return {
        predict(X: Float32Array, rows: number) {
          recording.predicted.push(ids(X, rows, data.cols, j));
          return model.predict(X, rows);
        },
        dispose() {
          recording.disposed++;
          model.dispose();
        },
      };
    },
  };
  return { trainer, recording };
}

const DATA = 'node_modules/vega-datasets/data/';

/** A vega-datasets JSON file as a frame: the named numeric and categorical columns. */
export function jsonFrame(
  file: string,
  numeric: readonly string[],
  categorical: readonly string[],
): Frame {
  const rows = JSON.parse(readFileSync(DATA + file, 'utf8')) as Record<string, unknown>[];
  const columns: FrameColumn[] = [
    ...numeric.map((name) =>
      numericColumn(
        name,
        'number',
        rows.map((r) => (typeof r[name] === 'number' ? (r[name] as number) : null)),
      ),
    ),
    ...categorical.map((name) =>
      stringColumn(
        name,
        'categorical',
        rows.map((r) => (typeof r[name] === 'string' ? (r[name] as string) : null)),
      ),
    ),
  ];
  return makeFrame(columns);
}

/** A recipe with the given target, task and steps (seed 0 unless given). */
export function recipeOf(
  target: string,
  task: 'classification' | 'regression',
  steps: StepSpec[],
  seed = 0,
): Recipe {
  return { ...emptyRecipe(seed), target, task, steps };
}
