// transform.yeo-johnson, hand-checked: the transform's formula at chosen λ; λ = 1 for symmetric
// data (the likelihood is symmetric about 1 there); λ < 1 for right-skewed data, which comes out
// less skewed; standardized output has mean 0 and std 1; a constant column gives zeros, never NaN;
// bad input refused by name. Values against scikit-learn are in tests/golden/steps-more.test.ts.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn } from '../../../src/core/data/frame';
import { applyToRow, fitSteps } from '../../../src/core/steps';
import { yeoJohnson, yeoJohnsonLambda } from '../../../src/core/steps/transform-yeo-johnson';
import { caught, col, fitOne } from './helpers';

type State = { lambdas: Float64Array; center: Float64Array; scale: Float64Array };

function skewness(x: number[]): number {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const m2 = x.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  const m3 = x.reduce((a, b) => a + (b - m) ** 3, 0) / n;
  return m3 / m2 ** 1.5;
}

describe('the Yeo-Johnson function', () => {
  it('λ = 1 is the identity; λ = 0 is log1p above 0; λ = 2 is -log1p(-x) below 0', () => {
    for (const x of [-7, -0.5, 0, 0.25, 3, 1e6]) expect(yeoJohnson(x, 1)).toBeCloseTo(x, 9);
    expect(yeoJohnson(3, 0)).toBe(Math.log(4));
    expect(yeoJohnson(-3, 2)).toBe(-Math.log(4));
  });

  it('λ = 0.5: x = 3 -> (√4 - 1) / 0.5 = 2; x = -3 -> -(4^1.5 - 1) / 1.5 = -14/3', () => {
    expect(yeoJohnson(3, 0.5)).toBe(2);
    expect(yeoJohnson(-3, 0.5)).toBeCloseTo(-14 / 3, 14);
    expect(yeoJohnson(NaN, 0.5)).toBeNaN();
  });
});

describe('transform.yeo-johnson', () => {
  it('symmetric data about 0 has λ = 1 (the likelihood is symmetric about λ = 1)', () => {
    const x = Float64Array.from([-9, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 9]);
    expect(yeoJohnsonLambda(x)).toBeCloseTo(1, 6);
  });

  it('right-skewed data gets λ < 1 and comes out far less skewed', () => {
    // Rainfall-like: many small values, a long right tail.
    const rain = [0, 0, 0.1, 0.3, 0.3, 0.5, 0.8, 1, 1.5, 2, 3, 4.5, 7, 12, 25, 48];
    const { out, state } = fitOne<State>(makeFrame([numericColumn('rain', 'number', rain)]), {
      kind: 'transform.yeo-johnson',
      params: { columns: ['rain'], standardize: false },
    });
    expect(state.lambdas[0]).toBeLessThan(0.5);
    expect(skewness(rain)).toBeGreaterThan(2);
    expect(Math.abs(skewness(col(out, 'rain') as number[]))).toBeLessThan(0.5);
    expect(Array.from(state.center)).toEqual([0]);
    expect(Array.from(state.scale)).toEqual([1]);
  });

  it('standardized: mean 0 and population std 1 on the fitting rows; missing stays missing', () => {
    const f = makeFrame([numericColumn('m', 'number', [1.2, 3.4, 0.5, null, 8.9, 2.2, 15, 4.1])]);
    const { out } = fitOne<State>(f, {
      kind: 'transform.yeo-johnson',
      params: { columns: ['m'] },
    });
    const v = col(out, 'm');
    expect(v[3]).toBeNull();
    const present = v.filter((x): x is number => x !== null);
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    const std = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
    expect(mean).toBeCloseTo(0, 12);
    expect(std).toBeCloseTo(1, 12);
  });

  it('a constant column gets λ = 1 and becomes zeros, never NaN or Infinity', () => {
    const f = makeFrame([numericColumn('c', 'number', [2.5, 2.5, 2.5, null, 2.5])]);
    for (const standardize of [true, false]) {
      const { out, state } = fitOne<State>(f, {
        kind: 'transform.yeo-johnson',
        params: { columns: ['c'], standardize },
      });
      expect(Array.from(state.lambdas)).toEqual([1]);
      expect(col(out, 'c')).toEqual(standardize ? [0, 0, 0, null, 0] : [2.5, 2.5, 2.5, null, 2.5]);
    }
  });

  it('a row predicted later is transformed with the fitted λ and scaling', () => {
    const f = makeFrame([numericColumn('x', 'number', [0, 1, 2, 3, 5, 8, 13, 21])]);
    const { fitted, state } = fitOne<State>(f, {
      kind: 'transform.yeo-johnson',
      params: { columns: ['x'] },
    });
    const expected = (yeoJohnson(4, state.lambdas[0]) - state.center[0]) / state.scale[0];
    expect(applyToRow({ x: 4 }, [fitted])).toEqual({ x: expected });
  });

  it('refuses a degenerate fit: 7 body masses in grams all map to ~0.2238 (λ ≈ -4.47)', () => {
    // scikit-learn 1.2.1 PowerTransformer().fit(X) on the same 7 values: lambdas_ = [-4.46834027],
    // transform = [0, 0, -2.8e-17, 0, 0, 0, 0] (its scaler then treats the column as constant).
    const f = makeFrame([
      numericColumn('mass', 'number', [3750, 3800, 3250, 3450, 3650, 5200, 4600]),
    ]);
    expect(
      yeoJohnsonLambda(Float64Array.from([3750, 3800, 3250, 3450, 3650, 5200, 4600])),
    ).toBeCloseTo(-4.468, 2);
    for (const standardize of [true, false]) {
      const err = caught(() =>
        fitSteps(
          f,
          [{ kind: 'transform.yeo-johnson', params: { columns: ['mass'], standardize } }],
          1,
        ),
      );
      expect(err.message).toMatch(
        /^Step 1 \(Transform: Yeo-Johnson\): column 'mass' cannot be Yeo-Johnson transformed usefully: its values are far from 0 compared with their spread, so the best λ \(-4\.468\) maps them all to nearly the same number\. Put a standard scaling step before this one/,
      );
      expect(err.details).toMatchObject({ column: 'mass' });
    }
    // Scaled first, the same values transform fine.
    const { frame: out } = fitSteps(
      f,
      [
        { kind: 'scale.standard', params: { columns: ['mass'] } },
        { kind: 'transform.yeo-johnson', params: { columns: ['mass'] } },
      ],
      1,
    );
    expect(new Set(col(out, 'mass')).size).toBe(7);
  });

  it('refuses an infinite value and an all-missing column by name', () => {
    const inf = makeFrame([numericColumn('x', 'number', [1, Infinity, 3])]);
    const e1 = caught(() =>
      fitSteps(inf, [{ kind: 'transform.yeo-johnson', params: { columns: ['x'] } }], 1),
    );
    expect(e1.message).toContain("column 'x' holds an infinite value (row 2)");
    const empty = makeFrame([numericColumn('x', 'number', [null, null])]);
    const e2 = caught(() =>
      fitSteps(empty, [{ kind: 'transform.yeo-johnson', params: { columns: ['x'] } }], 1),
    );
    expect(e2.message).toContain("column 'x' has no values at all");
  });
});
