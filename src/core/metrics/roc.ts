// ROC curve and ROC-AUC, as scikit-learn 1.2's roc_curve / roc_auc_score. The curve keeps only the
// corners (drop_intermediate=True: collinear points are dropped, the area is unchanged) and starts
// at (0, 0) with threshold = highest score + 1 (sklearn 1.2; later versions write Infinity, which
// JSON cannot hold). With one class only in y_true the ROC is undefined: AUC is NaN with a reason,
// never a crash (sklearn raises). Multiclass ROC-AUC is one-vs-rest, macro-averaged
// (roc_auc_score(multi_class='ovr', average='macro')); undefined if any class has no rows.
import { binaryClfCurve, classCounts } from './curve';
import {
  checkProbabilities,
  classColumn,
  isClass,
  type MaybeMetric,
  type Probabilities,
} from './input';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  thresholds: Float64Array;
}

function fillCurve(fps: number[], tps: number[], thr: number[]): RocCurve {
  const fpMax = fps[fps.length - 1];
  const tpMax = tps[tps.length - 1];
  return {
    fpr: Float64Array.from(fps, (v) => (fpMax > 0 ? v / fpMax : NaN)),
    tpr: Float64Array.from(tps, (v) => (tpMax > 0 ? v / tpMax : NaN)),
    thresholds: Float64Array.from(thr),
  };
}

/** roc_curve(truth, scores, drop_intermediate): truth is 1 for the positive class. */
export function rocCurve(
  truth: ArrayLike<number>,
  scores: ArrayLike<number>,
  dropIntermediate = true,
): RocCurve {
  const { fps, tps, thresholds } = binaryClfCurve(truth, scores);
  const keep: number[] = [];
  const m = fps.length;
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
      keep.push(i);
    }
  }
  const f = [0, ...keep.map((i) => fps[i])];
  const t = [0, ...keep.map((i) => tps[i])];
  const th = [m > 0 ? thresholds[keep[0]] + 1 : 1, ...keep.map((i) => thresholds[i])];
  return fillCurve(f, t, th);
}

/** Trapezoidal area under a curve given as x (monotone) and y, as numpy.trapz / sklearn.auc. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/** Binary ROC-AUC; NaN with a reason when y_true holds only one class. */
export function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): MaybeMetric {
  const { positives, negatives } = classCounts(truth);
  if (positives === 0 || negatives === 0) {
    return {
      value: NaN,
      reason: `ROC-AUC is undefined: the true labels hold only ${positives === 0 ? 'negative' : 'positive'} rows (${truth.length}), and it compares positives with negatives.`,
    };
  }
  const c = rocCurve(truth, scores, true);
  return { value: trapezoid(c.fpr, c.tpr) };
}

/** Multiclass one-vs-rest macro ROC-AUC; with k = 2 it is the binary AUC of class 1. */
export function rocAucOvr(
  y: ArrayLike<number>,
  proba: Probabilities,
  k: number,
  names?: readonly string[],
): MaybeMetric {
  checkProbabilities(y, proba, k);
  if (k === 2) return rocAuc(isClass(y, 1), classColumn(proba, k, 1));
  const missing: string[] = [];
  for (let c = 0; c < k; c++) {
    if (classCounts(isClass(y, c)).positives === 0) missing.push(names?.[c] ?? `class ${c}`);
  }
  if (missing.length > 0) {
    return {
      value: NaN,
      reason: `One-vs-rest ROC-AUC is undefined: ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no rows in the true labels.`,
    };
  }
  let sum = 0;
  for (let c = 0; c < k; c++) sum += rocAuc(isClass(y, c), classColumn(proba, k, c)).value;
  return { value: sum / k };
}
