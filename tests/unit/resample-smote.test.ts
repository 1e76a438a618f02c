// SMOTE, SMOTE-NC and class weights on real data: vega-datasets penguins.json (344 penguins, three
// species: Adelie 152, Gentoo 124, Chinstrap 68; numeric measurements with a few gaps, island and
// sex as categories). Every synthetic row is checked against neighbours recomputed here by brute
// force, independently of src/core/resample/neighbours.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  findColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type NumericFrameColumn,
  type StringFrameColumn,
} from '../../src/core/data/frame';
import { BenchtopError } from '../../src/core/errors';
import {
  classWeights,
  frameClassWeights,
  readTarget,
  resample,
  ORIGINAL,
  SYNTHETIC,
} from '../../src/core/resample';

type Penguin = Record<string, string | number | null>;
const penguins = (
  JSON.parse(readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8')) as Penguin[]
).filter((p) => Object.values(p).every((v) => v !== null));
const NUMERIC = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

function numericFrame(rows = penguins): Frame {
  return makeFrame([
    ...NUMERIC.map((n) =>
      numericColumn(
        n,
        n.startsWith('Flipper') || n.startsWith('Body') ? 'integer' : 'number',
        rows.map((p) => p[n] as number),
      ),
    ),
    stringColumn(
      'Species',
      'categorical',
      rows.map((p) => p.Species as string),
    ),
  ]);
}

function mixedFrame(): Frame {
  return makeFrame([
    ...NUMERIC.map((n) =>
      numericColumn(
        n,
        'number',
        penguins.map((p) => p[n] as number),
      ),
    ),
    stringColumn(
      'Island',
      'categorical',
      penguins.map((p) => p.Island as string),
    ),
    stringColumn(
      'Sex',
      'categorical',
      penguins.map((p) => p.Sex as string),
    ),
    stringColumn(
      'Species',
      'categorical',
      penguins.map((p) => p.Species as string),
    ),
  ]);
}

/** The k nearest same-class rows of `row` by brute force: (squared distance, index) order. */
function bruteNeighbours(
  points: number[][],
  classOf: Int32Array,
  row: number,
  k: number,
  dist: (a: number, b: number) => number = (a, b) =>
    points[a].reduce((s, x, f) => s + (x - points[b][f]) ** 2, 0),
): { index: number; d: number }[] {
  const out: { index: number; d: number }[] = [];
  for (let j = 0; j < points.length; j++) {
    if (j === row || classOf[j] !== classOf[row]) continue;
    out.push({ index: j, d: dist(row, j) });
  }
  out.sort((a, b) => a.d - b.d || a.index - b.index);
  return out.slice(0, k);
}

function pointsOf(frame: Frame, names: string[]): number[][] {
  const cols = names.map((n) => (findColumn(frame, n) as NumericFrameColumn).values);
  return Array.from({ length: frame.rows }, (_, i) => cols.map((v) => v[i]));
}

describe('SMOTE on penguins (numeric features)', () => {
  const frame = numericFrame();
  const t = readTarget(frame, 'Species');
  const points = pointsOf(frame, NUMERIC);

  it('grows Chinstrap and Gentoo to the Adelie count; originals first and unchanged', () => {
    const r = resample(frame, { kind: 'smote', params: {} }, { target: 'Species', seed: 7 });
    expect(r.classes).toEqual([
      { label: 'Adelie', before: 146, after: 146 },
      { label: 'Chinstrap', before: 68, after: 146 },
      { label: 'Gentoo', before: 120, after: 146 },
    ]);
    expect(r.frame.rows).toBe(3 * 146);
    for (let i = 0; i < frame.rows; i++) {
      expect(r.origin[i]).toBe(ORIGINAL);
      expect(r.source[i]).toBe(i);
    }
    const out = pointsOf(r.frame, NUMERIC);
    expect(out.slice(0, frame.rows)).toEqual(points);
    // The integer measurements now hold values between whole numbers, and say so.
    expect(findColumn(r.frame, 'Body Mass (g)')!.kind).toBe('number');
    expect(r.notes.join(' ')).toContain("'Body Mass (g)'");
  });

  it('every synthetic row lies on the segment to one of its parent’s 5 nearest same-class rows (brute force)', () => {
    const r = resample(frame, { kind: 'smote', params: {} }, { target: 'Species', seed: 7 });
    const out = pointsOf(r.frame, NUMERIC);
    const species = findColumn(r.frame, 'Species') as StringFrameColumn;
    const originals = new Set(points.map((p) => p.join(',')));
    let synthetic = 0;
    for (let i = frame.rows; i < r.frame.rows; i++) {
      expect(r.origin[i]).toBe(SYNTHETIC);
      synthetic++;
      const p = r.source[i];
      const q = r.neighbour[i];
      const u = r.gap[i];
      const near = bruteNeighbours(points, t.classOf, p, 5);
      expect(
        near.map((n) => n.index),
        `row ${i}: neighbour ${q} of ${p}`,
      ).toContain(q);
      expect(species.categories[species.codes[i]]).toBe(t.labels[t.classOf[p]]);
      for (let f = 0; f < NUMERIC.length; f++) {
        const x = points[p][f];
        const y = points[q][f];
        expect(out[i][f]).toBe(x + u * (y - x));
        expect(out[i][f]).toBeGreaterThanOrEqual(Math.min(x, y));
        expect(out[i][f]).toBeLessThanOrEqual(Math.max(x, y));
      }
      // No synthetic row repeats an original unless its parent and neighbour coincide.
      const same = points[p].every((x, f) => x === points[q][f]);
      if (!same) expect(originals.has(out[i].join(','))).toBe(false);
    }
    expect(synthetic).toBe(78 + 26);
  });

  it('uses every neighbour rank and many parents (pairs drawn uniformly)', () => {
    const r = resample(frame, { kind: 'smote', params: {} }, { target: 'Species', seed: 3 });
    const parents = new Set<number>();
    const ranks = new Set<number>();
    for (let i = frame.rows; i < r.frame.rows; i++) {
      const p = r.source[i];
      parents.add(p);
      ranks.add(
        bruteNeighbours(points, t.classOf, p, 5).findIndex((n) => n.index === r.neighbour[i]),
      );
    }
    expect([...ranks].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(parents.size).toBeGreaterThan(50);
  });

  it('same seed, same rows; another seed, other rows; the input is not touched', () => {
    const before = structuredClone(frame);
    const a = resample(frame, { kind: 'smote', params: {} }, { target: 'Species', seed: 1 });
    const b = resample(frame, { kind: 'smote', params: {} }, { target: 'Species', seed: 1 });
    const c = resample(frame, { kind: 'smote', params: {} }, { target: 'Species', seed: 2 });
    expect(pointsOf(b.frame, NUMERIC)).toEqual(pointsOf(a.frame, NUMERIC));
    expect(pointsOf(c.frame, NUMERIC)).not.toEqual(pointsOf(a.frame, NUMERIC));
    expect(frame).toEqual(before);
    expect(structuredClone(a).gap).toEqual(a.gap);
  });

  it('a ratio on two species, and counts per class on three', () => {
    const two = numericFrame(penguins.filter((p) => p.Species !== 'Gentoo'));
    const r = resample(
      two,
      { kind: 'smote', params: { samplingStrategy: 0.75 } },
      { target: 'Species', seed: 0 },
    );
    // int(146 * 0.75 - 68) = 41 new Chinstrap rows, as imblearn.
    expect(r.classes.map((c) => c.after)).toEqual([146, 68 + 41]);
    const d = resample(
      frame,
      { kind: 'smote', params: { samplingStrategy: { Chinstrap: 100 }, kNeighbors: 3 } },
      { target: 'Species', seed: 0 },
    );
    expect(d.classes.map((c) => c.after)).toEqual([146, 100, 120]);
  });
});

describe('SMOTE-NC on penguins (island and sex as categories)', () => {
  const frame = mixedFrame();
  const t = readTarget(frame, 'Species');
  const points = pointsOf(frame, NUMERIC);
  const island = findColumn(frame, 'Island') as StringFrameColumn;
  const sex = findColumn(frame, 'Sex') as StringFrameColumn;

  it('numbers on the segment to a neighbour found with the categorical penalty; categories by neighbour majority', () => {
    const r = resample(frame, { kind: 'smote-nc', params: {} }, { target: 'Species', seed: 5 });
    expect(r.classes.map((c) => c.after)).toEqual([146, 146, 146]);
    // The minority class is Chinstrap: its four measurement stds, median -> penalty median² / 2.
    const chin = penguins.filter((p) => p.Species === 'Chinstrap');
    const stds = NUMERIC.map((n) => {
      const v = chin.map((p) => p[n] as number);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    }).sort((a, b) => a - b);
    const m = (stds[1] + stds[2]) / 2;
    expect(r.notes[0]).toContain(m.toPrecision(6));
    const dist = (a: number, b: number) =>
      points[a].reduce((s, x, f) => s + (x - points[b][f]) ** 2, 0) +
      ((m * m) / 2) *
        ((island.codes[a] !== island.codes[b] ? 1 : 0) + (sex.codes[a] !== sex.codes[b] ? 1 : 0));
    const out = pointsOf(r.frame, NUMERIC);
    const outIsland = findColumn(r.frame, 'Island') as StringFrameColumn;
    for (let i = frame.rows; i < r.frame.rows; i++) {
      const p = r.source[i];
      const q = r.neighbour[i];
      const near = bruteNeighbours(points, t.classOf, p, 5, dist);
      expect(near.map((n) => n.index)).toContain(q);
      for (let f = 0; f < NUMERIC.length; f++) {
        const x = points[p][f];
        expect(out[i][f]).toBe(x + r.gap[i] * (points[q][f] - x));
      }
      // The island is the most frequent among the 5 neighbours (a tie may go either way).
      const votes = new Map<string, number>();
      for (const n of near) {
        const v = island.categories[island.codes[n.index]];
        votes.set(v, (votes.get(v) ?? 0) + 1);
      }
      const best = Math.max(...votes.values());
      const got = outIsland.categories[outIsland.codes[i]];
      expect(votes.get(got), `row ${i}`).toBe(best);
    }
  });
});

describe('class weights', () => {
  it("'balanced' = n / (classes · count), as sklearn's compute_class_weight", () => {
    const frame = numericFrame();
    // 334 penguins: Adelie 146, Chinstrap 68, Gentoo 120.
    expect(frameClassWeights(frame, 'Species', 'balanced')).toEqual({
      Adelie: 334 / (3 * 146),
      Chinstrap: 334 / (3 * 68),
      Gentoo: 334 / (3 * 120),
    });
    const t = readTarget(frame, 'Species');
    expect(classWeights(t, { Chinstrap: 2 })).toEqual({ Adelie: 1, Chinstrap: 2, Gentoo: 1 });
    expect(() => classWeights(t, { Emperor: 2 })).toThrow(/'Emperor'/);
  });

  it('the sampler keeps the frame itself and attaches per-class and per-row weights', () => {
    const frame = numericFrame();
    const r = resample(
      frame,
      { kind: 'class-weights', params: {} },
      { target: 'Species', seed: 0 },
    );
    expect(r.frame).toBe(frame);
    const t = readTarget(frame, 'Species');
    for (let i = 0; i < frame.rows; i++) {
      expect(r.sampleWeight![i]).toBe(r.classWeights![t.labels[t.classOf[i]]]);
    }
    // Weighted, each class carries the same total weight: n / classes.
    const totals = t.labels.map((l, c) => r.classWeights![l] * t.counts[c]);
    for (const x of totals) expect(x).toBeCloseTo(334 / 3, 10);
  });
});

describe('bad input is a clear BenchtopError', () => {
  const err = (fn: () => unknown): BenchtopError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(BenchtopError);
      return e as BenchtopError;
    }
    throw new Error('expected an error');
  };
  const smote = (frame: Frame, params = {}, target = 'Species') =>
    resample(frame, { kind: 'smote', params }, { target, seed: 0 });

  it('a class with k or fewer rows: suggests a smaller k or random over-sampling', () => {
    const few = numericFrame([
      ...penguins.filter((p) => p.Species === 'Adelie'),
      ...penguins.filter((p) => p.Species === 'Chinstrap').slice(0, 5),
    ]);
    const e = err(() => smote(few));
    expect(e.message).toContain("Class 'Chinstrap' has 5 rows");
    expect(e.message).toContain("Lower 'kNeighbors' to 4");
    expect(e.message).toContain('random over-sampling');
    expect(smote(few, { kNeighbors: 4 }).classes[1].after).toBe(146);
    const one = numericFrame([
      ...penguins.filter((p) => p.Species === 'Adelie'),
      penguins.find((p) => p.Species === 'Chinstrap')!,
    ]);
    expect(err(() => smote(one, { kNeighbors: 1 })).message).toContain(
      'Use random over-sampling instead',
    );
  });

  it('categorical features given to SMOTE: suggests SMOTE-NC', () => {
    const e = err(() => smote(mixedFrame()));
    expect(e.message).toContain("Column 'Island' is categorical");
    expect(e.message).toContain('SMOTE-NC');
    expect(e.details.column).toBe('Island');
  });

  it('dates: suggests the date parts step', () => {
    const f = makeFrame([
      numericColumn('when', 'date', [0, 1, 2, 3, 4, 5, 6, 7]),
      numericColumn('y', 'integer', [0, 0, 0, 0, 0, 1, 1, 1]),
    ]);
    expect(err(() => smote(f, { kNeighbors: 2 }, 'y')).message).toContain("'Date: parts'");
  });

  it('missing feature values: names the column and the imputation step', () => {
    const all = JSON.parse(
      readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8'),
    ) as Penguin[];
    const f = makeFrame([
      numericColumn(
        'Beak Length (mm)',
        'number',
        all.map((p) => p['Beak Length (mm)'] as number | null),
      ),
      stringColumn(
        'Species',
        'categorical',
        all.map((p) => p.Species as string),
      ),
    ]);
    const e = err(() => smote(f));
    expect(e.message).toContain("Column 'Beak Length (mm)' has 2 missing values");
    expect(e.message).toContain('Impute');
    // Random over-sampling measures no distance: missing values are fine there.
    expect(
      resample(f, { kind: 'random-over', params: {} }, { target: 'Species', seed: 0 }).frame.rows,
    ).toBe(3 * 152);
  });

  it('a single class, a missing target, a regression target', () => {
    const adelie = numericFrame(penguins.filter((p) => p.Species === 'Adelie'));
    expect(err(() => smote(adelie)).message).toContain("single class ('Adelie')");
    const gaps = makeFrame([
      numericColumn('x', 'number', [1, 2, 3, 4]),
      stringColumn('y', 'categorical', ['a', null, 'b', 'a']),
    ]);
    expect(err(() => smote(gaps, {}, 'y')).message).toContain('missing in 1 of 4 rows');
    const reg = makeFrame([
      numericColumn('x', 'number', [1, 2, 3, 4]),
      numericColumn('y', 'number', [0.5, 1, 2, 3]),
    ]);
    expect(err(() => smote(reg, {}, 'y')).message).toContain('resampling is for classification');
  });

  it('a ratio that would under-sample with an over-sampler, and vice versa; a ratio on three classes', () => {
    const two = numericFrame(penguins.filter((p) => p.Species !== 'Gentoo'));
    // Chinstrap / Adelie is 68 / 146 = 0.466 now.
    const e = err(() => smote(two, { samplingStrategy: 0.4 }));
    expect(e.message).toContain('over-sampler only adds rows');
    expect(e.message).toContain('0.4658');
    const u = err(() =>
      resample(
        two,
        { kind: 'random-under', params: { samplingStrategy: 0.3 } },
        { target: 'Species', seed: 0 },
      ),
    );
    expect(u.message).toContain('under-sampler only removes rows');
    expect(err(() => smote(numericFrame(), { samplingStrategy: 0.9 })).message).toContain(
      'two classes only',
    );
    expect(
      err(() => smote(numericFrame(), { samplingStrategy: { Emperor: 200 } })).message,
    ).toContain("class 'Emperor'");
    expect(
      err(() => smote(numericFrame(), { samplingStrategy: { Gentoo: 10 } })).message,
    ).toContain('Ask for 120 or more');
  });

  it('settings: a k of 0, an unknown method, a bad strategy', () => {
    expect(err(() => smote(numericFrame(), { kNeighbors: 0 })).message).toContain(
      "'kNeighbors' must be between 1 and 1000",
    );
    expect(err(() => smote(numericFrame(), { samplingStrategy: 'most' })).message).toContain(
      "'samplingStrategy' must be 'auto'",
    );
    expect(
      err(() =>
        resample(numericFrame(), { kind: 'adasyn', params: {} }, { target: 'Species', seed: 0 }),
      ).message,
    ).toContain("no sampler 'adasyn'");
  });
});

describe('progress and cancellation', () => {
  const frame = numericFrame();
  it('reports progress up to 1 and stops with a cancelled error when asked', () => {
    const seen: number[] = [];
    resample(
      frame,
      { kind: 'tomek', params: {} },
      { target: 'Species', seed: 0, onProgress: (f) => seen.push(f) },
    );
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    let calls = 0;
    let caught: unknown;
    try {
      resample(
        frame,
        { kind: 'smote', params: {} },
        { target: 'Species', seed: 0, isCancelled: () => ++calls > 1 },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BenchtopError);
    expect((caught as BenchtopError).code).toBe('cancelled');
  });
});
