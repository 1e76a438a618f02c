// Summaries over folds: each metric's mean and standard deviation, and mean ROC / PR curves.
// The std is the population std (ddof = 0), i.e. numpy's default, which is what
// `cross_validate(...)["test_score"].std()` and scikit-learn's own examples report
// ("accuracy %0.2f with a standard deviation of %0.2f" % (scores.mean(), scores.std())).
// A metric undefined in some folds (ROC-AUC with one class in a fold) is averaged over the folds
// where it is defined, and `folds` says how many those were.
import type { ClassCurves, PrCurve, RocCurve } from '../metrics';

export interface MetricSummary {
  mean: number;
  std: number;
  /** Folds in which the metric was defined (not NaN). */
  folds: number;
}

export function summarize(values: readonly number[]): MetricSummary {
  const defined = values.filter((v) => !Number.isNaN(v));
  if (defined.length === 0) return { mean: NaN, std: NaN, folds: 0 };
  const mean = defined.reduce((s, v) => s + v, 0) / defined.length;
  const variance = defined.reduce((s, v) => s + (v - mean) ** 2, 0) / defined.length;
  return { mean, std: Math.sqrt(variance), folds: defined.length };
}

/** A curve averaged over folds on a fixed grid, with the per-point std (for a ± band). */
export interface MeanCurve {
  /** roc: false positive rate; pr: recall. 0, 0.01, ..., 1. */
  x: Float64Array;
  /** roc: mean true positive rate; pr: mean precision. */
  y: Float64Array;
  std: Float64Array;
  folds: number;
}

export interface MeanClassCurves {
  class: number;
  roc: MeanCurve;
  pr: MeanCurve;
}

const GRID = Float64Array.from({ length: 101 }, (_, i) => i / 100);

/**
 * TPR at `x` by linear interpolation on the ROC points (fpr is non-decreasing). Where several
 * points share fpr = x (a vertical step) the highest TPR is taken, i.e. the last of them.
 */
function rocAt(c: RocCurve, x: number): number {
  const { fpr, tpr } = c;
  let i = -1;
  while (i + 1 < fpr.length && fpr[i + 1] <= x) i++;
  if (i < 0) return tpr[0];
  if (fpr[i] === x || i === fpr.length - 1) return tpr[i];
  return tpr[i] + ((tpr[i + 1] - tpr[i]) * (x - fpr[i])) / (fpr[i + 1] - fpr[i]);
}

/**
 * Precision at recall `x` as average precision sees it: the precision of the highest threshold
 * whose recall reaches `x` (the step function AP integrates). Recall 0 maps to the final (R=0, P=1).
 */
function prAt(c: PrCurve, x: number): number {
  const { precision, recall } = c;
  if (x <= 0) return precision[precision.length - 1];
  // recall is non-increasing; the last j with recall[j] >= x is the highest threshold reaching x.
  let best = 0;
  for (let j = 0; j < recall.length; j++) if (recall[j] >= x) best = j;
  return precision[best];
}

function meanOn(values: number[][], folds: number): MeanCurve {
  const y = new Float64Array(GRID.length);
  const std = new Float64Array(GRID.length);
  for (let g = 0; g < GRID.length; g++) {
    const s = summarize(values.map((v) => v[g]));
    y[g] = s.mean;
    std[g] = s.std;
  }
  return { x: GRID.slice(), y, std, folds };
}

/** Vertical averaging of each class's per-fold curves (scikit-learn's "ROC with cross validation"). */
export function meanCurves(perFold: readonly (readonly ClassCurves[])[]): MeanClassCurves[] {
  const classes = [...new Set(perFold.flatMap((f) => f.map((c) => c.class)))].sort((a, b) => a - b);
  return classes.map((cls) => {
    const curves = perFold.flatMap((f) => f.filter((c) => c.class === cls));
    const roc = curves.map((c) => {
      const t = Array.from(GRID, (x) => rocAt(c.roc, x));
      t[0] = 0; // every ROC curve starts at (0, 0)
      return t;
    });
    const pr = curves.map((c) => Array.from(GRID, (x) => prAt(c.pr, x)));
    const meanRoc = meanOn(roc, curves.length);
    meanRoc.y[meanRoc.y.length - 1] = 1;
    return { class: cls, roc: meanRoc, pr: meanOn(pr, curves.length) };
  });
}
