// rows.drop-missing-target, hand-checked: rows without a target are dropped while fitting (never
// imputed) and counted; rows to predict are all kept; a target with no values is a clear error.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn } from '../../../src/core/data/frame';
import { applySteps, fitSteps, inferenceSteps } from '../../../src/core/steps';
import { caught, col, fitOne } from './helpers';

const frame = () =>
  makeFrame([
    numericColumn('price', 'number', [12.5, null, 8, null, 30, 0]),
    stringColumn('label', 'categorical', ['a', 'b', null, 'a', null, null]),
    numericColumn('x', 'number', [1, 2, 3, 4, 5, null]),
  ]);

describe('rows.drop-missing-target', () => {
  it('drops the 2 rows with no price and records the count; features may still be missing', () => {
    const { out, state } = fitOne<{ rows: number; dropped: number }>(frame(), {
      kind: 'rows.drop-missing-target',
      params: { target: 'price' },
    });
    expect(state).toEqual({ rows: 6, dropped: 2 });
    expect(col(out, 'price')).toEqual([12.5, 8, 30, 0]);
    expect(col(out, 'x')).toEqual([1, 3, 5, null]);
  });

  it('works on a categorical target (3 of 6 missing)', () => {
    const { out, state } = fitOne<{ dropped: number }>(frame(), {
      kind: 'rows.drop-missing-target',
      params: { target: 'label' },
    });
    expect(state.dropped).toBe(3);
    expect(col(out, 'label')).toEqual(['a', 'b', 'a']);
  });

  it('is skipped at inference: rows to predict have no target', () => {
    const { fitted } = fitSteps(
      frame(),
      [{ kind: 'rows.drop-missing-target', params: { target: 'price' } }],
      1,
    );
    expect(inferenceSteps(fitted)).toEqual([]);
    const input = frame();
    expect(applySteps(input, fitted, { inference: true })).toBe(input);
    expect(applySteps(input, fitted, { inference: false }).rows).toBe(4);
  });

  it('a target with no values at all: "the target column has no values"', () => {
    const f = makeFrame([
      numericColumn('y', 'number', [null, null, null]),
      numericColumn('x', 'number', [1, 2, 3]),
    ]);
    const err = caught(() =>
      fitSteps(f, [{ kind: 'rows.drop-missing-target', params: { target: 'y' } }], 1),
    );
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toBe(
      "Step 1 (Drop rows with a missing target): the target column has no values: every one of the 3 rows is missing 'y'. Choose another target column.",
    );
    expect(err.details).toMatchObject({ column: 'y', step: 1 });
  });

  it('a target that does not exist is refused by name', () => {
    const err = caught(() =>
      fitSteps(frame(), [{ kind: 'rows.drop-missing-target', params: { target: 'cost' } }], 1),
    );
    expect(err.message).toContain("column 'cost' does not exist any more.");
  });
});
