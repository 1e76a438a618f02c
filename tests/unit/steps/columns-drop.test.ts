// columns.drop, hand-checked: the chosen columns go (at fit and at inference), the others stay in
// order and are shared, not copied; a later step naming a dropped column is told so.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn } from '../../../src/core/data/frame';
import { applyToRow, fitSteps } from '../../../src/core/steps';
import { caught, fitOne, names } from './helpers';

const frame = () =>
  makeFrame([
    numericColumn('id', 'integer', [1, 2, 3]),
    numericColumn('age', 'integer', [30, null, 41]),
    stringColumn('notes', 'text', ['late', null, 'ok']),
    stringColumn('city', 'categorical', ['Oslo', 'Lima', null]),
  ]);

describe('columns.drop', () => {
  it('removes the chosen columns and shares the others', () => {
    const input = frame();
    const { out, fitted } = fitOne(input, {
      kind: 'columns.drop',
      params: { columns: ['notes', 'id'] },
    });
    expect(names(out)).toEqual(['age', 'city']);
    expect(out.rows).toBe(3);
    expect(out.columns[0]).toBe(input.columns[1]);
    expect(fitted.outputSchema).toEqual([
      { name: 'age', kind: 'integer' },
      { name: 'city', kind: 'categorical' },
    ]);
  });

  it('drops the same columns from a row predicted later', () => {
    const { fitted } = fitOne(frame(), { kind: 'columns.drop', params: { columns: ['id'] } });
    expect(applyToRow({ id: 9, age: 50, notes: 'x', city: 'Pune' }, [fitted])).toEqual({
      age: 50,
      notes: 'x',
      city: 'Pune',
    });
  });

  it('dropping every column keeps the row count', () => {
    const { out } = fitOne(frame(), {
      kind: 'columns.drop',
      params: { columns: ['id', 'age', 'notes', 'city'] },
    });
    expect(out.columns).toEqual([]);
    expect(out.rows).toBe(3);
  });

  it('a later step naming a dropped column is an error naming it and the step', () => {
    const err = caught(() =>
      fitSteps(
        frame(),
        [
          { kind: 'columns.drop', params: { columns: ['age'] } },
          { kind: 'impute.median', params: { columns: ['age'] } },
        ],
        1,
      ),
    );
    expect(err.message).toBe("Step 2 (Impute: median): column 'age' does not exist any more.");
    expect(err.details).toMatchObject({ step: 2, column: 'age' });
  });

  it('a column that does not exist is refused before anything runs', () => {
    const err = caught(() =>
      fitSteps(frame(), [{ kind: 'columns.drop', params: { columns: ['age', 'zip'] } }], 1),
    );
    expect(err.message).toBe("Step 1 (Drop columns): column 'zip' does not exist any more.");
  });
});
