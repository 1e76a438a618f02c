// Precision-recall curve and PR-AUC as average precision, as scikit-learn 1.2's
// precision_recall_curve / average_precision_score: AP = sum over thresholds of
// (R_n - R_{n-1}) * P_n, a step function, not the trapezoid (which is optimistic on PR curves).
// Without any positive row the PR curve has no recall to speak of: AP is NaN with a reason
// (sklearn 1.2 warns and returns 0 there; 0 would read as "the model is useless", not "undefined").
// Multiclass PR-AUC is the macro mean of the one-vs-rest APs. The `...Of` / `...FromCounts` forms
// take a class counted once (curve.ts's countClass), so a report sorts each class's scores once.
import { binaryClfCurve, classCounts, type ClassCounting, type ClfCurve } from './curve';
import type { MaybeMetric, Probabilities } from './input';
import { oneVsRest, undefinedForMissing } from './one-vs-rest';

export interface PrCurve {
  /** Decreasing-threshold order reversed, as sklearn: recall decreasing, ending at (1, 0). */
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

/** precision_recall_curve(truth, scores): one point per distinct score, plus the final (P=1, R=0). */
export function precisionRecallCurve(truth: ArrayLike<number>, scores: ArrayLike<number>): PrCurve {
  return prFromCounts(binaryClfCurve(truth, scores));
}

/** The PR curve from a class's sorted counts (what precision_recall_curve does after the count). */
export function prFromCounts(counts: ClfCurve): PrCurve {
  const { fps, tps, thresholds } = counts;
  const m = tps.length;
  const tpMax = m > 0 ? tps[m - 1] : 0;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = m - 1 - j;
    const predicted = tps[i] + fps[i];
    precision[j] = predicted === 0 ? 0 : tps[i] / predicted;
    recall[j] = tpMax === 0 ? 1 : tps[i] / tpMax;
    thr[j] = thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

function noPositives(rows: number): MaybeMetric {
  return {
    value: NaN,
    reason: `PR-AUC (average precision) is undefined: the true labels hold no positive rows among ${rows}.`,
  };
}

/** The step sum over a PR curve: sum of (R_n - R_{n-1}) * P_n. */
function stepArea({ precision, recall }: PrCurve): number {
  let ap = 0;
  for (let j = 0; j < recall.length - 1; j++) ap -= (recall[j + 1] - recall[j]) * precision[j];
  return ap;
}

export function averagePrecision(truth: ArrayLike<number>, scores: ArrayLike<number>): MaybeMetric {
  if (classCounts(truth).positives === 0) return noPositives(truth.length);
  return { value: stepArea(precisionRecallCurve(truth, scores)) };
}

/**
 * Average precision of a counted class. `pr` is its PR curve when the caller has already drawn it;
 * the value is the same either way.
 */
export function averagePrecisionOf(counting: ClassCounting, pr?: PrCurve): MaybeMetric {
  if (counting.curve === null) return noPositives(counting.rows);
  return { value: stepArea(pr ?? prFromCounts(counting.curve)) };
}

/**
 * Macro mean of one-vs-rest average precision over the k classes counted once (3+ classes), as
 * averagePrecisionOvr computes it. `prs[c]`, when given, is class c's curve already drawn.
 */
export function averagePrecisionOvrOf(
  countings: readonly ClassCounting[],
  names?: readonly string[],
  prs?: readonly (PrCurve | undefined)[],
): MaybeMetric {
  const missing: string[] = [];
  let sum = 0;
  countings.forEach((c, i) => {
    const r = averagePrecisionOf(c, prs?.[i]);
    if (Number.isNaN(r.value)) missing.push(names?.[i] ?? `class ${i}`);
    sum += r.value;
  });
  if (missing.length > 0) return undefinedForMissing('Macro PR-AUC', missing);
  return { value: sum / countings.length };
}

/** Macro mean of one-vs-rest average precision over the k classes (k = 2: AP of class 1). */
export function averagePrecisionOvr(
  y: ArrayLike<number>,
  proba: Probabilities,
  k: number,
  names?: readonly string[],
): MaybeMetric {
  return oneVsRest(y, proba, k, averagePrecision, (countings) =>
    averagePrecisionOvrOf(countings, names),
  );
}
