// transform.log, hand-checked: log1p and log values; values outside the domain refused with the
// column, the value and the row, or made missing and counted; the same rule for rows predicted
// later.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn } from '../../../src/core/data/frame';
import { applySteps, applyToRow, fitSteps } from '../../../src/core/steps';
import { caught, col, fitOne } from './helpers';

describe('transform.log', () => {
  it('log1p: 0 -> 0, e - 1 -> 1, 9 -> ln 10; an integer column becomes a number column', () => {
    const f = makeFrame([
      numericColumn('n', 'integer', [0, 9, null]),
      numericColumn('x', 'number', [Math.E - 1, 0, 0]),
    ]);
    const { out, fitted } = fitOne(f, { kind: 'transform.log', params: { columns: ['n', 'x'] } });
    expect(col(out, 'n')).toEqual([0, Math.log(10), null]);
    expect(col(out, 'x')[0]).toBeCloseTo(1, 15);
    expect(fitted.outputSchema[0]).toEqual({ name: 'n', kind: 'number' });
    expect(fitted.spec.params).toEqual({ columns: ['n', 'x'], method: 'log1p', invalid: 'error' });
  });

  it('log: ln e = 1, ln 1 = 0', () => {
    const f = makeFrame([numericColumn('p', 'number', [Math.E, 1, 100])]);
    const { out } = fitOne(f, { kind: 'transform.log', params: { columns: ['p'], method: 'log' } });
    expect(col(out, 'p')).toEqual([1, 0, Math.log(100)]);
  });

  it('refuses a value <= -1 for log1p, naming the column, the first bad value and its row', () => {
    const f = makeFrame([numericColumn('debt', 'number', [5, -0.5, -1, -3])]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'transform.log', params: { columns: ['debt'] } }], 1),
    );
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toBe(
      'Step 1 (Transform: log): column \'debt\' has the value -1 (row 3), but log(1 + x) needs values above -1. Shift or clip the column first, choose "make them missing", or leave the column out of this step.',
    );
    expect(err.details).toMatchObject({ column: 'debt', row: 3, value: -1 });
  });

  it('refuses 0 for log', () => {
    const f = makeFrame([numericColumn('p', 'number', [3, 0])]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'transform.log', params: { columns: ['p'], method: 'log' } }], 1),
    );
    expect(err.message).toContain(
      "column 'p' has the value 0 (row 2), but log(x) needs values above 0.",
    );
  });

  it("with invalid: 'missing', the 2 bad values become missing and are counted", () => {
    const f = makeFrame([numericColumn('debt', 'number', [5, -0.5, -1, -3, null])]);
    const { out, state } = fitOne<{ invalid: Int32Array }>(f, {
      kind: 'transform.log',
      params: { columns: ['debt'], invalid: 'missing' },
    });
    expect(Array.from(state.invalid)).toEqual([2]);
    expect(col(out, 'debt')).toEqual([Math.log(6), Math.log(0.5), null, null, null]);
  });

  it('rows predicted later follow the same rule', () => {
    const f = makeFrame([numericColumn('x', 'number', [1, 2, 3])]);
    const strict = fitOne(f, { kind: 'transform.log', params: { columns: ['x'] } }).fitted;
    expect(applyToRow({ x: 0 }, [strict])).toEqual({ x: 0 });
    expect(caught(() => applyToRow({ x: -2 }, [strict])).message).toContain(
      "column 'x' has the value -2 (row 1)",
    );
    const lenient = fitOne(f, {
      kind: 'transform.log',
      params: { columns: ['x'], invalid: 'missing' },
    }).fitted;
    expect(applyToRow({ x: -2 }, [lenient])).toEqual({ x: null });
    const batch = applySteps(makeFrame([numericColumn('x', 'number', [-2, 1])]), [lenient], {
      inference: true,
    });
    expect(col(batch, 'x')).toEqual([null, Math.log(2)]);
  });
});
