// Precision, recall and F1 from a confusion matrix, as scikit-learn's precision_recall_fscore_support.
// Zero division (no predicted rows for precision, no true rows for recall, both zero for F1) gives
// 0, which is what sklearn's default zero_division="warn" returns (it only adds a warning).
// 'binary' scores one positive class; 'macro' averages over the classes present in y_true or in
// the predictions (sklearn's labels=None: a class seen nowhere in the fold is not averaged in);
// 'weighted' weights each class by its true-row count.
import type { ConfusionMatrix } from './confusion';
import { columnSums, rowSums } from './confusion';

export type Average = { average: 'binary'; positive: number } | { average: 'macro' | 'weighted' };

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

function div(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Precision, recall and F1 of one class (one-vs-rest). */
export function classScores(m: ConfusionMatrix, c: number): PrecisionRecallF1 {
  const tp = m[c][c];
  const predicted = columnSums(m)[c];
  const actual = rowSums(m)[c];
  const precision = div(tp, predicted);
  const recall = div(tp, actual);
  // sklearn computes F1 as 2tp / (2tp + fp + fn), which is 0 when tp = 0.
  const f1 = div(2 * tp, predicted + actual);
  return { precision, recall, f1 };
}

export function precisionRecallF1(m: ConfusionMatrix, how: Average): PrecisionRecallF1 {
  if (how.average === 'binary') return classScores(m, how.positive);
  const support = rowSums(m);
  const predicted = columnSums(m);
  let p = 0;
  let r = 0;
  let f = 0;
  let weight = 0;
  for (let c = 0; c < m.length; c++) {
    if (how.average === 'macro' && support[c] === 0 && predicted[c] === 0) continue;
    const w = how.average === 'macro' ? 1 : support[c];
    const s = classScores(m, c);
    p += w * s.precision;
    r += w * s.recall;
    f += w * s.f1;
    weight += w;
  }
  if (weight === 0) return { precision: 0, recall: 0, f1: 0 };
  return { precision: p / weight, recall: r / weight, f1: f / weight };
}
