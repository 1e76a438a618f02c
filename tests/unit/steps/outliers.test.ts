// outliers.iqr / outliers.zscore (flag, clip) and their drop variants, hand-checked: fences and
// ranges worked out below, strictly-outside rule, integers kept whole when clipped, missing values
// never outliers, constant columns never produce NaN or Infinity, the drop variants count what
// they remove and keep every row at inference.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn } from '../../../src/core/data/frame';
import { applySteps, applyToRow, fitSteps } from '../../../src/core/steps';
import { caught, col, fitOne, names } from './helpers';

type Bounds = { low: Float64Array; high: Float64Array; outliers: Int32Array };

// 9 values: sorted 1..8, 100. q1 = 3 (index 2), q3 = 7 (index 6), IQR = 4, fences [-3, 13].
const iqrFrame = () =>
  makeFrame([
    numericColumn('v', 'integer', [5, 1, 100, 2, 8, 3, null, 7, 4, 6]),
    numericColumn('flat', 'number', [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
  ]);

// 10 values: nine 0s and a 10. Mean 1, population std sqrt(10 - 1) = 3, so 10 has z = 3 exactly.
const zFrame = () =>
  makeFrame([numericColumn('z', 'number', [0, 0, 0, 0, 10, 0, 0, 0, 0, 0, null])]);

describe('outliers.iqr', () => {
  it('Tukey fences [-3, 13]: flags 100, not the missing value, in a column after v', () => {
    const { out, state } = fitOne<Bounds>(iqrFrame(), {
      kind: 'outliers.iqr',
      params: { columns: ['v'] },
    });
    expect(Array.from(state.low)).toEqual([-3]);
    expect(Array.from(state.high)).toEqual([13]);
    expect(Array.from(state.outliers)).toEqual([1]);
    expect(names(out)).toEqual(['v', 'v_outlier', 'flat']);
    expect(col(out, 'v_outlier')).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(col(out, 'v')).toEqual(col(iqrFrame(), 'v'));
  });

  it('clips to the fences; an integer column stays integer (fences 12.6 -> 12 with factor 1.4)', () => {
    const { out, fitted } = fitOne(iqrFrame(), {
      kind: 'outliers.iqr',
      params: { columns: ['v'], factor: 1.4, action: 'clip' },
    });
    // fences 3 - 5.6 = -2.6 and 7 + 5.6 = 12.6; whole-number range [-2, 12].
    expect(col(out, 'v')).toEqual([5, 1, 12, 2, 8, 3, null, 7, 4, 6]);
    expect(fitted.outputSchema[0]).toEqual({ name: 'v', kind: 'integer' });
    expect(applyToRow({ v: -50, flat: 0.1 }, [fitted])).toEqual({ v: -2, flat: 0.1 });
  });

  it('a constant column has fences [c, c] and no outliers, and clipping leaves it alone', () => {
    const { out, state } = fitOne<Bounds>(iqrFrame(), {
      kind: 'outliers.iqr',
      params: { columns: ['flat'], action: 'clip' },
    });
    expect(Array.from(state.outliers)).toEqual([0]);
    expect(col(out, 'flat')).toEqual(col(iqrFrame(), 'flat'));
  });

  it('refuses a flag column whose name is taken', () => {
    const f = makeFrame([
      numericColumn('v', 'number', [1, 2, 3]),
      numericColumn('v_outlier', 'boolean', [0, 0, 1]),
    ]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'outliers.iqr', params: { columns: ['v'] } }], 1),
    );
    expect(err.message).toContain(
      "column 'v_outlier' already exists, so the outlier flag for 'v' cannot be added.",
    );
  });
});

describe('outliers.zscore', () => {
  it('a value exactly 3 std from the mean is not an outlier at 3, but is at 2.9', () => {
    const at3 = fitOne<Bounds>(zFrame(), { kind: 'outliers.zscore', params: { columns: ['z'] } });
    expect(Array.from(at3.state.low)).toEqual([-8]);
    expect(Array.from(at3.state.high)).toEqual([10]);
    expect(Array.from(at3.state.outliers)).toEqual([0]);
    const below = fitOne<Bounds>(zFrame(), {
      kind: 'outliers.zscore',
      params: { columns: ['z'], threshold: 2.9 },
    });
    expect(Array.from(below.state.outliers)).toEqual([1]);
    expect(col(below.out, 'z_outlier')[4]).toBe(true);
    expect(col(below.out, 'z_outlier')[10]).toBe(false); // missing is not an outlier
  });

  it('clip to mean ± 2 std = [-5, 7]', () => {
    const { out } = fitOne(zFrame(), {
      kind: 'outliers.zscore',
      params: { columns: ['z'], threshold: 2, action: 'clip' },
    });
    expect(col(out, 'z')).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0, 0, null]);
  });

  it('a constant column (whose mean is an ulp off its values) has no outliers and no NaN', () => {
    const f = makeFrame([numericColumn('c', 'number', [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])]);
    for (const action of ['flag', 'clip']) {
      const { out, state } = fitOne<Bounds>(f, {
        kind: 'outliers.zscore',
        params: { columns: ['c'], threshold: 0.5, action },
      });
      expect(Array.from(state.outliers)).toEqual([0]);
      expect(col(out, 'c')).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
      if (action === 'flag') expect(col(out, 'c_outlier').every((x) => x === false)).toBe(true);
    }
  });
});

describe('outliers.iqr-drop and outliers.zscore-drop (filters)', () => {
  it('drop the rows with an outlier in any chosen column, count them, keep all at inference', () => {
    const f = makeFrame([
      numericColumn('v', 'integer', [5, 1, 100, 2, 8, 3, null, 7, 4, 6]),
      numericColumn('w', 'number', [0, 0, 0, 0, 0, 0, 0, 0, 0, 50]),
    ]);
    const { fitted, frame: out } = fitSteps(
      f,
      [{ kind: 'outliers.iqr-drop', params: { columns: ['v', 'w'] } }],
      1,
    );
    // v: 100 (row 3) is outside [-3, 13]; w: fences [0, 0], so 50 (row 10) is outside.
    expect(fitted[0].state).toMatchObject({ rows: 10, dropped: 2 });
    expect(col(out, 'v')).toEqual([5, 1, 2, 8, 3, null, 7, 4]);
    expect(applySteps(f, fitted, { inference: true })).toBe(f);
    expect(applyToRow({ v: 1000, w: 1000 }, fitted)).toEqual({ v: 1000, w: 1000 });
  });

  it('z-score drop at 2.9 removes the 10; at 3 nothing', () => {
    for (const [threshold, dropped] of [
      [2.9, 1],
      [3, 0],
    ]) {
      const { fitted, frame: out } = fitSteps(
        zFrame(),
        [{ kind: 'outliers.zscore-drop', params: { columns: ['z'], threshold } }],
        1,
      );
      expect(fitted[0].state).toMatchObject({ rows: 11, dropped });
      expect(out.rows).toBe(11 - dropped);
    }
  });

  it('refuses a threshold of 0 and a negative factor', () => {
    const e1 = caught(() =>
      fitSteps(
        zFrame(),
        [{ kind: 'outliers.zscore-drop', params: { columns: ['z'], threshold: 0 } }],
        1,
      ),
    );
    expect(e1.message).toContain("'threshold' must be above 0 (it is 0).");
    const e2 = caught(() =>
      fitSteps(
        iqrFrame(),
        [{ kind: 'outliers.iqr-drop', params: { columns: ['v'], factor: -1 } }],
        1,
      ),
    );
    expect(e2.message).toContain("'factor' must be at least 0 (it is -1).");
  });
});
