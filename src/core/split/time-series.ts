// Time-series split, as scikit-learn's TimeSeriesSplit applied to the rows in date order: k test
// blocks of n // (k + 1) rows at the end of the timeline, each trained on everything before it
// (minus `gap` rows). Rows are ordered by the date column (ties by row number), so the file's row
// order does not matter. Training rows are strictly earlier than every test row: when the last
// training rows share the first test row's date they are dropped from training (with distinct
// dates this is exactly sklearn's split). Rows without a date are left out and counted.
import { BenchtopError } from '../errors';
import type { Fold } from './types';

export function timeSeriesSplit(
  dates: Float64Array,
  folds: number,
  gap: number,
  column = 'date',
): { folds: Fold[]; excluded: number } {
  const order: number[] = [];
  for (let i = 0; i < dates.length; i++) if (!Number.isNaN(dates[i])) order.push(i);
  const excluded = dates.length - order.length;
  order.sort((a, b) => dates[a] - dates[b] || a - b);
  const n = order.length;
  const testSize = Math.floor(n / (folds + 1));
  if (folds + 1 > n || n - gap - testSize * folds <= 0 || testSize === 0) {
    throw new BenchtopError(
      'invalid-argument',
      `A time-series split into ${folds} folds needs more than ${folds + 1 + gap} dated rows; '${column}' has ${n}. Use fewer folds${gap > 0 ? ' or a smaller gap' : ''}.`,
      { column, rows: n, folds },
    );
  }
  const out: Fold[] = [];
  for (let f = 0; f < folds; f++) {
    const testStart = n - folds * testSize + f * testSize;
    let trainEnd = testStart - gap;
    const firstTestDate = dates[order[testStart]];
    while (trainEnd > 0 && dates[order[trainEnd - 1]] >= firstTestDate) trainEnd--;
    if (trainEnd === 0) {
      throw new BenchtopError(
        'invalid-argument',
        `Fold ${f + 1} of the time-series split has no rows dated before its test rows in '${column}' (too many rows share one date): use fewer folds.`,
        { column, fold: f + 1 },
      );
    }
    out.push({
      train: Int32Array.from(order.slice(0, trainEnd)).sort(),
      test: Int32Array.from(order.slice(testStart, testStart + testSize)).sort(),
      index: f,
      repeat: 0,
    });
  }
  return { folds: out, excluded };
}
