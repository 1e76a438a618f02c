// The shortcuts that make auto-prepare cheap on big frames (bench/prepare.ts), checked to give
// exactly what the plain path gives: the counting median against quickselect on a copy, bit for
// bit, on real columns and edge cases; imputers keeping a column with nothing to fill as it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromTable, makeFrame, numericColumn, stringColumn } from '../../src/core/data/frame';
import type { NumericFrameColumn } from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import { applySteps, fitStep } from '../../src/core/steps';
import { civilFromDays } from '../../src/core/steps/date-parts';
import { columnMedian, median, presentValues } from '../../src/core/steps/stats';
import { createRng } from '../../src/core/rng';

const plain = (c: NumericFrameColumn) => {
  const v = presentValues(c);
  return { count: v.length, median: v.length > 0 ? median(v) : NaN };
};

describe('columnMedian', () => {
  it('equals quickselect on every numeric column of flights-200k and seattle-weather', async () => {
    for (const file of ['flights-200k.arrow', 'seattle-weather.csv']) {
      const bytes = readFileSync(`node_modules/vega-datasets/data/${file}`);
      const { table, schema } = await ingest(bytesSource(file, bytes));
      const frame = frameFromTable(table, schema);
      for (const c of frame.columns) {
        if (!('values' in c)) continue;
        expect(columnMedian(c), `${file} ${c.name}`).toEqual(plain(c));
      }
    }
  });

  it('equals quickselect on whole numbers, odd and even counts, negatives, gaps, wide ranges', () => {
    const rng = createRng(5);
    const cases: (number | null)[][] = [
      [7],
      [3, 1],
      [-4, -4, -5, null, -1],
      [1, 2, 3, 4, null, null],
      [0, 1, 1, 0, 1, 0],
      [2 ** 40, 2 ** 40 + 1, 3],
      [65535, 0, 1],
      [65536, 0, 1],
      [1.5, 2, 3],
      Array.from({ length: 10_001 }, () => (rng() < 0.1 ? null : Math.floor(rng() * 50) - 25)),
      Array.from({ length: 10_000 }, () => Math.floor(rng() * 366) + 1),
    ];
    for (const values of cases) {
      const c = numericColumn('x', 'integer', values);
      expect(columnMedian(c), JSON.stringify(values.slice(0, 6))).toEqual(plain(c));
    }
    // Pins the even case: the mean of the two middle values.
    expect(columnMedian(numericColumn('x', 'integer', [1, 2, 3, 4])).median).toBe(2.5);
  });

  it('equals quickselect on long columns of fractions: random, sorted, ties, gaps, traps', () => {
    const rng = createRng(9);
    const n = 40_001;
    const stride = Math.floor(n / 8192);
    const cases: Record<string, (i: number) => number | null> = {
      random: () => rng() * 100 - 50,
      'random, even count': (i) => (i === 0 ? null : rng()),
      sorted: (i) => i / 7,
      reversed: (i) => -i / 3,
      'few distinct values': () => Math.floor(rng() * 4) / 2 + 0.5,
      'one value': () => 0.25,
      'mostly missing': (i) => (i % 3 === 0 ? rng() : null),
      // Every sampled row holds a huge value: the sample's bounds miss the middle (plain path).
      'sample trap': (i) => (i % stride === 0 ? 1e9 + i : rng()),
      'skewed with outliers': () => (rng() < 0.001 ? 1e12 : rng() ** 8),
    };
    for (const [name, make] of Object.entries(cases)) {
      const c = numericColumn(
        'x',
        'number',
        Array.from({ length: n }, (_, i) => make(i)),
      );
      expect(columnMedian(c), name).toEqual(plain(c));
    }
  });

  it('no values: count 0; an infinite value is refused naming its row', () => {
    expect(columnMedian(numericColumn('x', 'number', [null, null]))).toEqual({
      count: 0,
      median: NaN,
    });
    const long = Array.from({ length: 50_000 }, (_, i) => i + 0.5);
    for (const values of [
      [1, Infinity, 2],
      [Infinity],
      [-Infinity, 3],
      [...long.slice(0, 30_000), -Infinity, ...long.slice(30_000)],
      [...long, Infinity],
    ]) {
      expect(() => columnMedian(numericColumn('x', 'number', values))).toThrow(
        /column 'x' holds an infinite value/,
      );
    }
    expect(() =>
      columnMedian(numericColumn('x', 'number', [...long.slice(0, 30_000), -Infinity])),
    ).toThrow('row 30001');
  });
});

describe('imputers keep a column that has nothing to fill', () => {
  const frame = () =>
    makeFrame([
      numericColumn('full', 'integer', [1, 3, 3, 4]), // median 3: stays integer
      numericColumn('gappy', 'integer', [1, null, 3, 4]),
      stringColumn('city', 'categorical', ['Oslo', 'Lima', 'Oslo', 'Pune']),
    ]);

  it('returns the very same column objects, and copies the ones it fills', () => {
    const f = frame();
    const { frame: out } = fitStep(
      f,
      { kind: 'impute.median', params: { columns: ['full', 'gappy'] } },
      0,
    );
    expect(out.columns[0]).toBe(f.columns[0]);
    expect(out.columns[1]).not.toBe(f.columns[1]);
    expect(Array.from((out.columns[1] as NumericFrameColumn).values)).toEqual([1, 3, 3, 4]);
    expect(Array.from((f.columns[1] as NumericFrameColumn).values)).toEqual([1, NaN, 3, 4]);
    const cat = fitStep(f, { kind: 'impute.most-frequent', params: { columns: ['city'] } }, 0);
    expect(cat.frame.columns[2]).toBe(f.columns[2]);
  });

  it('a fill that changes the kind (integer -> number) still makes a new column', () => {
    const fitted = fitStep(
      makeFrame([numericColumn('a', 'integer', [1, 2, null, 4])]),
      { kind: 'impute.median', params: { columns: ['a'] } },
      0,
    ).fitted;
    expect(fitted.state.fill).toEqual([2]);
    // Fitted where the median is 2.5, then given a column without gaps: the kind must follow the
    // fitted state (number), so the column is not the input one.
    const half = fitStep(
      makeFrame([numericColumn('a', 'integer', [1, 2, 3, 4, null])]),
      { kind: 'impute.median', params: { columns: ['a'] } },
      0,
    );
    expect(half.fitted.outputSchema).toEqual([{ name: 'a', kind: 'number' }]);
    const complete = makeFrame([numericColumn('a', 'integer', [1, 2, 3])]);
    const out = applySteps(complete, [half.fitted], { inference: true });
    expect(out.columns[0]).not.toBe(complete.columns[0]);
    expect(out.columns[0]).toMatchObject({ kind: 'number' });
    expect((out.columns[0] as NumericFrameColumn).values).not.toBe(
      (complete.columns[0] as NumericFrameColumn).values,
    );
  });
});

describe('date.parts through a table of days', () => {
  /** Row by row with civilFromDays: what every row's parts must be. */
  function expectedParts(values: (number | null)[]): (number | null)[][] {
    const civil = new Int32Array(5);
    return values.map((ms) => {
      if (ms === null) return [null, null, null, null, null];
      civilFromDays(Math.floor(ms / 86_400_000), civil);
      return Array.from(civil);
    });
  }

  const rng = createRng(11);
  const DAY = 86_400_000;
  const cases: Record<string, (number | null)[]> = {
    // Within the table's range: unsorted days and times of day, gaps, before 1970.
    'ten years, shuffled, times of day': Array.from({ length: 5000 }, () =>
      rng() < 0.05 ? null : Date.UTC(1965, 0, 1) + Math.floor(rng() * 3653 * DAY),
    ),
    // Wider than the table (about 180 years): the row-by-row path.
    'six centuries': Array.from({ length: 2000 }, () =>
      rng() < 0.05 ? null : Date.UTC(1600, 1, 29) + Math.floor(rng() * 220_000 * DAY),
    ),
    'one day': [Date.UTC(2024, 1, 29, 23, 59), null, Date.UTC(2024, 1, 29)],
    'all missing': [null, null],
  };
  for (const [name, values] of Object.entries(cases)) {
    it(name, () => {
      const frame = makeFrame([numericColumn('when', 'date', values)]);
      const { frame: out } = fitStep(
        frame,
        { kind: 'date.parts', params: { columns: ['when'] } },
        0,
      );
      const got = values.map((_, i) =>
        out.columns.map((c) => {
          const v = (c as NumericFrameColumn).values[i];
          return Number.isNaN(v) ? null : v;
        }),
      );
      expect(got).toEqual(expectedParts(values));
    });
  }
});
