// impute.median's statistic (columnMedian) against the definition it must reproduce bit for bit:
// sort the present values, take the middle one or NumPy's mean of the two middle ones. Seeded
// random columns of every shape its paths see: long columns of fractions (the bracketed path,
// whose bounds come from two quickselects on a sample), whole numbers (the counting path), coarse
// grids with many exact duplicates, missing values, even and odd counts, and columns whose values
// sit in an order (sorted, reversed, one block of ties) that a sample could misjudge.
import { describe, expect, it } from 'vitest';
import { numericColumn } from '../../src/core/data/frame';
import { createRng } from '../../src/core/rng';
import { columnMedian } from '../../src/core/steps/stats';

/** The reference: a full sort of the present values (no selection involved). */
function sortedMedian(values: readonly (number | null)[]): { count: number; median: number } {
  const s = Float64Array.from(values.filter((v): v is number => v !== null)).sort();
  const n = s.length;
  if (n === 0) return { count: 0, median: NaN };
  const m = n >> 1;
  return { count: n, median: n % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2 };
}

type Maker = (rng: () => number, i: number, n: number) => number | null;

const MAKERS: Record<string, Maker> = {
  uniform: (rng) => rng() * 2000 - 1000,
  'normal, 2% missing': (rng) =>
    rng() < 0.02 ? null : Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  'coarse grid (duplicates)': (rng) => Math.floor(rng() * 50) / 8 + 0.125,
  'few values (ties across the middle)': (rng) => [0.5, 1.5, 2.5][Math.floor(rng() * 3)],
  'whole numbers, 10% missing': (rng) => (rng() < 0.1 ? null : Math.floor(rng() * 1000)),
  'wide whole numbers': (rng) => Math.floor(rng() * 1e9) - 5e8,
  sorted: (_rng, i) => i * 0.25 + 0.1,
  reversed: (_rng, i, n) => (n - i) * 0.25 + 0.1,
  'ties in one block': (rng, i, n) => (i > n / 3 && i < (2 * n) / 3 ? 7.25 : rng() * 100),
  'heavy tail': (rng) => 1 / (1 - rng()) ** 3,
  'toPrecision(7) like the bench CSV': (rng) => Number(((rng() - 0.5) * 1e4).toPrecision(7)),
};

describe('columnMedian equals the sorted median', () => {
  it.each(Object.keys(MAKERS))('%s, long and short, even and odd counts', (name) => {
    const make = MAKERS[name];
    // Lengths on both sides of the bracketed path's minimum (32768), even and odd.
    const lengths = [1, 2, 7, 1000, 32_767, 32_768, 40_001, 80_000, 80_001];
    for (const [k, n] of lengths.entries()) {
      for (const seed of [1, 2]) {
        const rng = createRng(seed * 1000 + k);
        const values = Array.from({ length: n }, (_, i) => make(rng, i, n));
        const got = columnMedian(numericColumn('x', 'number', values));
        expect(got, `${name}, n = ${n}, seed ${seed}`).toEqual(sortedMedian(values));
      }
    }
  });

  it('a missing value moved across the column flips the count between even and odd', () => {
    const rng = createRng(7);
    const base: (number | null)[] = Array.from(
      { length: 50_000 },
      () => Math.floor(rng() * 400) / 16 + 0.5,
    );
    for (const at of [0, 1, 8191, 25_000, 49_999]) {
      const values = base.slice();
      values[at] = null;
      for (const v of [values, [...values, 3.75]]) {
        expect(columnMedian(numericColumn('x', 'number', v)), `gap at ${at}`).toEqual(
          sortedMedian(v),
        );
      }
    }
  });
});
