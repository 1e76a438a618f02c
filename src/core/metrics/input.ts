// Shared inputs of the classification metrics and their checks. Labels are class indices
// (0..k-1, the evaluation's label mapping decides which label is which index); probabilities are
// one row-major n x k matrix, as a model's predict returns them. Bad shapes are our callers' bugs
// or a user's broken upload, so both get a BenchtopError that says what is wrong.
import { BenchtopError } from '../errors';

export type Probabilities = Float64Array | Float32Array;

/** A metric that may be undefined on some inputs: NaN then, with the reason a person can read. */
export interface MaybeMetric {
  value: number;
  reason?: string;
}

export function checkLabels(y: ArrayLike<number>, k: number, what = 'true labels'): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new BenchtopError(
      'invalid-argument',
      `A classification metric needs at least 2 classes (got ${k}).`,
      { classes: k },
    );
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new BenchtopError(
        'invalid-argument',
        `The ${what} hold class index ${v} at row ${i + 1}, outside 0..${k - 1}.`,
        { row: i + 1 },
      );
    }
  }
}

export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new BenchtopError(
      'invalid-argument',
      `${what}: ${a.length} true values but ${b.length} predictions.`,
    );
  }
}

export function checkProbabilities(y: ArrayLike<number>, proba: Probabilities, k: number): void {
  checkLabels(y, k);
  if (proba.length !== y.length * k) {
    throw new BenchtopError(
      'invalid-argument',
      `Expected ${y.length} x ${k} probabilities (${y.length * k} values), got ${proba.length}.`,
    );
  }
}

/** The predicted class of each row: the first highest probability (as numpy's argmax). */
export function argmaxRows(proba: Probabilities, k: number): Int32Array {
  const n = proba.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = proba[i * k];
    for (let c = 1; c < k; c++) {
      const p = proba[i * k + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Column `c` of the n x k matrix: the scores of one class. */
export function classColumn(proba: Probabilities, k: number, c: number): Float64Array {
  const n = proba.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = proba[i * k + c];
  return out;
}

/** 1 where y is the class `c`, else 0: one-vs-rest truth. */
export function isClass(y: ArrayLike<number>, c: number): Uint8Array {
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] === c ? 1 : 0;
  return out;
}
