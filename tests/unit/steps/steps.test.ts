// Hand-checked behaviour of the first steps and the edge cases issue 3 names: imputing an
// all-missing column, scaling a constant column (never NaN or Infinity), one-hot on 100,000 distinct
// values, unseen categories at inference, a column that no longer exists, a frame with no rows.
// Expected numbers are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../../src/core/errors';
import {
  frameRow,
  frameSchema,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type NumericFrameColumn,
} from '../../../src/core/data/frame';
import { applySteps, applyToRow, fitSteps, type StepSpec } from '../../../src/core/steps';

function caught(fn: () => unknown): BenchtopError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BenchtopError) return err;
    throw err;
  }
  throw new Error('expected a BenchtopError');
}

const column = (frame: Frame, name: string) =>
  Array.from({ length: frame.rows }, (_, i) => frameRow(frame, i)[name]);

describe('imputers', () => {
  const frame = () =>
    makeFrame([
      numericColumn('age', 'integer', [20, null, 40, 30, null]),
      numericColumn('empty', 'number', [null, null, null, null, null]),
      stringColumn('city', 'categorical', ['Oslo', null, 'Lima', 'Oslo', 'Lima']),
    ]);

  it('fill with the mean (30), median (30) or a constant, keeping integers whole', () => {
    for (const kind of ['impute.mean', 'impute.median']) {
      const { frame: out, fitted } = fitSteps(frame(), [{ kind, params: { columns: ['age'] } }], 1);
      expect(column(out, 'age')).toEqual([20, 30, 40, 30, 30]);
      expect(fitted[0].outputSchema.find((c) => c.name === 'age')?.kind).toBe('integer');
    }
    const { frame: out } = fitSteps(
      frame(),
      [{ kind: 'impute.constant', params: { columns: ['age', 'empty'], value: 0.5 } }],
      1,
    );
    expect(column(out, 'age')).toEqual([20, 0.5, 40, 30, 0.5]);
    expect(column(out, 'empty')).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(frameSchema(out).find((c) => c.name === 'age')?.kind).toBe('number');
  });

  it('an all-missing column is refused by name (no mean, median or mode to learn)', () => {
    for (const kind of ['impute.mean', 'impute.median', 'impute.most-frequent']) {
      const err = caught(() =>
        fitSteps(frame(), [{ kind, params: { columns: ['age', 'empty'] } }], 1),
      );
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toMatch(
        /^Step 1 \(Impute: [a-z ]+\): column 'empty' has no values at all/,
      );
      expect(err.message).toContain('impute it with a constant');
      expect(err.details).toMatchObject({ column: 'empty', step: 1, kind });
    }
  });

  it('most frequent category (a tie: Lima before Oslo) and the constant "missing"', () => {
    const mf = fitSteps(
      frame(),
      [{ kind: 'impute.most-frequent', params: { columns: ['city'] } }],
      1,
    );
    expect(column(mf.frame, 'city')).toEqual(['Oslo', 'Lima', 'Lima', 'Oslo', 'Lima']);
    const cc = fitSteps(
      frame(),
      [{ kind: 'impute.constant-category', params: { columns: ['city'] } }],
      1,
    );
    expect(column(cc.frame, 'city')).toEqual(['Oslo', 'missing', 'Lima', 'Oslo', 'Lima']);
  });

  it('indicators only for columns that had missing values, right after their column', () => {
    const f = makeFrame([
      numericColumn('a', 'number', [1, null, 3]),
      numericColumn('b', 'number', [1, 2, 3]),
    ]);
    const { frame: out, fitted } = fitSteps(
      f,
      [{ kind: 'impute.mean', params: { columns: ['a', 'b'], indicator: true } }],
      1,
    );
    expect(frameSchema(out)).toEqual([
      { name: 'a', kind: 'number' },
      { name: 'a_missing', kind: 'boolean' },
      { name: 'b', kind: 'number' },
    ]);
    expect(column(out, 'a_missing')).toEqual([false, true, false]);
    // At inference a missing 'b' is filled (mean 2) but gets no indicator: the columns are fixed.
    expect(applyToRow({ a: 5, b: null }, fitted)).toEqual({ a: 5, a_missing: false, b: 2 });
  });

  it('an indicator name that is taken is refused by name', () => {
    const f = makeFrame([
      numericColumn('a', 'number', [1, null]),
      numericColumn('a_missing', 'number', [0, 0]),
    ]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'impute.median', params: { columns: ['a'], indicator: true } }], 1),
    );
    expect(err.message).toContain("column 'a_missing' already exists");
  });
});

describe('scalers on a constant column never produce NaN or Infinity', () => {
  const constants: [string, (number | null)[]][] = [
    ['zeros', [0, 0, 0, 0]],
    ['sevens', [7, 7, null, 7]],
    ['tenths', [0.1, 0.1, 0.1, 0.1]], // mean 0.09999999999999999: not exactly constant in floats
    ['huge', [1e300, 1e300, 1e300, 1e300]],
    ['one row', [42, null, null, null]],
  ];
  for (const kind of ['scale.standard', 'scale.minmax', 'scale.robust']) {
    it(kind, () => {
      const f = makeFrame(constants.map(([name, v]) => numericColumn(name, 'number', v)));
      const { frame: out, fitted } = fitSteps(
        f,
        [{ kind, params: { columns: constants.map(([n]) => n) } }],
        1,
      );
      for (const c of out.columns as NumericFrameColumn[]) {
        for (let i = 0; i < out.rows; i++) {
          const input = (f.columns.find((x) => x.name === c.name) as NumericFrameColumn).values[i];
          if (Number.isNaN(input)) expect(c.values[i]).toBeNaN();
          else expect(Number.isFinite(c.values[i]), `${c.name}[${i}] = ${c.values[i]}`).toBe(true);
        }
      }
      // scikit-learn's convention: the scale of a constant column is 1.
      const state = fitted[0].state as { scale: Float64Array };
      expect([...state.scale]).toEqual([1, 1, 1, 1, 1]);
      // A new value at inference is finite too.
      const row = applyToRow({ zeros: 3, sevens: -1, tenths: 0.2, huge: 1, 'one row': 40 }, fitted);
      for (const v of Object.values(row)) expect(Number.isFinite(v)).toBe(true);
    });
  }

  it('standard: hand-checked values (mean 4, population std 2)', () => {
    // x = 2, 4, 4, 4, 5, 5, 7, 9: mean 5, variance (9+1+1+1+0+0+4+16)/8 = 4, std 2.
    const f = makeFrame([numericColumn('x', 'number', [2, 4, 4, 4, 5, 5, 7, 9])]);
    const { frame: out } = fitSteps(f, [{ kind: 'scale.standard', params: { columns: ['x'] } }], 1);
    expect(column(out, 'x')).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
  });

  it('robust: median 4.5, IQR 5.5 - 4 = 1.5; minmax clips new values when asked', () => {
    // sorted 2 4 4 4 5 5 7 9: median (4+5)/2 = 4.5; q25 at index 1.75 -> 4; q75 at 5.25 -> 5 + 0.25*2 = 5.5.
    const f = makeFrame([numericColumn('x', 'number', [2, 4, 4, 4, 5, 5, 7, 9])]);
    const robust = fitSteps(f, [{ kind: 'scale.robust', params: { columns: ['x'] } }], 1);
    expect(robust.fitted[0].state).toEqual({
      center: new Float64Array([4.5]),
      scale: new Float64Array([1.5]),
    });
    const mm = fitSteps(f, [{ kind: 'scale.minmax', params: { columns: ['x'], clip: true } }], 1);
    // (x - 2) / 7, clipped into [0, 1] for values outside the fitted range.
    expect(applyToRow({ x: 16 }, mm.fitted).x).toBe(1);
    expect(applyToRow({ x: -5 }, mm.fitted).x).toBe(0);
    expect(applyToRow({ x: 5.5 }, mm.fitted).x).toBe(0.5);
  });

  it('an infinite value is refused by name and row', () => {
    const f = makeFrame([numericColumn('x', 'number', [1, Infinity, 3])]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'scale.standard', params: { columns: ['x'] } }], 1),
    );
    expect(err.message).toContain("column 'x' holds an infinite value (row 2)");
  });
});

describe('encoders', () => {
  const weather = () =>
    makeFrame([stringColumn('weather', 'categorical', ['sun', 'rain', 'sun', 'fog', null])]);

  it('one-hot: sorted columns named column=value; unseen and missing values give all zeros', () => {
    const { frame: out, fitted } = fitSteps(
      weather(),
      [{ kind: 'encode.onehot', params: { columns: ['weather'] } }],
      1,
    );
    expect(out.columns.map((c) => c.name)).toEqual(['weather=fog', 'weather=rain', 'weather=sun']);
    expect(frameRow(out, 0)).toEqual({
      'weather=fog': false,
      'weather=rain': false,
      'weather=sun': true,
    });
    const zeros = { 'weather=fog': false, 'weather=rain': false, 'weather=sun': false };
    expect(frameRow(out, 4)).toEqual(zeros);
    expect(applyToRow({ weather: 'hail' }, fitted)).toEqual(zeros);
  });

  it('one-hot with a cap: rare and unseen values share column=(other)', () => {
    const { fitted } = fitSteps(
      weather(),
      [{ kind: 'encode.onehot', params: { columns: ['weather'], maxCategories: 2 } }],
      1,
    );
    // sun (2) is kept; rain and fog (1 each) become (other).
    expect(fitted[0].outputSchema.map((c) => c.name)).toEqual(['weather=sun', 'weather=(other)']);
    expect(applyToRow({ weather: 'hail' }, fitted)).toEqual({
      'weather=sun': false,
      'weather=(other)': true,
    });
    expect(applyToRow({ weather: 'fog' }, fitted)).toEqual({
      'weather=sun': false,
      'weather=(other)': true,
    });
    expect(applyToRow({ weather: null }, fitted)).toEqual({
      'weather=sun': false,
      'weather=(other)': false,
    });
  });

  it('one-hot refuses 100,000 distinct values, naming the column and the count', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
    const f = makeFrame([stringColumn('user', 'text', ids)]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'encode.onehot', params: { columns: ['user'] } }], 1),
    );
    expect(err.message).toContain("column 'user' has 100,000 distinct values");
    expect(err.message).toContain('limit is 1,000');
    expect(err.message).toContain('ordinal');
    expect(err.details).toMatchObject({ column: 'user', distinct: 100_000 });
    // The ordinal encoding it suggests works on the same column.
    const ord = fitSteps(f, [{ kind: 'encode.ordinal', params: { columns: ['user'] } }], 1);
    expect(ord.frame.rows).toBe(100_000);
  });

  it('ordinal: sorted codes, missing stays missing, unseen is -1', () => {
    const { frame: out, fitted } = fitSteps(
      weather(),
      [{ kind: 'encode.ordinal', params: { columns: ['weather'] } }],
      1,
    );
    expect(column(out, 'weather')).toEqual([2, 1, 2, 0, null]);
    expect(applyToRow({ weather: 'hail' }, fitted)).toEqual({ weather: -1 });
  });
});

describe('bad recipes and bad data', () => {
  const frame = () =>
    makeFrame([
      stringColumn('weather', 'categorical', ['sun', 'rain']),
      numericColumn('wind', 'number', [1, 3]),
    ]);

  it('a step naming a column that an earlier step removed', () => {
    const specs: StepSpec[] = [
      { kind: 'encode.onehot', params: { columns: ['weather'] } },
      { kind: 'scale.standard', params: { columns: ['wind', 'weather'] } },
    ];
    const err = caught(() => fitSteps(frame(), specs, 1));
    expect(err.message).toBe("Step 2 (Scale: standard): column 'weather' does not exist any more.");
    expect(err.details).toMatchObject({ step: 2, kind: 'scale.standard', column: 'weather' });
  });

  it('a step given a column of the wrong kind, and settings of the wrong type', () => {
    const err = caught(() =>
      fitSteps(
        frame(),
        [{ kind: 'scale.minmax', params: { columns: ['weather'], min: 'low' } }],
        1,
      ),
    );
    expect(err.message).toContain(
      "column 'weather' is categorical, but this step works on numeric columns",
    );
    expect(err.message).toContain("'min' must be a number.");
  });

  it('a frame with no rows', () => {
    const empty = makeFrame([numericColumn('wind', 'number', [])]);
    const err = caught(() =>
      fitSteps(empty, [{ kind: 'impute.mean', params: { columns: ['wind'] } }], 1),
    );
    expect(err.code).toBe('no-rows');
    expect(err.message).toBe(
      'Step 1 (Impute: mean): there are no rows to learn from (the data is empty, or earlier steps removed every row).',
    );
  });

  it('a filter that removes every row stops the next step with a clear error', () => {
    const f = makeFrame([
      numericColumn('x', 'number', [null, null]),
      numericColumn('y', 'number', [1, 2]),
    ]);
    const err = caught(() =>
      fitSteps(
        f,
        [
          { kind: 'rows.drop-missing', params: { columns: ['x'] } },
          { kind: 'scale.standard', params: { columns: ['y'] } },
        ],
        1,
      ),
    );
    expect(err.code).toBe('no-rows');
    expect(err.message).toMatch(/^Step 2 \(Scale: standard\): there are no rows/);
  });

  it('a fitted step replayed on data where its column changed kind', () => {
    const { fitted } = fitSteps(
      frame(),
      [{ kind: 'impute.most-frequent', params: { columns: ['weather'] } }],
      1,
    );
    const changed = makeFrame([
      numericColumn('weather', 'number', [1, 2]),
      numericColumn('wind', 'number', [1, 3]),
    ]);
    const err = caught(() => applySteps(changed, fitted, { inference: true }));
    expect(err.message).toContain(
      "column 'weather' was categorical when this step was fitted, but is number now.",
    );
  });
});
