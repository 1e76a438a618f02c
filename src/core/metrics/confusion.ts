// Confusion matrix: rows are true classes, columns predicted classes, as scikit-learn's
// confusion_matrix(y, pred, labels=range(k)). Most classification metrics are computed from it.
import { checkLabels, checkSameLength } from './input';

export type ConfusionMatrix = number[][];

export function confusionMatrix(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  k: number,
): ConfusionMatrix {
  checkSameLength(y, pred, 'Confusion matrix');
  checkLabels(y, k);
  checkLabels(pred, k, 'predicted labels');
  const m: ConfusionMatrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]][pred[i]]++;
  return m;
}

/** Element-wise sum (the confusion matrix summed over folds). */
export function addConfusion(a: ConfusionMatrix, b: ConfusionMatrix): ConfusionMatrix {
  return a.map((row, i) => row.map((v, j) => v + b[i][j]));
}

export function rowSums(m: ConfusionMatrix): number[] {
  return m.map((row) => row.reduce((s, v) => s + v, 0));
}

export function columnSums(m: ConfusionMatrix): number[] {
  return m[0].map((_, j) => m.reduce((s, row) => s + row[j], 0));
}

export function total(m: ConfusionMatrix): number {
  return rowSums(m).reduce((s, v) => s + v, 0);
}
