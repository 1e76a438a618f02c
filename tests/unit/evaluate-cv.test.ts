// crossValidate's behaviour beyond the scores: the bad inputs of issue 5 (one class, a class
// smaller than the folds, too few groups, no date column, every feature dropped, missing values or
// categories reaching the model) as clear errors; progress and cancellation; missing targets;
// determinism; the positive class; the summaries over folds. Real data: vega-datasets
// seattle-weather.csv (dates, 5 weather classes) and penguins.json; models are the test doubles.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn, type Frame } from '../../src/core/data/frame';
import { BenchtopError } from '../../src/core/errors';
import {
  crossValidate,
  encodeTarget,
  labelMapping,
  toMatrix,
  trainingData,
  type CvProgress,
} from '../../src/core/evaluate';
import type { ClassificationReport } from '../../src/core/metrics';
import type { StepSpec } from '../../src/core/steps';
import {
  jsonFrame,
  leastSquares,
  nearestCentroid,
  recipeOf,
  recordingTrainer,
} from './evaluate-doubles';

const NUM = ['precipitation', 'temp_max', 'temp_min', 'wind'];

/** seattle-weather.csv: 1461 days, weather classes rain 641 ... snow 26. */
function weather(): Frame {
  const text = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv', 'utf8');
  const rows = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: true,
  }).data;
  return makeFrame([
    numericColumn(
      'date',
      'date',
      rows.map((r) => Date.parse(r.date)),
    ),
    ...NUM.map((n) =>
      numericColumn(
        n,
        'number',
        rows.map((r) => Number(r[n])),
      ),
    ),
    stringColumn(
      'weather',
      'categorical',
      rows.map((r) => r.weather),
    ),
  ]);
}

const scale = [{ kind: 'scale.standard', params: { columns: NUM } }];

async function rejects(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected a BenchtopError');
}

/** The first `n` rows of each weather class plus all other rows. */
function withFewSnow(n: number): Frame {
  const f = weather();
  const w = f.columns.find((c) => c.name === 'weather') as {
    codes: Int32Array;
    categories: string[];
  };
  const keep: number[] = [];
  let snow = 0;
  for (let i = 0; i < f.rows; i++) {
    if (w.categories[w.codes[i]] === 'snow' && snow++ >= n) continue;
    keep.push(i);
  }
  return makeFrame(
    f.columns.map((c) =>
      'values' in c
        ? numericColumn(
            c.name,
            c.kind,
            keep.map((i) => c.values[i]),
          )
        : stringColumn(
            c.name,
            'categorical',
            keep.map((i) => c.categories[c.codes[i]]),
          ),
    ),
  );
}

describe('crossValidate: bad input is a clear error', () => {
  it('a target with one class', async () => {
    const f = makeFrame([
      numericColumn('x', 'number', [1, 2, 3, 4, 5, 6]),
      stringColumn('y', 'categorical', ['a', 'a', 'a', 'a', 'a', null]),
    ]);
    const e = await rejects(
      crossValidate(f, recipeOf('y', 'classification', []), { trainer: nearestCentroid }),
    );
    expect(e.message).toBe(
      "The target 'y' has one class only ('a', 5 rows): a classifier needs at least two. Choose another target, or add rows of another class.",
    );
  });

  it('a class with fewer rows than folds names the class, its count and what to do', async () => {
    const e = await rejects(
      crossValidate(withFewSnow(3), recipeOf('weather', 'classification', scale), {
        trainer: nearestCentroid,
      }),
    );
    expect(e.message).toBe(
      "Class 'snow' has 3 rows, fewer than the 5 folds: use 3 folds or merge the class.",
    );
    expect(e.details).toMatchObject({ class: 'snow', rows: 3, folds: 5 });
    // With 3 folds it runs, and every fold tests one snow day.
    const r = await crossValidate(withFewSnow(3), recipeOf('weather', 'classification', scale), {
      trainer: nearestCentroid,
      validation: { kind: 'stratified-kfold', folds: 3 },
    });
    expect(
      r.folds.map((f) =>
        (f.report as ClassificationReport).confusion[r.labels!.labels.indexOf('snow')].reduce(
          (a, b) => a + b,
        ),
      ),
    ).toEqual([1, 1, 1]);
  });

  it('a group column with fewer groups than folds', async () => {
    const f = weather();
    const year = numericColumn(
      'year',
      'integer',
      Array.from((f.columns[0] as { values: Float64Array }).values, (d) =>
        new Date(d).getUTCFullYear(),
      ),
    );
    const recipe = {
      ...recipeOf('weather', 'classification', scale),
      roles: { ignored: ['date'], group: 'year' },
    };
    const e = await rejects(
      crossValidate(makeFrame([...f.columns, year]), recipe, {
        trainer: nearestCentroid,
        validation: { kind: 'group-kfold', folds: 5 },
      }),
    );
    expect(e.message).toBe(
      "The group column 'year' has 4 groups, fewer than the 5 folds: use at most 4 folds, or another group column.",
    );
    // 4 folds: one year per fold, and the group column is not a feature.
    const r = await crossValidate(makeFrame([...f.columns, year]), recipe, {
      trainer: nearestCentroid,
      validation: { kind: 'group-kfold', folds: 4 },
    });
    expect(r.features).toEqual(NUM);
    expect(r.folds.map((x) => x.testRows).sort()).toEqual([365, 365, 365, 366]);
  });

  it('a time-series split without a date column', async () => {
    const e = await rejects(
      crossValidate(weather(), recipeOf('weather', 'classification', scale), {
        trainer: nearestCentroid,
        validation: { kind: 'time-series', folds: 5 },
      }),
    );
    expect(e.message).toMatch(
      /A time-series split orders rows by a date column, and this recipe has none/,
    );
  });

  it('every feature dropped', async () => {
    const recipe = recipeOf('weather', 'classification', [
      { kind: 'columns.drop', params: { columns: ['date', ...NUM] } },
    ]);
    const e = await rejects(crossValidate(weather(), recipe, { trainer: nearestCentroid }));
    expect(e.message).toMatch(
      /^Fold 1 of 5 \(building the training matrix\): Every feature was dropped/,
    );
  });

  it('missing values reaching the model name the column and the missing step', async () => {
    const f = jsonFrame('penguins.json', ['Beak Length (mm)', 'Body Mass (g)'], ['Species']);
    const e = await rejects(
      crossValidate(f, recipeOf('Species', 'classification', []), { trainer: nearestCentroid }),
    );
    expect(e.message).toMatch(
      /Column 'Beak Length \(mm\)' has 1 missing value reaching the model .*add an "Impute: median"/,
    );
    expect(e.details.column).toBe('Beak Length (mm)');
  });

  it('a categorical column reaching the model asks for an encoding step', () => {
    const f = jsonFrame('penguins.json', ['Body Mass (g)'], ['Island', 'Species']);
    expect(() => toMatrix(f, 'Species')).toThrow(
      /Column 'Island' is categorical.*"Encode: one-hot"/,
    );
  });

  it('an unknown positive label lists the classes', async () => {
    const f = jsonFrame('penguins.json', [], ['Species']);
    expect(() => labelMapping(f.columns[0], 'Emperor')).toThrow(
      "The positive class 'Emperor' is not a value of the target 'Species'; its classes are 'Adelie', 'Chinstrap', 'Gentoo'.",
    );
  });
});

describe('the model matrix and target (matrix.ts, labels.ts, trainingData)', () => {
  const cars = () =>
    jsonFrame('cars.json', ['Acceleration', 'Weight_in_lbs', 'Cylinders'], ['Origin']);

  it('toMatrix: row-major float32, the rows asked for in their order, the target left out', () => {
    const f = jsonFrame('penguins.json', ['Beak Depth (mm)', 'Body Mass (g)'], ['Species']);
    const rows = Int32Array.of(5, 0, 99, 2, 7);
    const m = toMatrix(f, 'Species', { rows });
    expect(m).toMatchObject({ rows: 5, cols: 2, features: ['Beak Depth (mm)', 'Body Mass (g)'] });
    const columns = f.columns.slice(0, 2) as { values: Float64Array }[];
    rows.forEach((r, i) =>
      columns.forEach((c, j) => expect(m.X[i * 2 + j]).toBe(Math.fround(c.values[r]))),
    );
  });

  it('toMatrix: an infinite value names its column and counts what is wrong', () => {
    const f = makeFrame([
      numericColumn('fine', 'number', [1, 2, 3, 4]),
      numericColumn('ratio', 'number', [1, Infinity, null, -Infinity]),
      stringColumn('y', 'categorical', ['a', 'b', 'a', 'b']),
    ]);
    expect(() => toMatrix(f, 'y')).toThrow(
      /^Column 'ratio' has 3 infinite or missing values reaching the model: clip it/,
    );
    // Rows without the bad values are fine.
    expect(toMatrix(f, 'y', { rows: Int32Array.of(0) }).X).toEqual(Float32Array.of(1, 1));
  });

  it('encodeTarget: numeric and boolean targets by label, missing as -1', () => {
    const c = cars().columns[2]; // Cylinders: 3, 4, 5, 6, 8
    const mapping = labelMapping(c);
    expect(mapping.labels).toEqual(['3', '4', '5', '6', '8']);
    const codes = encodeTarget(c, mapping);
    const values = (c as { values: Float64Array }).values;
    values.forEach((v, i) => expect(codes[i]).toBe(mapping.labels.indexOf(String(v))));
    const b = numericColumn('ok', 'boolean', [1, 0, null, 1]);
    const bm = labelMapping(b);
    expect(bm.labels).toEqual(['false', 'true']);
    expect([...encodeTarget(b, bm)]).toEqual([1, 0, -1, 1]);
  });

  it('trainingData: rows without a target are left out of X, y and the weights', () => {
    const f = makeFrame([
      numericColumn('x', 'number', [10, 20, 30, 40, 50]),
      stringColumn('y', 'categorical', ['a', null, 'b', 'a', null]),
    ]);
    const mapping = labelMapping(f.columns[1]);
    const w = Float64Array.of(1, 2, 3, 4, 5);
    const some = trainingData(f, 'y', mapping, [], w, 'Fold 1 of 5');
    expect([...some.X]).toEqual([10, 30, 40]);
    expect([...some.y]).toEqual([0, 1, 0]);
    expect([...some.sampleWeight!]).toEqual([1, 3, 4]);
    const all = trainingData(cars(), 'Origin', labelMapping(cars().columns[3]), [], undefined, '');
    expect(all.rows).toBe(406);
    expect(all.X).toEqual(toMatrix(cars(), 'Origin').X);
  });
});

describe('crossValidate: the run', () => {
  it('reports progress per fold and stage, and a cancel between stages stops it, disposing every model', async () => {
    const events: CvProgress[] = [];
    const { trainer, recording } = recordingTrainer(nearestCentroid, 'wind');
    let cancel = false;
    const run = crossValidate(weather(), recipeOf('weather', 'classification', scale), {
      trainer,
      onProgress: (p) => {
        events.push(p);
        if (p.fold === 2 && p.stage === 'score') cancel = true;
      },
      isCancelled: () => cancel,
    });
    const e = await rejects(run);
    expect(e.code).toBe('cancelled');
    expect(events.map((p) => `${p.fold}:${p.stage}`)).toEqual([
      '0:split',
      '1:prepare',
      '1:train',
      '1:score',
      '2:prepare',
      '2:train',
      '2:score',
    ]);
    expect(recording.fitted).toHaveLength(2);
    expect(recording.disposed).toBe(2);
  });

  it('is deterministic for a seed; another seed gives other folds', async () => {
    const run = (seed: number) =>
      crossValidate(weather(), recipeOf('weather', 'classification', scale, seed), {
        trainer: nearestCentroid,
      });
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.folds.map((f) => Array.from(f.scored))).toEqual(
      b.folds.map((f) => Array.from(f.scored)),
    );
    expect(a.folds.map((f) => Array.from(f.scored))).not.toEqual(
      c.folds.map((f) => Array.from(f.scored)),
    );
  });

  it('sums the confusion matrix over folds, pools predictions, and averages curves', async () => {
    const r = await crossValidate(weather(), recipeOf('weather', 'classification', scale), {
      trainer: nearestCentroid,
    });
    const total = r.confusion!.flat().reduce((s, v) => s + v, 0);
    expect(total).toBe(1461);
    expect(r.labels!.labels).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(r.labels!.positive).toBeNull();
    // The pooled report scores every row once: its confusion matrix is the summed one.
    expect((r.pooled as ClassificationReport).confusion).toEqual(r.confusion);
    // Mean accuracy is the mean of the fold accuracies; std is the population std.
    const acc = r.folds.map((f) => f.report.metrics.accuracy);
    const mean = acc.reduce((s, v) => s + v, 0) / acc.length;
    expect(r.metrics.accuracy.mean).toBeCloseTo(mean, 14);
    expect(r.metrics.accuracy.std).toBeCloseTo(
      Math.sqrt(acc.reduce((s, v) => s + (v - mean) ** 2, 0) / acc.length),
      14,
    );
    // One mean ROC / PR curve per class, from (0, 0) to (1, 1), non-decreasing.
    expect(r.curves.map((c) => c.class)).toEqual([0, 1, 2, 3, 4]);
    for (const c of r.curves) {
      expect(c.roc.y[0]).toBe(0);
      expect(c.roc.y[100]).toBe(1);
      for (let i = 1; i < 101; i++)
        expect(c.roc.y[i]).toBeGreaterThanOrEqual(c.roc.y[i - 1] - 1e-12);
      expect(c.roc.folds).toBe(5);
    }
  });

  it('binary: the minority class is positive unless another is named', async () => {
    const f = weather();
    const w = f.columns.find((c) => c.name === 'weather') as {
      codes: Int32Array;
      categories: string[];
    };
    const wet = stringColumn(
      'wet',
      'categorical',
      Array.from(w.codes, (c) =>
        ['rain', 'drizzle', 'snow'].includes(w.categories[c]) ? 'wet' : 'dry',
      ),
    );
    const frame = makeFrame([...f.columns.filter((c) => c.name !== 'weather'), wet]);
    const recipe = { ...recipeOf('wet', 'classification', scale), roles: { ignored: ['date'] } };
    const a = await crossValidate(frame, recipe, { trainer: nearestCentroid });
    expect(a.labels).toEqual({ labels: ['dry', 'wet'], counts: [741, 720], positive: 1 });
    const b = await crossValidate(frame, recipe, { trainer: nearestCentroid, positive: 'dry' });
    expect(b.labels!.positive).toBe(0);
    expect(a.metrics.accuracy).toEqual(b.metrics.accuracy);
    expect(a.metrics.recall.mean).not.toBeCloseTo(b.metrics.recall.mean, 6);
    expect(a.curves.map((c) => c.class)).toEqual([1]);
  });

  it('time series by the recipe date column: every training day is before every test day', async () => {
    const recipe = {
      ...recipeOf('weather', 'classification', scale),
      roles: { ignored: [], date: 'date' },
    };
    const { trainer, recording } = recordingTrainer(nearestCentroid, 'date');
    const r = await crossValidate(weather(), recipe, {
      trainer,
      validation: { kind: 'time-series', folds: 4 },
    });
    expect(r.folds.map((f) => f.testRows)).toEqual([292, 292, 292, 292]);
    r.folds.forEach((f, i) => {
      // Dates reach the model as float32 ms: compare the rounded values' order.
      expect(Math.max(...recording.fitted[i])).toBeLessThan(Math.min(...recording.predicted[i]));
    });
  });

  it('predefined folds from a fold column: blank ids left out and counted, the column is no feature', async () => {
    const f = weather();
    const ids = numericColumn(
      'fold',
      'integer',
      Array.from({ length: f.rows }, (_, i) => (i % 50 === 0 ? null : (i % 3) + 1)),
    );
    const r = await crossValidate(
      makeFrame([...f.columns, ids]),
      recipeOf('weather', 'classification', scale),
      {
        trainer: nearestCentroid,
        foldColumn: 'fold',
      },
    );
    expect(r.validation.kind).toBe('predefined');
    expect(r.excluded).toBe(30);
    expect(r.notes).toContain(
      "30 rows without a fold id in 'fold' are left out of the evaluation.",
    );
    expect(r.features).not.toContain('fold');
    expect(r.folds.reduce((s, x) => s + x.testRows, 0)).toBe(1461 - 30);
  });

  it('regression: kfold by default; a stratified split is refused', async () => {
    const f = jsonFrame('cars.json', ['Horsepower', 'Weight_in_lbs', 'Miles_per_Gallon'], []);
    const steps: StepSpec[] = [
      { kind: 'rows.drop-missing-target', params: { target: 'Miles_per_Gallon' } },
      { kind: 'impute.median', params: { columns: ['Horsepower'] } },
    ];
    const r = await crossValidate(f, recipeOf('Miles_per_Gallon', 'regression', steps), {
      trainer: leastSquares,
    });
    expect(r.validation.kind).toBe('kfold');
    expect(Object.keys(r.metrics)).toEqual(['mse', 'rmse', 'mae', 'r2']);
    expect(r.metrics.r2.mean).toBeGreaterThan(0.6);
    // 8 cars have no MPG: never scored.
    expect(r.folds.reduce((s, x) => s + x.scoredRows, 0)).toBe(406 - 8);
    const e = await rejects(
      crossValidate(f, recipeOf('Miles_per_Gallon', 'regression', steps), {
        trainer: leastSquares,
        validation: { kind: 'stratified-kfold' },
      }),
    );
    expect(e.message).toMatch(/use 'kfold'/);
  });
});
