// Matthews correlation coefficient, binary and multiclass (Gorodkin's R_K), as sklearn's
// matthews_corrcoef: 0 when either marginal is constant (sklearn returns 0.0 there, not NaN).
import type { ConfusionMatrix } from './confusion';
import { columnSums, rowSums } from './confusion';

export function mcc(m: ConfusionMatrix): number {
  const t = rowSums(m);
  const p = columnSums(m);
  let correct = 0;
  let n = 0;
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let c = 0; c < m.length; c++) {
    correct += m[c][c];
    n += p[c];
    tp += t[c] * p[c];
    pp += p[c] * p[c];
    tt += t[c] * t[c];
  }
  const covTP = correct * n - tp;
  const covPP = n * n - pp;
  const covTT = n * n - tt;
  if (covPP * covTT === 0) return 0;
  return covTP / Math.sqrt(covTT * covPP);
}
