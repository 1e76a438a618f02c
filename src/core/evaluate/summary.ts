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
 * TPR at each grid point by linear interpolation on the ROC points (fpr is non-decreasing). Where
 * several points share fpr = x (a vertical step) the highest TPR is taken, i.e. the last of them.
 * One walk: `i` is the last point before the first fpr above x, and that only moves right as x
 * grows, so it carries over from one grid point to the next (a search per grid point read the
 * whole curve 101 times per fold).
 */
function rocOnGrid(c: RocCurve): number[] {
  const { fpr, tpr } = c;
  const out = new Array<number>(GRID.length);
  let i = -1;
  for (let g = 0; g < GRID.length; g++) {
    const x = GRID[g];
    while (i + 1 < fpr.length && fpr[i + 1] <= x) i++;
    if (i < 0) out[g] = tpr[0];
    else if (fpr[i] === x || i === fpr.length - 1) out[g] = tpr[i];
    else out[g] = tpr[i] + ((tpr[i + 1] - tpr[i]) * (x - fpr[i])) / (fpr[i + 1] - fpr[i]);
  }
  out[0] = 0; // every ROC curve starts at (0, 0)
  return out;
}

/**
 * Precision at each grid recall x as average precision sees it: the precision of the highest
 * threshold whose recall reaches x (the step function AP integrates), i.e. of the last point j
 * with recall[j] >= x (the first point when none does). Recall 0 maps to the final (R=0, P=1).
 * The points reaching x only lose members as x grows, so their last index never moves right: one
 * pointer walks back over the curve once, for any order of recall (prFromCounts makes it
 * non-increasing, but the walk does not rely on it).
 */
function prOnGrid(c: PrCurve): number[] {
  const { precision, recall } = c;
  const out = new Array<number>(GRID.length);
  let best = recall.length - 1;
  for (let g = 0; g < GRID.length; g++) {
    const x = GRID[g];
    if (x <= 0) {
      out[g] = precision[precision.length - 1];
      continue;
    }
    while (best > 0 && !(recall[best] >= x)) best--;
    out[g] = precision[best];
  }
  return out;
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
    const roc = curves.map((c) => rocOnGrid(c.roc));
    const pr = curves.map((c) => prOnGrid(c.pr));
    const meanRoc = meanOn(roc, curves.length);
    meanRoc.y[meanRoc.y.length - 1] = 1;
    return { class: cls, roc: meanRoc, pr: meanOn(pr, curves.length) };
  });
}
