// Balanced accuracy: the mean recall over classes (sklearn balanced_accuracy_score, adjusted=False).
// As sklearn, a class with no true rows (absent from this fold's y_true) is left out of the mean
// rather than counted as 0: its recall is undefined, not bad.
import type { ConfusionMatrix } from './confusion';
import { rowSums } from './confusion';

export function balancedAccuracy(m: ConfusionMatrix): number {
  const support = rowSums(m);
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < m.length; c++) {
    if (support[c] === 0) continue;
    sum += m[c][c] / support[c];
    classes++;
  }
  return classes === 0 ? NaN : sum / classes;
}
