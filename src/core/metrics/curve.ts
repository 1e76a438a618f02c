// The counting behind ROC and precision-recall curves: scikit-learn's _binary_clf_curve. Rows are
// sorted by score, highest first; at each distinct score (the thresholds, decreasing) we count the
// true and false positives among rows scoring at least that much. Tied scores form one step, so
// the curves (and the areas under them) do not depend on the order of tied rows.
import { BenchtopError } from '../errors';

export interface ClfCurve {
  /** False positives at each threshold (rows with score >= threshold that are negatives). */
  fps: Float64Array;
  tps: Float64Array;
  /** Distinct scores, decreasing. */
  thresholds: Float64Array;
}

export function binaryClfCurve(truth: ArrayLike<number>, scores: ArrayLike<number>): ClfCurve {
  const n = truth.length;
  if (scores.length !== n) {
    throw new BenchtopError(
      'invalid-argument',
      `A curve needs one score per row: ${n} labels but ${scores.length} scores.`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) {
      throw new BenchtopError(
        'invalid-argument',
        `The model returned no score (NaN) for row ${i + 1}, so no ROC or PR curve can be drawn. The model's training probably diverged: lower the learning rate or scale the features.`,
        { row: i + 1 },
      );
    }
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    tp += truth[i] ? 1 : 0;
    if (j === n - 1 || scores[order[j + 1]] !== scores[i]) {
      tps.push(tp);
      fps.push(j + 1 - tp);
      thresholds.push(scores[i]);
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  };
}

/** How many rows are positive (truth 1) and negative. */
export function classCounts(truth: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < truth.length; i++) positives += truth[i] ? 1 : 0;
  return { positives, negatives: truth.length - positives };
}
