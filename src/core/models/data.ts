// Checks on what reaches a model, and the row bookkeeping every fit shares: per-row weights
// (sample weights × class weights, as scikit-learn multiplies them), the seeded inner validation
// split used for early stopping, and seeded shuffles. A problem in the data is a BenchtopError
// that names the column / class / count and says what to change, never a tfjs exception.
import { BenchtopError } from '../errors';
import type { ModelTask, TrainingData } from './types';

/** TrainingData after the checks: classes known, weights resolved (1 per row when none given). */
export interface CheckedData {
  X: Float32Array;
  rows: number;
  cols: number;
  task: ModelTask;
  /** Class indices (classification) or values (regression). */
  y: Int32Array | Float32Array | Float64Array;
  /** Classification: number of classes; regression: 1. */
  classes: number;
  /** Per-row sample weights (all 1 when none were given). */
  sampleWeight: Float32Array;
  /** Rows per class (classification), else empty. */
  classCounts: number[];
  featureName(j: number): string;
  className(c: number): string;
}

function bad(message: string, details: Record<string, string | number> = {}): BenchtopError {
  return new BenchtopError('invalid-argument', message, details);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function checkTrainingData(data: TrainingData, task: ModelTask): CheckedData {
  const { X, rows, cols, y } = data;
  if (!Number.isInteger(cols) || cols < 1) {
    throw bad(
      'No feature columns reach the model: every column was dropped, ignored or is the target. Keep at least one feature column in the recipe.',
    );
  }
  if (!Number.isInteger(rows) || rows < 1) {
    throw new BenchtopError('no-rows', 'There are no rows to train the model on.');
  }
  if (X.length !== rows * cols) {
    throw bad(
      `The feature matrix holds ${X.length} values, but ${rows} rows × ${cols} columns need ${rows * cols}.`,
    );
  }
  if (y.length !== rows) {
    throw bad(`The target has ${y.length} values, but there are ${rows} rows of features.`);
  }
  const featureName = (j: number) => data.featureNames?.[j] ?? `feature ${j + 1}`;
  checkFinite(X, rows, cols, featureName);

  let sampleWeight: Float32Array;
  if (data.sampleWeight) {
    const sw = data.sampleWeight;
    if (sw.length !== rows) {
      throw bad(`There are ${sw.length} sample weights for ${rows} rows; give one per row.`);
    }
    let total = 0;
    for (let i = 0; i < rows; i++) {
      if (!(sw[i] >= 0) || !Number.isFinite(sw[i])) {
        throw bad(
          `Sample weight ${sw[i]} on row ${i + 1} is not a finite number ≥ 0. Weights must be finite and not negative.`,
          { row: i + 1 },
        );
      }
      total += sw[i];
    }
    if (!(total > 0)) throw bad('Every sample weight is 0, so there is nothing to learn from.');
    sampleWeight = Float32Array.from(sw);
  } else {
    sampleWeight = new Float32Array(rows).fill(1);
  }

  const target = data.targetName ? `target '${data.targetName}'` : 'target';
  if (task === 'regression') {
    let missing = 0;
    for (let i = 0; i < rows; i++) if (!Number.isFinite(y[i])) missing++;
    if (missing > 0) {
      throw bad(
        `The ${target} has ${plural(missing, 'missing or infinite value')}. Drop those rows first (the 'rows.drop-missing-target' step).`,
        { count: missing },
      );
    }
    return {
      X,
      rows,
      cols,
      task,
      y,
      classes: 1,
      sampleWeight,
      classCounts: [],
      featureName,
      className: (c) => String(c),
    };
  }

  if (!(y instanceof Int32Array)) {
    throw bad(`A classifier needs the ${target} as class indices (Int32Array).`);
  }
  let maxClass = -1;
  for (let i = 0; i < rows; i++) {
    const c = y[i];
    if (c < 0) {
      throw bad(
        `The ${target} is missing on row ${i + 1}. Drop rows without a target first (the 'rows.drop-missing-target' step).`,
        { row: i + 1 },
      );
    }
    if (c > maxClass) maxClass = c;
  }
  const classes = data.classes ?? maxClass + 1;
  if (maxClass >= classes) {
    throw bad(`Class index ${maxClass} is out of range for ${classes} classes.`);
  }
  const className = (c: number) => data.classNames?.[c] ?? `class ${c}`;
  const classCounts = new Array<number>(classes).fill(0);
  for (let i = 0; i < rows; i++) classCounts[y[i]]++;
  const present = classCounts.filter((n) => n > 0).length;
  if (present < 2) {
    const only = classCounts.findIndex((n) => n > 0);
    throw bad(
      `The ${target} has only one class ('${className(only)}', ${plural(rows, 'row')}) in the training rows; a classifier needs at least two. Check the target column, or use a stratified split so every fold sees each class.`,
      { class: className(only), count: rows },
    );
  }
  return { X, rows, cols, task, y, classes, sampleWeight, classCounts, featureName, className };
}

/** NaN or ±Infinity in a feature: name the column, so the person knows which step to add. */
function checkFinite(X: Float32Array, rows: number, cols: number, name: (j: number) => string) {
  for (let i = 0; i < X.length; i++) {
    if (Number.isFinite(X[i])) continue;
    const j = i % cols;
    let missing = 0;
    let infinite = 0;
    for (let r = 0; r < rows; r++) {
      const v = X[r * cols + j];
      if (Number.isNaN(v)) missing++;
      else if (!Number.isFinite(v)) infinite++;
    }
    if (missing > 0) {
      throw bad(
        `Column '${name(j)}' still has ${plural(missing, 'missing value')} when it reaches the model. Add an impute step for it (e.g. 'impute.median' or 'impute.mean') to the recipe, or drop those rows ('rows.drop-missing').`,
        { column: name(j), count: missing },
      );
    }
    throw bad(
      `Column '${name(j)}' has ${plural(infinite, 'infinite value')} (too large for 32-bit floats). Rescale it (e.g. 'transform.log' or 'scale.standard') or clip it ('outliers.iqr').`,
      { column: name(j), count: infinite },
    );
  }
}

/**
 * Per-row weights for the loss: sample weights × class weights. 'balanced' is scikit-learn's
 * n_samples / (n_classes * count(class)), over the classes present in these rows.
 */
export function rowWeights(data: CheckedData, classWeight: string): Float32Array {
  if (data.task !== 'classification' || classWeight !== 'balanced') return data.sampleWeight;
  const y = data.y as Int32Array;
  const present = data.classCounts.filter((n) => n > 0).length;
  const perClass = data.classCounts.map((n) => (n > 0 ? data.rows / (present * n) : 0));
  const out = new Float32Array(data.rows);
  for (let i = 0; i < data.rows; i++) out[i] = data.sampleWeight[i] * perClass[y[i]];
  return out;
}

/** In-place Fisher–Yates with the seeded RNG. */
export function shuffleInPlace(a: Int32Array, rng: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

export interface InnerSplit {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * The held-out rows early stopping watches, as scikit-learn's MLP takes them
 * (train_test_split(test_size=fraction, stratify=y for classifiers)): ceil(fraction × rows) rows,
 * spread over the classes in proportion (largest remainders), seeded. Too few rows for either
 * part is a message saying what to change.
 */
export function innerSplit(data: CheckedData, fraction: number, rng: () => number): InnerSplit {
  const nVal = Math.ceil(fraction * data.rows);
  if (nVal < 1 || data.rows - nVal < 1) {
    throw bad(
      `Early stopping holds out ${Math.round(fraction * 100)}% of ${plural(data.rows, 'row')}, which leaves nothing to ${nVal < 1 ? 'validate on' : 'train on'}. Turn early stopping off or change 'validationFraction'.`,
    );
  }
  if (data.task === 'regression') {
    const order = shuffleInPlace(
      Int32Array.from({ length: data.rows }, (_, i) => i),
      rng,
    );
    return {
      validation: order.slice(0, nVal).sort(),
      train: order.slice(nVal).sort(),
    };
  }
  // Stratified: each class gives round(share × nVal) rows (largest remainders fill the rest).
  const y = data.y as Int32Array;
  const byClass: number[][] = data.classCounts.map(() => []);
  for (let i = 0; i < data.rows; i++) byClass[y[i]].push(i);
  const exact = data.classCounts.map((n) => (n * nVal) / data.rows);
  const take = exact.map(Math.floor);
  let left = nVal - take.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, c) => ({ c, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (left <= 0) break;
    if (take[c] < data.classCounts[c]) {
      take[c]++;
      left--;
    }
  }
  const validation: number[] = [];
  const train: number[] = [];
  byClass.forEach((rowsOfClass, c) => {
    const idx = shuffleInPlace(Int32Array.from(rowsOfClass), rng);
    for (let k = 0; k < idx.length; k++) (k < take[c] ? validation : train).push(idx[k]);
  });
  return {
    validation: Int32Array.from(validation).sort(),
    train: Int32Array.from(train).sort(),
  };
}
