// toMatrix writes four feature columns per pass with one finiteness flag per four values; the
// matrix must equal, float for float, the plain row-major copy (Math.fround of every value), for
// every number of columns (each remainder after the groups of four), with and without a row pick,
// and a missing or infinite value in any of the four lanes (or in the leftover columns) must still
// be refused naming its column, the count and the first row. Real data: vega-datasets cars.json
// (406 cars; Horsepower and Miles_per_Gallon have gaps).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, type Frame } from '../../src/core/data/frame';
import { BenchtopError } from '../../src/core/errors';
import { toMatrix } from '../../src/core/evaluate';

const NUMBERS = [
  'Miles_per_Gallon',
  'Cylinders',
  'Displacement',
  'Horsepower',
  'Weight_in_lbs',
  'Acceleration',
];

/** cars.json's numeric columns, each repeated (with a suffix) to reach `cols` features, plus a target. */
function cars(cols: number, complete: boolean): Frame {
  const rows = JSON.parse(
    readFileSync('node_modules/vega-datasets/data/cars.json', 'utf8'),
  ) as Record<string, unknown>[];
  const kept = complete ? rows.filter((r) => NUMBERS.every((n) => typeof r[n] === 'number')) : rows;
  const columns = Array.from({ length: cols }, (_, j) => {
    const name = NUMBERS[j % NUMBERS.length];
    return numericColumn(
      `${name}_${j}`,
      'number',
      kept.map((r) => (typeof r[name] === 'number' ? (r[name] as number) : null)),
    );
  });
  const origin = numericColumn(
    'usa',
    'boolean',
    kept.map((r) => (r.Origin === 'USA' ? 1 : 0)),
  );
  // The target in the middle: skipped wherever it sits.
  return makeFrame([...columns.slice(0, 2), origin, ...columns.slice(2)]);
}

function reference(frame: Frame, target: string, rows?: Int32Array): Float32Array {
  const features = frame.columns.filter((c) => c.name !== target);
  const n = rows ? rows.length : frame.rows;
  const X = new Float32Array(n * features.length);
  for (let i = 0; i < n; i++) {
    features.forEach((c, j) => {
      if (!('values' in c)) throw new Error('numeric only');
      X[i * features.length + j] = c.values[rows ? rows[i] : i];
    });
  }
  return X;
}

describe('toMatrix: four columns per pass equals the plain row-major copy', () => {
  it('1..11 feature columns, every row or a picked subset in any order', () => {
    for (let cols = 1; cols <= 11; cols++) {
      const f = cars(cols, true);
      const all = toMatrix(f, 'usa');
      expect(all.cols).toBe(cols);
      expect(all.rows).toBe(f.rows);
      expect(Array.from(all.X), `${cols} columns`).toEqual(Array.from(reference(f, 'usa')));
      const pick = Int32Array.from({ length: 57 }, (_, i) => (i * 37) % f.rows);
      const some = toMatrix(f, 'usa', { rows: pick });
      expect(Array.from(some.X), `${cols} columns, picked`).toEqual(
        Array.from(reference(f, 'usa', pick)),
      );
    }
  });

  it('a missing value in any lane (and in the leftover columns) names its column and first row', () => {
    const f = cars(7, false); // cars with gaps in Miles_per_Gallon (_0, _6) and Horsepower (_3)
    const err = (() => {
      try {
        toMatrix(f, 'usa');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(BenchtopError);
    expect((err as BenchtopError).message).toMatch(
      /^Column 'Miles_per_Gallon_0' has 8 missing values reaching the model \(the first in row 11 of this fold\)/,
    );
    // One bad value at a time, in each of the 7 columns: lanes 0-3 of the first group, then the
    // leftover columns 4-6.
    const clean = cars(7, true);
    for (let j = 0; j < 7; j++) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const name = clean.columns.filter((c) => c.name !== 'usa')[j].name;
        const columns = clean.columns.map((c) => {
          if (c.name !== name || !('values' in c)) return c;
          const values = c.values.slice();
          values[5] = bad;
          return { ...c, values };
        });
        const frame = makeFrame(columns, clean.rows);
        const message = Number.isNaN(bad)
          ? `Column '${name}' has 1 missing value reaching the model (the first in row 6 of this fold)`
          : `Column '${name}' has 1 infinite or missing value reaching the model`;
        expect(() => toMatrix(frame, 'usa'), `${name} = ${bad}`).toThrow(message);
        // Outside the picked rows it is never read.
        const rows = Int32Array.from([0, 1, 2, 3, 4, 6, 7]);
        expect(toMatrix(frame, 'usa', { rows }).rows).toBe(7);
        expect(() => toMatrix(frame, 'usa', { rows: Int32Array.from([7, 5]) })).toThrow(name);
      }
    }
  });
});
