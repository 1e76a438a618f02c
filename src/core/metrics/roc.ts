// ROC curve and ROC-AUC, as scikit-learn 1.2's roc_curve / roc_auc_score. The curve keeps only the
// corners (drop_intermediate=True: collinear points are dropped, the area is unchanged) and starts
// at (0, 0) with threshold = highest score + 1 (sklearn 1.2; later versions write Infinity, which
// JSON cannot hold). With one class only in y_true the ROC is undefined: AUC is NaN with a reason,
// never a crash (sklearn raises). Multiclass ROC-AUC is one-vs-rest, macro-averaged
// (roc_auc_score(multi_class='ovr', average='macro')); undefined if any class has no rows.
// The `...Of` / `...FromCounts` forms take a class counted once (curve.ts's countClass), so a
// report sorts each class's scores once for all of its ROC and PR figures.
import { binaryClfCurve, classCounts, type ClassCounting, type ClfCurve } from './curve';
import type { MaybeMetric, Probabilities } from './input';
import { oneVsRest, undefinedForMissing } from './one-vs-rest';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  thresholds: Float64Array;
}

/** roc_curve(truth, scores, drop_intermediate): truth is 1 for the positive class. */
export function rocCurve(
  truth: ArrayLike<number>,
  scores: ArrayLike<number>,
  dropIntermediate = true,
): RocCurve {
  return rocFromCounts(binaryClfCurve(truth, scores), dropIntermediate);
}

/** The ROC curve from a class's sorted counts (what roc_curve does after _binary_clf_curve). */
export function rocFromCounts(counts: ClfCurve, dropIntermediate = true): RocCurve {
  const { fps, tps, thresholds } = counts;
  const m = fps.length;
  // Point 0 is (0, 0) at threshold = highest score + 1; then the kept steps.
  const fpr = new Float64Array(m + 1);
  const tpr = new Float64Array(m + 1);
  const thr = new Float64Array(m + 1);
  const fpMax = m > 0 ? fps[m - 1] : 0;
  const tpMax = m > 0 ? tps[m - 1] : 0;
  let k = 1;
  for (let i = 0; i < m; i++) {
    // sklearn keeps a point where the second difference of fps or tps is non-zero (a corner).
    if (
      !dropIntermediate ||
      m <= 2 ||
      i === 0 ||
      i === m - 1 ||
      fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 ||
      tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0
    ) {
      fpr[k] = fpMax > 0 ? fps[i] / fpMax : NaN;
      tpr[k] = tpMax > 0 ? tps[i] / tpMax : NaN;
      thr[k++] = thresholds[i];
    }
  }
  fpr[0] = fpMax > 0 ? 0 : NaN;
  tpr[0] = tpMax > 0 ? 0 : NaN;
  thr[0] = m > 0 ? thresholds[0] + 1 : 1;
  return { fpr: fpr.slice(0, k), tpr: tpr.slice(0, k), thresholds: thr.slice(0, k) };
}

/** Trapezoidal area under a curve given as x (monotone) and y, as numpy.trapz / sklearn.auc. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/** Why ROC-AUC is undefined with these counts, or null when it is defined. */
function undefinedRoc(positives: number, negatives: number, rows: number): MaybeMetric | null {
  if (positives > 0 && negatives > 0) return null;
  return {
    value: NaN,
    reason: `ROC-AUC is undefined: the true labels hold only ${positives === 0 ? 'negative' : 'positive'} rows (${rows}), and it compares positives with negatives.`,
  };
}

/** Binary ROC-AUC; NaN with a reason when y_true holds only one class. */
export function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): MaybeMetric {
  const { positives, negatives } = classCounts(truth);
  const undef = undefinedRoc(positives, negatives, truth.length);
  if (undef) return undef;
  const c = rocCurve(truth, scores, true);
  return { value: trapezoid(c.fpr, c.tpr) };
}

/**
 * ROC-AUC of a counted class. `roc` is its curve (drop_intermediate = true) when the caller has
 * already drawn it; the area is the same either way.
 */
export function rocAucOf(counting: ClassCounting, roc?: RocCurve): MaybeMetric {
  const undef = undefinedRoc(counting.positives, counting.negatives, counting.rows);
  if (undef) return undef;
  const c = roc ?? rocFromCounts(counting.curve as ClfCurve, true);
  return { value: trapezoid(c.fpr, c.tpr) };
}

/**
 * Macro one-vs-rest ROC-AUC over the k classes counted once (3+ classes; `countings[c]` is class
 * c's), as rocAucOvr computes it. `rocs[c]`, when given, is class c's curve already drawn.
 */
export function rocAucOvrOf(
  countings: readonly ClassCounting[],
  names?: readonly string[],
  rocs?: readonly (RocCurve | undefined)[],
): MaybeMetric {
  const missing: string[] = [];
  countings.forEach((c, i) => {
    if (c.positives === 0) missing.push(names?.[i] ?? `class ${i}`);
  });
  if (missing.length > 0) return undefinedForMissing('One-vs-rest ROC-AUC', missing);
  let sum = 0;
  countings.forEach((c, i) => (sum += rocAucOf(c, rocs?.[i]).value));
  return { value: sum / countings.length };
}

/** Multiclass one-vs-rest macro ROC-AUC; with k = 2 it is the binary AUC of class 1. */
export function rocAucOvr(
  y: ArrayLike<number>,
  proba: Probabilities,
  k: number,
  names?: readonly string[],
): MaybeMetric {
  return oneVsRest(y, proba, k, rocAuc, (countings) => rocAucOvrOf(countings, names));
}
