// k-fold, as scikit-learn's KFold: contiguous test blocks, the first n % k folds one row larger.
// Without shuffle the folds are exactly sklearn's; with shuffle the rows are permuted first by our
// seeded RNG (so the folds differ from sklearn's shuffled ones, but the sizes are the same).
import { BenchtopError } from '../errors';
import { foldsFromAssignment, range, shuffleInPlace } from './keys';
import type { Fold } from './types';

export function checkFoldCount(folds: number, rows: number, what = 'rows'): void {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new BenchtopError(
      'invalid-argument',
      `Cross-validation needs at least 2 folds (got ${folds}).`,
    );
  }
  if (folds > rows) {
    throw new BenchtopError(
      'invalid-argument',
      `${folds} folds need at least ${folds} ${what}, but there ${rows === 1 ? 'is' : 'are'} ${rows}. Use at most ${rows} folds, or more data.`,
      { folds, rows },
    );
  }
}

export function kfold(rows: number, folds: number, shuffle: boolean, rng: () => number): Fold[] {
  checkFoldCount(folds, rows);
  const order = range(rows);
  if (shuffle) shuffleInPlace(order, rng);
  const assign = new Int32Array(rows);
  const base = Math.floor(rows / folds);
  const extra = rows % folds;
  let at = 0;
  for (let f = 0; f < folds; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) assign[order[at++]] = f;
  }
  return foldsFromAssignment(assign, folds);
}
