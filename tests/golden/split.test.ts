// Golden test: Benchtop's splitters against scikit-learn's. Source of every expected fold:
// scikit-learn 1.2.1 (Debian python3-sklearn), written to tests/fixtures/golden/sklearn-split.json
// by tests/fixtures/golden/sklearn_split.py on vega-datasets' seattle-weather.csv (weather, 5
// classes) and cars.json (Origin; Year / Cylinders / Name as groups). Deterministic splitters
// (KFold, StratifiedKFold without shuffle, GroupKFold, TimeSeriesSplit, PredefinedSplit) must match
// index for index; shuffled ones use our RNG, so they must match sklearn's class counts per fold.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeFolds, type FoldPlan } from '../../src/core/split';
import { stringColumn } from '../../src/core/data/frame';

interface Golden {
  source: string;
  kfold: { n: number; folds: number; test: number[][] }[];
  stratified: {
    name: string;
    labels: string[];
    folds: number;
    test: number[][];
    shuffled_counts: Record<string, number>[];
  }[];
  group: { column: string; folds: number; groups: string[]; sizes: number[]; test?: number[][] }[];
  time_series: { dates: string[]; folds: number; splits: { train: number[]; test: number[] }[] }[];
  predefined: { fold_ids: (number | null)[]; test: number[][]; train: number[][] };
  holdout: {
    name: string;
    labels: string[];
    test_size: number;
    train_counts: Record<string, number>;
    test_counts: Record<string, number>;
  }[];
}

const golden = JSON.parse(
  readFileSync('tests/fixtures/golden/sklearn-split.json', 'utf8'),
) as Golden;

/** Class indices for labels (order of first appearance, like a label mapping would give). */
function encode(labels: string[]): { y: Int32Array; names: string[] } {
  const col = stringColumn('y', 'categorical', labels);
  return { y: col.codes, names: col.categories };
}

function tests(plan: FoldPlan): number[][] {
  return plan.folds.map((f) => Array.from(f.test));
}

function countsOf(rows: Int32Array, y: Int32Array, names: string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const i of rows) out[names[y[i]]]++;
  return out;
}

describe(`splits = ${golden.source}`, () => {
  it('KFold (no shuffle): the same test rows in every fold', () => {
    for (const c of golden.kfold) {
      const plan = makeFolds({ kind: 'kfold', folds: c.folds, shuffle: false }, { rows: c.n }, 1);
      expect(tests(plan)).toEqual(c.test);
    }
  });

  it('StratifiedKFold (no shuffle): the same test rows in every fold', () => {
    for (const c of golden.stratified) {
      const { y, names } = encode(c.labels);
      const plan = makeFolds(
        { kind: 'stratified-kfold', folds: c.folds, shuffle: false },
        { rows: y.length, y, classNames: names },
        1,
      );
      expect(tests(plan)).toEqual(c.test);
    }
  });

  it("StratifiedKFold (shuffle): other rows, but exactly sklearn's class counts per fold", () => {
    for (const c of golden.stratified) {
      const { y, names } = encode(c.labels);
      for (const seed of [0, 7]) {
        const plan = makeFolds(
          { kind: 'stratified-kfold', folds: c.folds, shuffle: true },
          { rows: y.length, y, classNames: names },
          seed,
        );
        expect(plan.folds.map((f) => countsOf(f.test, y, names))).toEqual(c.shuffled_counts);
        expect(tests(plan)).not.toEqual(c.test);
      }
    }
  });

  it('GroupKFold: the same test rows (few groups), the same fold sizes (311 groups with ties)', () => {
    for (const c of golden.group) {
      const col = stringColumn(c.column, 'categorical', c.groups);
      const plan = makeFolds(
        { kind: 'group-kfold', folds: c.folds },
        { rows: c.groups.length, groups: col },
        1,
      );
      expect(plan.folds.map((f) => f.test.length)).toEqual(c.sizes);
      if (c.test) expect(tests(plan)).toEqual(c.test);
      // Whatever the tie order, no group is ever split across folds.
      const foldOf = new Map<string, number>();
      plan.folds.forEach((f, k) =>
        f.test.forEach((i) => {
          expect(foldOf.get(c.groups[i]) ?? k).toBe(k);
          foldOf.set(c.groups[i], k);
        }),
      );
    }
  });

  it('TimeSeriesSplit on the rows in date order: the same train and test rows', () => {
    for (const c of golden.time_series) {
      const dates = Float64Array.from(c.dates, (d) => Date.parse(d));
      const plan = makeFolds(
        { kind: 'time-series', folds: c.folds },
        { rows: dates.length, dates },
        1,
      );
      expect(
        plan.folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
      ).toEqual(
        c.splits.map((s) => ({
          train: [...s.train].sort((a, b) => a - b),
          test: [...s.test].sort((a, b) => a - b),
        })),
      );
    }
  });

  it('PredefinedSplit on the rows with a fold id; blank ids are left out and counted', () => {
    const ids = Float64Array.from(golden.predefined.fold_ids, (v) => (v === null ? NaN : v));
    const plan = makeFolds({ kind: 'predefined' }, { rows: ids.length, foldIds: ids }, 1);
    expect(tests(plan)).toEqual(golden.predefined.test);
    expect(plan.folds.map((f) => Array.from(f.train))).toEqual(golden.predefined.train);
    expect(plan.excluded).toBe(4);
    expect(plan.notes[0]).toMatch(/4 rows without a fold id/);
  });

  it("stratified holdout: sklearn's sizes, and class counts within one row of StratifiedShuffleSplit's", () => {
    for (const c of golden.holdout) {
      const { y, names } = encode(c.labels);
      for (const seed of [0, 1, 2]) {
        const plan = makeFolds(
          { kind: 'holdout', testSize: c.test_size, stratify: true },
          { rows: y.length, y, classNames: names },
          seed,
        );
        const [fold] = plan.folds;
        const sum = (r: Record<string, number>): number =>
          Object.values(r).reduce((a, b) => a + b, 0);
        expect(fold.test.length).toBe(sum(c.test_counts));
        expect(fold.train.length).toBe(sum(c.train_counts));
        const test = countsOf(fold.test, y, names);
        const train = countsOf(fold.train, y, names);
        for (const name of names) {
          expect(Math.abs(test[name] - c.test_counts[name])).toBeLessThanOrEqual(1);
          expect(Math.abs(train[name] - c.train_counts[name])).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});
