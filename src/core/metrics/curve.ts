// The counting behind ROC and precision-recall curves: scikit-learn's _binary_clf_curve. Rows are
// sorted by score, highest first; at each distinct score (the thresholds, decreasing) we count the
// true and false positives among rows scoring at least that much. Tied scores form one step, so
// the curves (and the areas under them) do not depend on the order of tied rows. A report counts
// each class once (`countClass`) and derives ROC-AUC, the ROC curve, average precision and the PR
// curve from that one sort (roc.ts, average-precision.ts), instead of sorting the scores per metric.
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
  // Two native numeric sorts, of the negatives' and of the positives' scores (together cheaper than
  // sorting every score, and far cheaper than sorting row indices with a comparator, which calls
  // back into JS n·log n times), then one walk down both from the highest score: at each distinct
  // score, the rows at or above it are counted on each side. Ties stay one step.
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i]) positives++;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(n - positives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (truth[i]) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  const fps = new Float64Array(n);
  const tps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let steps = 0;
  let p = positives - 1;
  let q = n - positives - 1;
  while (p >= 0 || q >= 0) {
    const s = q < 0 || (p >= 0 && pos[p] > neg[q]) ? pos[p] : neg[q];
    while (p >= 0 && pos[p] === s) p--;
    while (q >= 0 && neg[q] === s) q--;
    tps[steps] = positives - 1 - p;
    fps[steps] = n - positives - 1 - q;
    thresholds[steps++] = s;
  }
  return {
    fps: fps.slice(0, steps),
    tps: tps.slice(0, steps),
    thresholds: thresholds.slice(0, steps),
  };
}

/** How many rows are positive (truth 1) and negative. */
export function classCounts(truth: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < truth.length; i++) positives += truth[i] ? 1 : 0;
  return { positives, negatives: truth.length - positives };
}

/** One class's rows counted once (one-vs-rest): every ROC and PR figure of it derives from this. */
export interface ClassCounting {
  rows: number;
  positives: number;
  negatives: number;
  /**
   * The sorted counts; null without a positive row, where neither average precision nor ROC is
   * defined (so a NaN score there is not an error, as in the metrics computed one by one).
   */
  curve: ClfCurve | null;
}

/** Counts a class's positives and negatives, and sorts its scores once when there are positives. */
export function countClass(truth: ArrayLike<number>, scores: ArrayLike<number>): ClassCounting {
  const { positives, negatives } = classCounts(truth);
  return {
    rows: truth.length,
    positives,
    negatives,
    curve: positives > 0 ? binaryClfCurve(truth, scores) : null,
  };
}
