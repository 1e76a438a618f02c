// Properties of every splitter on real labels (vega-datasets seattle-weather.csv weather classes and
// cars.json Name groups), over several seeds: folds partition the rows (each row tested exactly once
// per repeat, never trained and tested in one fold), class proportions hold per fold, groups are
// never split, time-series training rows are strictly earlier, and the validation spec is checked.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { stringColumn } from '../../src/core/data/frame';
import { makeFolds, parseValidationSpec, type FoldPlan } from '../../src/core/split';

const text = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv', 'utf8');
const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
const weather = stringColumn(
  'weather',
  'categorical',
  rows.map((r) => r.weather),
);
const y = weather.codes;
const n = y.length;
const cars = JSON.parse(readFileSync('node_modules/vega-datasets/data/cars.json', 'utf8')) as {
  Name: string;
}[];

function expectPartition(plan: FoldPlan, rowsInPlay: number, repeats = 1): void {
  for (let r = 0; r < repeats; r++) {
    const tested = new Int32Array(rowsInPlay);
    for (const f of plan.folds.filter((x) => x.repeat === r)) {
      const test = new Set(f.test);
      for (const i of f.train) expect(test.has(i)).toBe(false);
      for (const i of f.test) tested[i]++;
      expect(f.train.length + f.test.length).toBe(rowsInPlay - plan.excluded);
    }
    expect(Array.from(tested).filter((t) => t !== 1).length).toBe(plan.excluded);
  }
}

describe('splits', () => {
  for (const seed of [0, 1, 99]) {
    it(`kfold (seed ${seed}): a partition with sizes differing by at most one`, () => {
      const plan = makeFolds({ kind: 'kfold', folds: 7 }, { rows: n }, seed);
      expectPartition(plan, n);
      const sizes = plan.folds.map((f) => f.test.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    });

    it(`repeated stratified (seed ${seed}): each row tested once per repeat, class counts within one row`, () => {
      const plan = makeFolds(
        { kind: 'repeated-stratified-kfold', folds: 5, repeats: 3 },
        { rows: n, y },
        seed,
      );
      expect(plan.folds).toHaveLength(15);
      expectPartition(plan, n, 3);
      for (let c = 0; c < weather.categories.length; c++) {
        const counts = plan.folds.map((f) => Array.from(f.test).filter((i) => y[i] === c).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }
      // The repeats shuffle differently.
      expect(Array.from(plan.folds[0].test)).not.toEqual(Array.from(plan.folds[5].test));
    });

    it(`group kfold (seed ${seed}): no car name is in two folds`, () => {
      const groups = stringColumn(
        'Name',
        'categorical',
        cars.map((c) => c.Name),
      );
      const plan = makeFolds(
        { kind: 'group-kfold', folds: 5 },
        { rows: cars.length, groups },
        seed,
      );
      expectPartition(plan, cars.length);
      const foldOf = new Map<number, number>();
      plan.folds.forEach((f, k) =>
        f.test.forEach((i) => {
          expect(foldOf.get(groups.codes[i]) ?? k).toBe(k);
          foldOf.set(groups.codes[i], k);
        }),
      );
      expect(foldOf.size).toBe(new Set(cars.map((c) => c.Name)).size);
    });
  }

  it('stratified holdout keeps the class shares and is seeded', () => {
    const a = makeFolds({ kind: 'holdout', testSize: 0.25 }, { rows: n, y }, 5);
    const b = makeFolds({ kind: 'holdout', testSize: 0.25 }, { rows: n, y }, 5);
    expect(Array.from(a.folds[0].test)).toEqual(Array.from(b.folds[0].test));
    const all = [...a.folds[0].train, ...a.folds[0].test].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(a.folds[0].test.length).toBe(Math.ceil(0.25 * n));
    const snow = weather.categories.indexOf('snow');
    expect(Array.from(a.folds[0].test).filter((i) => y[i] === snow).length).toBe(7); // 26 * 0.25 = 6.5
  });

  it('missing targets form their own stratum and are spread over the folds', () => {
    const yMissing = Int32Array.from(y, (v, i) => (i % 100 === 0 ? -1 : v));
    const plan = makeFolds({ kind: 'stratified-kfold', folds: 5 }, { rows: n, y: yMissing }, 2);
    expectPartition(plan, n);
    expect(plan.folds.map((f) => Array.from(f.test).filter((i) => yMissing[i] < 0).length)).toEqual(
      [3, 3, 3, 3, 3],
    );
  });

  it('time series with tied dates: training rows strictly before the test block; rows without a date left out', () => {
    // Monthly dates (many rows per date), one missing.
    const dates = Float64Array.from(rows, (r, i) =>
      i === 10 ? NaN : Date.parse(r.date.slice(0, 7) + '-01'),
    );
    const plan = makeFolds({ kind: 'time-series', folds: 5 }, { rows: n, dates }, 0);
    expect(plan.excluded).toBe(1);
    for (const f of plan.folds) {
      const lastTrain = Math.max(...Array.from(f.train, (i) => dates[i]));
      const firstTest = Math.min(...Array.from(f.test, (i) => dates[i]));
      expect(lastTrain).toBeLessThan(firstTest);
      expect(f.test.length).toBe(Math.floor(1460 / 6));
    }
  });

  it('refuses impossible requests with a message', () => {
    expect(() => makeFolds({ kind: 'kfold', folds: 5 }, { rows: 3 }, 0)).toThrow(
      '5 folds need at least 5 rows, but there are 3. Use at most 3 folds, or more data.',
    );
    expect(() => makeFolds({ kind: 'stratified-kfold' }, { rows: 4 }, 0)).toThrow(
      /needs class labels/,
    );
    expect(() =>
      makeFolds({ kind: 'predefined' }, { rows: 3, foldIds: Float64Array.from([1, 1, NaN]) }, 0),
    ).toThrow(
      "The fold column 'fold' has one fold id only ('1'): it needs at least 2 distinct ids, one per fold.",
    );
    expect(() =>
      makeFolds(
        { kind: 'holdout', stratify: true },
        { rows: 5, y: Int32Array.from([0, 0, 0, 0, 1]), classNames: ['a', 'b'] },
        0,
      ),
    ).toThrow(
      "Class 'b' has 1 row, but a stratified holdout needs at least 2 of each (one to train on, one to test): merge the class with another or remove its rows.",
    );
  });

  it('validation specs: defaults filled, bad settings refused', () => {
    expect(parseValidationSpec({ kind: 'stratified-kfold' })).toEqual({
      kind: 'stratified-kfold',
      folds: 5,
      shuffle: true,
      repeats: 3,
      testSize: 0.2,
      stratify: true,
      gap: 0,
    });
    expect(() => parseValidationSpec({ kind: 'kfold', folds: 1 })).toThrow(
      "The validation settings are not valid: 'folds' must be a whole number from 2 to 1000 (it is 1).",
    );
    expect(() => parseValidationSpec({ kind: 'loo' })).toThrow(
      /'kind' must be one of holdout, kfold/,
    );
    expect(() => parseValidationSpec({ kind: 'holdout', testSize: 1.5 })).toThrow(
      /'testSize' must be a share between 0 and 1/,
    );
    expect(() => parseValidationSpec({ kind: 'kfold', fold: 3 })).toThrow(/unknown setting 'fold'/);
  });
});
