// The splitters' per-row loops (src/core/split): folds from a per-row assignment in one branch-free
// pass per fold, strata and class counts through tables indexed by class code instead of Maps.
// Same folds as before, row for row: these tests keep the previous implementations as references
// and compare them on seeded inputs (2-7 classes, missing targets, codes that are not 0..k-1,
// codes too large for a table, shuffled or not, repeats) and on a real target, vega-datasets
// seattle-weather's 5 weather classes. The class-size errors keep their wording and their choice
// of class among equally small ones (the first to appear).
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { checkClassSizes, makeFolds } from '../../src/core/split';
import { foldsFromAssignment, shuffleInPlace } from '../../src/core/split/keys';
import { stratifiedAssignment } from '../../src/core/split/stratified';
import type { Fold } from '../../src/core/split';

/** The previous foldsFromAssignment: one pass per fold, a branch per row. */
function referenceFolds(assign: Int32Array, k: number, repeat = 0): Fold[] {
  const sizes = new Int32Array(k);
  let assigned = 0;
  for (const f of assign) {
    if (f >= 0) {
      sizes[f]++;
      assigned++;
    }
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(assigned - sizes[f]);
    let t = 0;
    let r = 0;
    for (let i = 0; i < assign.length; i++) {
      const a = assign[i];
      if (a < 0) continue;
      if (a === f) test[t++] = i;
      else train[r++] = i;
    }
    folds.push({ train, test, index: f, repeat });
  }
  return folds;
}

/** The previous stratifiedAssignment: strata numbered through a Map. */
function referenceAssignment(
  y: Int32Array,
  folds: number,
  shuffle: boolean,
  rng: () => number,
): Int32Array {
  const strata = new Map<number, number>();
  const encoded = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    let s = strata.get(y[i]);
    if (s === undefined) {
      s = strata.size;
      strata.set(y[i], s);
    }
    encoded[i] = s;
  }
  const m = strata.size;
  const counts = new Int32Array(m);
  for (const s of encoded) counts[s]++;
  const assignments: Int32Array[] = [];
  let start = 0;
  for (let s = 0; s < m; s++) {
    const foldsForStratum = new Int32Array(counts[s]);
    let at = 0;
    for (let f = 0; f < folds; f++) {
      const first = start + ((f - (start % folds) + folds) % folds);
      const n =
        first >= start + counts[s] ? 0 : Math.floor((start + counts[s] - 1 - first) / folds) + 1;
      for (let j = 0; j < n; j++) foldsForStratum[at++] = f;
    }
    if (shuffle) shuffleInPlace(foldsForStratum, rng);
    assignments.push(foldsForStratum);
    start += counts[s];
  }
  const next = new Int32Array(m);
  const assign = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const s = encoded[i];
    assign[i] = assignments[s][next[s]++];
  }
  return assign;
}

function expectSameFolds(got: Fold[], want: Fold[], what: string) {
  expect(got.length, what).toBe(want.length);
  got.forEach((f, i) => {
    expect(f.index, what).toBe(want[i].index);
    expect(f.repeat, what).toBe(want[i].repeat);
    expect(f.train instanceof Int32Array && f.test instanceof Int32Array, what).toBe(true);
    expect(f.train.length, `${what} fold ${i} train`).toBe(want[i].train.length);
    expect(Array.from(f.train), `${what} fold ${i} train`).toEqual(Array.from(want[i].train));
    expect(Array.from(f.test), `${what} fold ${i} test`).toEqual(Array.from(want[i].test));
  });
}

function seededTarget(seed: number, n: number, codes: number[], missing: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, () =>
    rng() < missing ? -1 : codes[Math.floor(rng() ** 1.5 * codes.length)],
  );
}

describe('split fast paths equal the previous implementations', () => {
  it('foldsFromAssignment: every k, unassigned rows, empty folds, repeats', () => {
    const rng = createRng(9);
    for (let t = 0; t < 40; t++) {
      const k = 2 + (t % 6);
      const n = t === 0 ? 0 : 1 + Math.floor(rng() * 900);
      // Fold numbers in 0..k-2 on some trials: the last fold is empty.
      const top = t % 5 === 0 ? k - 1 : k;
      const assign = Int32Array.from({ length: n }, () =>
        rng() < 0.1 ? -1 : Math.floor(rng() * top),
      );
      expectSameFolds(
        foldsFromAssignment(assign, k, t % 3),
        referenceFolds(assign, k, t % 3),
        `trial ${t}`,
      );
    }
  });

  it('stratifiedAssignment: 2-7 classes, missing targets, sparse and huge codes, shuffled or not', () => {
    const targets: [string, number[]][] = [
      ['binary', [0, 1]],
      ['three', [0, 1, 2]],
      ['seven', [0, 1, 2, 3, 4, 5, 6]],
      ['sparse codes', [3, 9, 40]],
      ['codes beyond a table', [0, 70_000, 2 ** 30]],
      ['negative codes', [-5, 0, 2]],
    ];
    for (const [name, codes] of targets) {
      for (const missing of [0, 0.05]) {
        for (const shuffle of [false, true]) {
          for (const folds of [2, 5, 7]) {
            const y = seededTarget(codes.length * 31 + folds, 3000, codes, missing);
            const what = `${name}, missing ${missing}, shuffle ${shuffle}, ${folds} folds`;
            expect(Array.from(stratifiedAssignment(y, folds, shuffle, createRng(4))), what).toEqual(
              Array.from(referenceAssignment(y, folds, shuffle, createRng(4))),
            );
          }
        }
      }
    }
  });

  it('makeFolds on seattle-weather (5 classes): stratified, repeated and shuffled folds', () => {
    const text = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv', 'utf8');
    const rows = Papa.parse<Record<string, string>>(text, {
      header: true,
      skipEmptyLines: true,
    }).data;
    const names = [...new Set(rows.map((r) => r.weather))].sort();
    const y = Int32Array.from(rows, (r) => names.indexOf(r.weather));
    for (const spec of [
      { kind: 'stratified-kfold', folds: 5 },
      { kind: 'stratified-kfold', folds: 3, shuffle: false },
      { kind: 'repeated-stratified-kfold', folds: 4, repeats: 3 },
      { kind: 'kfold', folds: 6 },
    ]) {
      const got = makeFolds(spec, { rows: y.length, y, classNames: names }, 11);
      // The reference: the same draws from the same seeded stream.
      const rng = createRng(11);
      const want: Fold[] = [];
      if (spec.kind === 'kfold') {
        const order = Int32Array.from({ length: y.length }, (_, i) => i);
        shuffleInPlace(order, rng);
        const assign = new Int32Array(y.length);
        const base = Math.floor(y.length / spec.folds);
        const extra = y.length % spec.folds;
        let at = 0;
        for (let f = 0; f < spec.folds; f++) {
          for (let j = 0; j < base + (f < extra ? 1 : 0); j++) assign[order[at++]] = f;
        }
        want.push(...referenceFolds(assign, spec.folds));
      } else {
        for (let r = 0; r < (spec.repeats ?? 1); r++) {
          const shuffle = spec.kind === 'repeated-stratified-kfold' || spec.shuffle !== false;
          want.push(
            ...referenceFolds(referenceAssignment(y, spec.folds, shuffle, rng), spec.folds, r),
          );
        }
      }
      expectSameFolds(got.folds, want, JSON.stringify(spec));
    }
  });

  it('class-size errors: same wording, the first-appearing of equally small classes', () => {
    const names = ['a', 'b', 'c', 'd'];
    // Classes 3 and 1 both have 2 rows; 3 appears first.
    const y = Int32Array.from([0, 0, 3, 0, 1, 3, 0, 1, 2, 2, 2, 2, 2, 0, -1]);
    expect(() => checkClassSizes(y, 5, names)).toThrow(
      "Class 'd' has 2 rows, fewer than the 5 folds: use 2 folds or merge the class.",
    );
    expect(() => checkClassSizes(Int32Array.from([2, 2, -1, 2]), 2, names)).toThrow(
      "The target has one class only ('c'): a classifier needs at least two.",
    );
    expect(() => checkClassSizes(Int32Array.from([-1, -1]), 2, names)).toThrow(
      'The target has no values, so there is nothing to stratify or learn.',
    );
    // Codes beyond the table take the Map path, with the same message.
    expect(() => checkClassSizes(Int32Array.from([70_000, 70_000, 5, 5, 5]), 3, undefined)).toThrow(
      "Class 'class 70000' has 2 rows, fewer than the 3 folds: use 2 folds or merge the class.",
    );
  });
});
