// One-vs-rest scoring, shared by ROC-AUC (roc.ts) and average precision (average-precision.ts),
// which score k classes the same way and differ only in the binary metric: the probabilities are
// checked; with two classes the score is the binary metric of class 1's column; with 3+ each class
// is counted once (curve.ts's countClass, the report's path, so a metric computed alone and the
// report can never disagree) and the metric's macro mean is taken over those countings.
import { countClass, type ClassCounting } from './curve';
import {
  checkProbabilities,
  classColumn,
  isClass,
  type MaybeMetric,
  type Probabilities,
} from './input';

/** `binary` for k = 2 (class 1 against class 0), else `macroOf` over every class counted once. */
export function oneVsRest(
  y: ArrayLike<number>,
  proba: Probabilities,
  k: number,
  binary: (truth: ArrayLike<number>, scores: ArrayLike<number>) => MaybeMetric,
  macroOf: (countings: readonly ClassCounting[]) => MaybeMetric,
): MaybeMetric {
  checkProbabilities(y, proba, k);
  if (k === 2) return binary(isClass(y, 1), classColumn(proba, k, 1));
  const countings = Array.from({ length: k }, (_, c) =>
    countClass(isClass(y, c), classColumn(proba, k, c)),
  );
  return macroOf(countings);
}

/** "<metric> is undefined: 'a', 'b' have no rows in the true labels." as a NaN with that reason. */
export function undefinedForMissing(metric: string, missing: readonly string[]): MaybeMetric {
  return {
    value: NaN,
    reason: `${metric} is undefined: ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no rows in the true labels.`,
  };
}
