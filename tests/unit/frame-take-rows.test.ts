// takeRows gathers four rows per loop iteration and turns plain-array row numbers into an
// Int32Array first; the result must be exactly the one-row-at-a-time gather it replaced, for every
// length (each remainder after the groups of four), any order, repeated rows, Int32Array and plain
// array indices, numeric and category columns with missing values. Real data: vega-datasets
// penguins.json (344 rows, numbers and categories with gaps), plus seeded stratified folds of it.
import { describe, expect, it } from 'vitest';
import { isNumericColumn, takeRows, type Frame } from '../../src/core/data/frame';
import { createRng } from '../../src/core/rng';
import { makeFolds } from '../../src/core/split';
import { jsonFrame } from './evaluate-doubles';

const penguins = (): Frame =>
  jsonFrame(
    'penguins.json',
    ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'],
    ['Species', 'Island', 'Sex'],
  );

/** The reference: one row at a time, straight from the input's arrays. */
function expectRows(frame: Frame, indices: ArrayLike<number>, what: string) {
  const t = takeRows(frame, indices);
  expect(t.rows, what).toBe(indices.length);
  frame.columns.forEach((c, j) => {
    const out = t.columns[j];
    expect(out.name, what).toBe(c.name);
    expect(out.kind, what).toBe(c.kind);
    if (isNumericColumn(c)) {
      expect(isNumericColumn(out) && out.values instanceof Float64Array, what).toBe(true);
      const got = isNumericColumn(out) ? out.values : new Float64Array(0);
      const want = Float64Array.from(indices, (i) => c.values[i]);
      // Object.is per value: NaN (missing) stays NaN, -0 stays -0.
      const differ = Array.from(want).findIndex((v, i) => !Object.is(v, got[i]));
      expect(differ, `${what}: ${c.name} at ${differ}`).toBe(-1);
      expect(got.length, what).toBe(want.length);
    } else {
      expect(isNumericColumn(out), what).toBe(false);
      if (isNumericColumn(out)) return;
      expect(out.codes instanceof Int32Array, what).toBe(true);
      expect(Array.from(out.codes), `${what}: ${c.name}`).toEqual(
        Array.from(indices, (i) => c.codes[i]),
      );
      expect(out.categories, what).toBe(c.categories); // shared, not copied
    }
  });
}

describe('takeRows equals a one-row-at-a-time gather', () => {
  it('every length 0..13 (each remainder after groups of four), Int32Array and plain arrays', () => {
    const f = penguins();
    const rng = createRng(3);
    for (let m = 0; m <= 13; m++) {
      const rows = Array.from({ length: m }, () => Math.floor(rng() * f.rows));
      expectRows(f, rows, `plain, m = ${m}`);
      expectRows(f, Int32Array.from(rows), `Int32Array, m = ${m}`);
    }
  });

  it('repeats, reversed order, the last row, rows with missing values', () => {
    const f = penguins();
    const n = f.rows;
    expectRows(f, [n - 1, n - 1, n - 1, 0, n - 1], 'repeats of the last row');
    expectRows(
      f,
      Int32Array.from({ length: n }, (_, i) => n - 1 - i),
      'reversed',
    );
    // Rows where some value is missing (penguins has gaps in numbers and in Sex).
    const gaps: number[] = [];
    for (let i = 0; i < n; i++) {
      const missing = f.columns.some((c) =>
        isNumericColumn(c) ? Number.isNaN(c.values[i]) : c.codes[i] < 0,
      );
      if (missing) gaps.push(i);
    }
    expect(gaps.length).toBeGreaterThan(2);
    expectRows(f, [...gaps, ...gaps], 'rows with gaps, twice');
  });

  it('seeded stratified folds: each training and test fold', () => {
    const f = penguins();
    const species = f.columns.find((c) => c.name === 'Species');
    if (!species || isNumericColumn(species)) throw new Error('Species is categorical');
    const plan = makeFolds(
      { kind: 'stratified-kfold', folds: 5 },
      { rows: f.rows, y: species.codes },
      7,
    );
    for (const fold of plan.folds) {
      expectRows(f, fold.train, `fold ${fold.index} train`);
      expectRows(f, fold.test, `fold ${fold.index} test`);
    }
  });
});
