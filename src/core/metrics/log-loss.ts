// Log loss (cross-entropy) of predicted probabilities, as sklearn 1.2's log_loss(labels=range(k)):
// probabilities are clipped to [eps, 1 - eps] with eps = the machine epsilon of their dtype
// (sklearn's eps="auto": 2^-52 for Float64Array, 2^-23 for Float32Array), then each row is
// renormalised to sum to 1, so a confident wrong answer costs a large finite amount, never Infinity.
import { checkProbabilities, type Probabilities } from './input';

export function logLoss(y: ArrayLike<number>, proba: Probabilities, k: number): number {
  checkProbabilities(y, proba, k);
  const n = y.length;
  if (n === 0) return NaN;
  const eps = proba instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(proba[i * k + c], eps);
    sum -= Math.log(clip(proba[i * k + y[i]], eps) / rowSum);
  }
  return sum / n;
}

function clip(p: number, eps: number): number {
  return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}
