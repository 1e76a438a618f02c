// Regression metrics, as scikit-learn's mean_squared_error, its square root (squared=False),
// mean_absolute_error and r2_score. r2 follows sklearn's force_finite=True: with a constant y_true
// it is 1.0 for perfect predictions and 0.0 otherwise, never NaN or -Infinity.
import { BenchtopError } from '../errors';
import { checkSameLength } from './input';

function check(y: ArrayLike<number>, pred: ArrayLike<number>): void {
  checkSameLength(y, pred, 'Regression metric');
  if (y.length === 0) {
    throw new BenchtopError('no-rows', 'There are no rows to score the predictions on.');
  }
}

export function mse(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  check(y, pred);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - pred[i]) ** 2;
  return s / y.length;
}

export function rmse(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  return Math.sqrt(mse(y, pred));
}

export function mae(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  check(y, pred);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i] - pred[i]);
  return s / y.length;
}

export function r2(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  check(y, pred);
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - pred[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
