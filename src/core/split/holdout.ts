// A single train / test split, as scikit-learn's train_test_split: n_test = ceil(testSize * n),
// n_train = n - n_test. Stratified, it splits like StratifiedShuffleSplit: per-class train counts
// from sklearn's _approximate_mode (floor of the proportional share, the leftover rows going to the
// classes with the largest remainders; sklearn breaks remainder ties at random, we with our seeded
// RNG), then the test counts from what is left, then each class's rows are shuffled and taken.
import { BenchtopError } from '../errors';
import { checkClassSizes } from './stratified';
import { range, shuffleInPlace } from './keys';
import type { Fold } from './types';

function sorted(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}

/** sklearn.utils._approximate_mode: integer counts summing to `draws`, close to proportional. */
export function approximateMode(
  counts: readonly number[],
  draws: number,
  rng: () => number,
): number[] {
  const totalCount = counts.reduce((s, v) => s + v, 0);
  const continuous = counts.map((c) => (c / totalCount) * draws);
  const floored = continuous.map(Math.floor);
  let need = draws - floored.reduce((s, v) => s + v, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = Int32Array.from(remainder.flatMap((r, i) => (r === value ? [i] : [])));
      shuffleInPlace(inds, rng);
      const now = Math.min(inds.length, need);
      for (let j = 0; j < now; j++) floored[inds[j]]++;
      need -= now;
      if (need === 0) break;
    }
  }
  return floored;
}

export function holdout(
  rows: number,
  testSize: number,
  rng: () => number,
  stratifyBy?: Int32Array,
  names?: readonly string[],
): Fold {
  const nTest = Math.ceil(testSize * rows);
  const nTrain = rows - nTest;
  if (nTest < 1 || nTrain < 1) {
    throw new BenchtopError(
      'invalid-argument',
      `A holdout of ${Math.round(testSize * 100)}% of ${rows} rows leaves ${nTrain} to train on and ${nTest} to test: use more rows or another test size.`,
      { rows },
    );
  }
  if (!stratifyBy) {
    const order = range(rows);
    shuffleInPlace(order, rng);
    return {
      test: order.slice(0, nTest).sort(),
      train: order.slice(nTest).sort(),
      index: 0,
      repeat: 0,
    };
  }
  checkClassSizes(
    stratifyBy,
    2,
    names,
    2,
    'but a stratified holdout needs at least 2 of each (one to train on, one to test)',
  );
  // Strata in np.unique order of the labels (missing target = -1 sorts first).
  const strata = [...new Set(stratifyBy)].sort((a, b) => a - b);
  const members = strata.map(() => [] as number[]);
  const index = new Map(strata.map((s, i) => [s, i]));
  for (let i = 0; i < rows; i++) members[index.get(stratifyBy[i])!].push(i);
  const counts = members.map((m) => m.length);
  if (nTest < strata.length || nTrain < strata.length) {
    throw new BenchtopError(
      'invalid-argument',
      `A stratified holdout needs at least one row of each of the ${strata.length} classes on each side, but would test on ${nTest} and train on ${nTrain} rows: use a larger test size or more data.`,
    );
  }
  const trainCounts = approximateMode(counts, nTrain, rng);
  const testCounts = approximateMode(
    counts.map((c, i) => c - trainCounts[i]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((m, s) => {
    const order = Int32Array.from(m);
    shuffleInPlace(order, rng);
    for (let j = 0; j < trainCounts[s]; j++) train.push(order[j]);
    for (let j = 0; j < testCounts[s]; j++) test.push(order[trainCounts[s] + j]);
  });
  return { train: sorted(train), test: sorted(test), index: 0, repeat: 0 };
}
