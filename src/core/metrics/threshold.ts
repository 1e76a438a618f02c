// The decision threshold of a binary classifier. By default a row is positive when its positive
// class has the highest probability (0.5 for two classes); `chooseThreshold` finds the threshold
// that maximises F1 or Youden's J (tpr - fpr) on scored rows, and `metricsAtThreshold` scores
// predictions "positive when p(positive) >= threshold" (sklearn's convention in roc_curve).
// Choose the threshold on validation predictions (pooled out-of-fold), never on a test set.
import { BenchtopError } from '../errors';
import { accuracy } from './accuracy';
import { balancedAccuracy } from './balanced-accuracy';
import { confusionMatrix, type ConfusionMatrix } from './confusion';
import { binaryClfCurve } from './curve';
import { checkProbabilities, type Probabilities } from './input';
import { mcc } from './mcc';
import { precisionRecallF1 } from './precision-recall-f1';

export type ThresholdCriterion = 'f1' | 'youden';

export interface ThresholdMetrics {
  threshold: number;
  accuracy: number;
  balanced_accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
  confusion: ConfusionMatrix;
}

function checkBinary(k: number, positive: number): void {
  if (k !== 2) {
    throw new BenchtopError(
      'invalid-argument',
      `A decision threshold applies to two classes; this task has ${k}.`,
    );
  }
  if (positive !== 0 && positive !== 1) {
    throw new BenchtopError(
      'invalid-argument',
      `The positive class must be 0 or 1 (got ${positive}).`,
    );
  }
}

/** Metrics when rows with p(positive) >= threshold are predicted positive. */
export function metricsAtThreshold(
  y: ArrayLike<number>,
  proba: Probabilities,
  positive: number,
  threshold: number,
): ThresholdMetrics {
  checkBinary(2, positive);
  checkProbabilities(y, proba, 2);
  const pred = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    pred[i] = proba[i * 2 + positive] >= threshold ? positive : 1 - positive;
  }
  const m = confusionMatrix(y, pred, 2);
  return {
    threshold,
    accuracy: accuracy(m),
    balanced_accuracy: balancedAccuracy(m),
    ...precisionRecallF1(m, { average: 'binary', positive }),
    mcc: mcc(m),
    confusion: m,
  };
}

export interface ChosenThreshold extends ThresholdMetrics {
  criterion: ThresholdCriterion;
  /** The criterion's value at the threshold (F1, or Youden's J). */
  value: number;
}

/**
 * The threshold maximising `criterion` over every distinct score (and one above the highest, which
 * predicts no positives). On ties the highest threshold wins, as numpy's argmax over sklearn's
 * decreasing thresholds.
 */
export function chooseThreshold(
  y: ArrayLike<number>,
  proba: Probabilities,
  k: number,
  positive: number,
  criterion: ThresholdCriterion,
): ChosenThreshold {
  checkBinary(k, positive);
  checkProbabilities(y, proba, k);
  const truth = new Uint8Array(y.length);
  const scores = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    truth[i] = y[i] === positive ? 1 : 0;
    scores[i] = proba[i * 2 + positive];
  }
  const { fps, tps, thresholds } = binaryClfCurve(truth, scores);
  const m = tps.length;
  if (m === 0)
    throw new BenchtopError('no-rows', 'There are no scored rows to choose a threshold on.');
  const P = tps[m - 1];
  const N = fps[m - 1];
  const score = (tp: number, fp: number): number => {
    if (criterion === 'f1') {
      const d = tp + fp + P; // 2tp + fp + fn
      return d === 0 ? 0 : (2 * tp) / d;
    }
    return (P > 0 ? tp / P : NaN) - (N > 0 ? fp / N : NaN);
  };
  let best = thresholds[0] + 1;
  let bestValue = score(0, 0);
  for (let i = 0; i < m; i++) {
    const v = score(tps[i], fps[i]);
    if (v > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(v))) {
      bestValue = v;
      best = thresholds[i];
    }
  }
  return { ...metricsAtThreshold(y, proba, positive, best), criterion, value: bestValue };
}
