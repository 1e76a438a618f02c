// MSE, RMSE, MAE and R² on scikit-learn's docstring example (y = [3, -0.5, 2, 7],
// pred = [2.5, 0, 2, 8]: mse 0.375, mae 0.5, r2 0.948...), and r2's force_finite rule.
import { describe, expect, it } from 'vitest';
import { mae, mse, r2, regressionReport, rmse } from '../../../src/core/metrics';

describe('regression metrics', () => {
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];
  it("sklearn's docstring numbers", () => {
    expect(mse(y, p)).toBe(0.375);
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(mae(y, p)).toBe(0.5);
    expect(r2(y, p)).toBeCloseTo(0.9486081370449679, 15);
    expect(Object.keys(regressionReport(y, p).metrics)).toEqual(['mse', 'rmse', 'mae', 'r2']);
  });

  it('constant truth: r2 is 1 when perfect, else 0 (never NaN)', () => {
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(r2([2, 2], [2, 3])).toBe(0);
  });

  it('no rows is a clear error', () => {
    expect(() => mse([], [])).toThrow('There are no rows to score the predictions on.');
  });
});
