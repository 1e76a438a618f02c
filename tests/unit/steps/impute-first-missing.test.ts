// The imputers' transform looks for a column's first missing value four values at a time before
// deciding to keep the column as it is (nothing to fill) or to fill a copy. A single gap at any
// position (each of the four lanes, the leftover tail, the first and last rows) must still be
// found and filled, with the indicator set on exactly that row; a column without gaps must be kept
// as the same object. Real data: vega-datasets cars.json's Acceleration and Weight_in_lbs (no
// gaps), with one value knocked out at a time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, type NumericFrameColumn } from '../../../src/core/data/frame';
import { fitStep } from '../../../src/core/steps';
import type { JsonObject } from '../../../src/core/steps/types';

const rows = JSON.parse(readFileSync('node_modules/vega-datasets/data/cars.json', 'utf8')) as {
  Acceleration: number;
  Weight_in_lbs: number;
}[];

function cars(n: number, gapAt: number | null) {
  const accel = rows.slice(0, n).map((r, i) => (i === gapAt ? null : r.Acceleration));
  const weight = rows.slice(0, n).map((r) => r.Weight_in_lbs);
  return makeFrame([
    numericColumn('Acceleration', 'number', accel),
    numericColumn('Weight_in_lbs', 'number', weight),
  ]);
}

describe('imputers find a single gap at any position', () => {
  it.each(['impute.median', 'impute.mean', 'impute.constant'])('%s', (kind) => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 13, 406]) {
      const positions = [
        ...new Set(
          [0, 1, 2, 3, 4, 5, n - 1, n - 2, n - 3, n - 4, n >> 1].filter((p) => p >= 0 && p < n),
        ),
      ];
      for (const at of positions) {
        const frame = cars(n, at);
        const params: JsonObject = { columns: ['Acceleration', 'Weight_in_lbs'], indicator: true };
        if (kind === 'impute.constant') params.value = -1;
        if (n === 1) continue; // one row, and it is the gap: nothing to learn from
        const { frame: out, fitted } = fitStep(frame, { kind, params }, 0);
        const fill = (fitted.state as { fill: number[] }).fill[0];
        const filled = out.columns.find((c) => c.name === 'Acceleration') as NumericFrameColumn;
        const flags = out.columns.find(
          (c) => c.name === 'Acceleration_missing',
        ) as NumericFrameColumn;
        const want = rows.slice(0, n).map((r, i) => (i === at ? fill : r.Acceleration));
        expect(Array.from(filled.values), `${kind} n=${n} gap at ${at}`).toEqual(want);
        expect(Array.from(flags.values), `${kind} n=${n} gap at ${at}: indicator`).toEqual(
          want.map((_, i) => (i === at ? 1 : 0)),
        );
        // The column without gaps is the input's own (no copy, no indicator).
        const weight = out.columns.find((c) => c.name === 'Weight_in_lbs');
        expect(weight, `${kind} n=${n}`).toBe(frame.columns[1]);
        expect(out.columns.some((c) => c.name === 'Weight_in_lbs_missing')).toBe(false);
      }
    }
  });

  it('no gap anywhere: every column is kept as the same object', () => {
    for (const n of [1, 4, 5, 406]) {
      const frame = cars(n, null);
      const { frame: out } = fitStep(
        frame,
        { kind: 'impute.median', params: { columns: ['Acceleration', 'Weight_in_lbs'] } },
        0,
      );
      out.columns.forEach((c, i) => expect(c, `n=${n}`).toBe(frame.columns[i]));
    }
  });
});
