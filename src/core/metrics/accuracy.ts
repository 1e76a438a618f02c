// Accuracy: the share of rows whose predicted class is the true class (sklearn accuracy_score).
import type { ConfusionMatrix } from './confusion';
import { total } from './confusion';

export function accuracy(m: ConfusionMatrix): number {
  const n = total(m);
  if (n === 0) return NaN;
  let correct = 0;
  for (let c = 0; c < m.length; c++) correct += m[c][c];
  return correct / n;
}
