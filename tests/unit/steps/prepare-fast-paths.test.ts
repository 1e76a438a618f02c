// The second round of shortcuts behind the auto-prepare figure (bench/prepare.ts), each checked to
// give exactly what the plain way gives: rows.drop-missing-target copying runs of kept rows
// (against takeRows over the kept indices), date.parts writing every part in one pass (against
// civilFromDays row by row, for every subset of parts), the median's counting lanes and one-pass
// bracket (against quickselect on a copy, wherever in the unrolled loop the path changes), and
// moments four columns at a time (against `moments` column by column, bit for bit), category
// counts in four lanes (against a plain count).
import { describe, expect, it } from 'vitest';
import {
  makeFrame,
  numericColumn,
  stringColumn,
  takeRows,
  type Frame,
  type NumericFrameColumn,
} from '../../../src/core/data/frame';
import { createRng } from '../../../src/core/rng';
import { applySteps, fitStep } from '../../../src/core/steps';
import { civilFromDays } from '../../../src/core/steps/date-parts';
import {
  categoryCounts,
  columnMedian,
  median,
  moments,
  momentsOfColumns,
  presentValues,
} from '../../../src/core/steps/stats';
import { caught } from './helpers';

const DAY = 86_400_000;

/** Every column's values (or codes and categories) as plain arrays, NaN kept as NaN. */
function plainColumns(frame: Frame): unknown[] {
  return frame.columns.map((c) =>
    'values' in c
      ? { name: c.name, kind: c.kind, values: Array.from(c.values) }
      : { name: c.name, kind: c.kind, codes: Array.from(c.codes), categories: c.categories },
  );
}

describe('rows.drop-missing-target copies runs of kept rows', () => {
  /** A frame whose target `y` is missing where `gap(i)` says, with a numeric and a text feature. */
  function frameWithGaps(n: number, gap: (i: number) => boolean, categoricalTarget = false): Frame {
    const rng = createRng(n);
    const target = Array.from({ length: n }, (_, i) => (gap(i) ? null : i));
    return makeFrame([
      numericColumn(
        'x',
        'number',
        Array.from({ length: n }, () => (rng() < 0.1 ? null : rng() * 10)),
      ),
      categoricalTarget
        ? stringColumn(
            'y',
            'categorical',
            target.map((v) => (v === null ? null : `c${v % 3}`)),
          )
        : numericColumn('y', 'number', target),
      stringColumn(
        'city',
        'categorical',
        Array.from({ length: n }, () => (rng() < 0.1 ? null : ['Oslo', 'Lima', 'Pune'][i3(rng)])),
      ),
    ]);
  }
  const i3 = (rng: () => number) => Math.floor(rng() * 3);

  const patterns: Record<string, (i: number) => boolean> = {
    'first row missing': (i) => i === 0,
    'last row missing': (i) => i === 999,
    'both ends and a block in the middle': (i) => i < 3 || i > 995 || (i >= 400 && i < 450),
    'every other row': (i) => i % 2 === 1,
    'scattered, ~5%': (i) => (i * 7919) % 97 < 5,
    'all but one': (i) => i !== 500,
  };
  for (const [name, gap] of Object.entries(patterns)) {
    for (const categorical of [false, true]) {
      it(`${name}${categorical ? ' (categorical target)' : ''}: the rows takeRows keeps`, () => {
        const frame = frameWithGaps(1000, gap, categorical);
        const kept = Int32Array.from(
          Array.from({ length: 1000 }, (_, i) => i).filter((i) => !gap(i)),
        );
        const { frame: out, fitted } = fitStep(
          frame,
          { kind: 'rows.drop-missing-target', params: { target: 'y' } },
          0,
        );
        expect(out.rows).toBe(kept.length);
        expect(fitted.state).toEqual({ rows: 1000, dropped: 1000 - kept.length });
        expect(plainColumns(out)).toEqual(plainColumns(takeRows(frame, kept)));
        // The categories are shared, as takeRows shares them.
        expect((out.columns[2] as { categories: string[] }).categories).toBe(
          (frame.columns[2] as { categories: string[] }).categories,
        );
      });
    }
  }

  it('no target missing: the input frame itself, every column object unchanged', () => {
    const frame = frameWithGaps(1000, () => false);
    const { frame: out } = fitStep(
      frame,
      { kind: 'rows.drop-missing-target', params: { target: 'y' } },
      0,
    );
    expect(out).toBe(frame);
    out.columns.forEach((c, i) => expect(c).toBe(frame.columns[i]));
  });

  it('replayed on other rows (a preview), it drops that frame’s own missing targets', () => {
    const { fitted } = fitStep(
      frameWithGaps(1000, (i) => i % 10 === 0),
      { kind: 'rows.drop-missing-target', params: { target: 'y' } },
      0,
    );
    const other = frameWithGaps(300, (i) => i >= 100 && i < 250);
    const out = applySteps(other, [fitted], { inference: false });
    expect(out.rows).toBe(150);
    const y = (out.columns[1] as NumericFrameColumn).values;
    expect(Array.from(y.subarray(98, 102))).toEqual([98, 99, 250, 251]);
  });
});

describe('date.parts writes every part in one pass', () => {
  const rng = createRng(21);
  const values = Array.from({ length: 3000 }, () =>
    rng() < 0.05 ? null : Date.UTC(1968, 0, 1) + Math.floor(rng() * 4000 * DAY),
  );
  const suffixes = ['year', 'month', 'day', 'dayofweek', 'dayofyear'] as const;
  const keys = ['year', 'month', 'day', 'dayOfWeek', 'dayOfYear'] as const;
  const civil = new Int32Array(5);
  const expected = values.map((ms) => {
    if (ms === null) return [NaN, NaN, NaN, NaN, NaN];
    civilFromDays(Math.floor(ms / DAY), civil);
    return Array.from(civil);
  });

  // Every non-empty subset of the five parts (31), so a spare slot never leaks into a column.
  for (let mask = 1; mask < 32; mask++) {
    const chosen = keys.map((_, k) => (mask >> k) & 1).map(Boolean);
    const label = suffixes.filter((_, k) => chosen[k]).join(', ');
    it(`parts: ${label}`, () => {
      const params: Record<string, unknown> = { columns: ['when'], dropOriginal: true };
      keys.forEach((k, i) => (params[k] = chosen[i]));
      const frame = makeFrame([numericColumn('when', 'date', values)]);
      const { frame: out } = fitStep(frame, { kind: 'date.parts', params: params as never }, 0);
      const want = suffixes.flatMap((s, k) =>
        chosen[k] ? [{ name: `when_${s}`, values: expected.map((row) => row[k]) }] : [],
      );
      expect(
        out.columns.map((c) => ({
          name: c.name,
          values: Array.from((c as NumericFrameColumn).values),
        })),
      ).toEqual(want);
    });
  }
});

describe('columnMedian: counting lanes and the one-pass bracket', () => {
  const plain = (c: NumericFrameColumn) => {
    const v = presentValues(c);
    return { count: v.length, median: v.length > 0 ? median(v) : NaN };
  };
  const rng = createRng(31);
  const whole = (n: number) =>
    Array.from({ length: n }, () => (rng() < 0.05 ? null : Math.floor(rng() * 12) + 1));

  it('whole numbers of every length mod 4, missing values in every lane', () => {
    for (let n = 1; n <= 41; n++) {
      const c = numericColumn('x', 'integer', whole(n));
      expect(columnMedian(c), `n = ${n}`).toEqual(plain(c));
    }
    const long = numericColumn('x', 'integer', whole(100_003));
    expect(columnMedian(long)).toEqual(plain(long));
  });

  it('a fraction, a value outside the window or a missing run at any position of the loop', () => {
    const base = whole(50_011);
    // Positions in each of the four lanes, late in the loop and in the tail after it.
    const positions = [1, 2, 3, 4, 5, 6, 7, 40_000, 40_001, 40_002, 40_003, 50_008, 50_009, 50_010];
    for (const at of positions) {
      for (const odd of [2.5, 70_000, -70_000, 2 ** 31 + 3]) {
        const values = base.slice();
        values[0] = 6;
        values[at] = odd;
        const c = numericColumn('x', 'number', values);
        expect(columnMedian(c), `${odd} at ${at}`).toEqual(plain(c));
      }
    }
  });

  it('an infinity in any lane is refused naming its row; a first value that is a fraction', () => {
    for (const at of [1, 2, 3, 4, 50_010]) {
      const values = whole(50_011);
      values[0] = 6;
      values[at] = at % 2 === 0 ? Infinity : -Infinity;
      expect(() => columnMedian(numericColumn('x', 'number', values))).toThrow(
        `column 'x' holds an infinite value (row ${at + 1})`,
      );
    }
    const c = numericColumn(
      'x',
      'number',
      whole(60_000).map((v) => (v === null ? null : v + 0.5)),
    );
    expect(columnMedian(c)).toEqual(plain(c));
  });

  it('the bracket: ties at both bounds overflow its room and fall back, exact either way', () => {
    // Half the values are one number: the sample's bounds are both that number, and every copy
    // of it lies between them (far more than the room for ~5% of the column).
    const n = 80_001;
    const cases: Record<string, (i: number) => number | null> = {
      'half ties': () => (rng() < 0.5 ? 0.75 : rng()),
      'ties at the lower bound': () => (rng() < 0.3 ? 0.5 : 0.5 + rng()),
      'normal, 1% missing': () => (rng() < 0.01 ? null : Math.sqrt(-2 * Math.log(1 - rng()))),
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
});

describe('momentsOfColumns: four columns per pass, the same bits as moments', () => {
  const rng = createRng(41);
  const makers: ((i: number) => number | null)[] = [
    () => (rng() < 0.1 ? null : rng() * 1e6 - 5e5),
    (i) => (i % 7 === 0 ? -0 : i % 5 === 0 ? null : 0), // zeros, negative zeros and gaps only
    () => (rng() < 0.5 ? 1e16 : -1e16), // sums that cancel exactly
    () => null, // no values: count 0, mean and variance NaN
    (i) => i * 0.1,
    () => Math.floor(rng() * 3),
    () => (rng() < 0.01 ? null : 1e-300 * rng()),
    () => 42.5, // constant
    () => (rng() < 0.3 ? null : -rng()),
  ];
  const columns = makers.map((make, k) =>
    numericColumn(
      `c${k}`,
      'number',
      Array.from({ length: 2001 }, (_, i) => make(i)),
    ),
  );

  it('every group size and leftover (1 to 9 columns), in order', () => {
    for (let m = 1; m <= columns.length; m++) {
      const some = columns.slice(0, m);
      const got = momentsOfColumns(some);
      // Object.is per field: -0 / +0 and NaN must match too.
      got.forEach((g, k) => {
        const want = moments(some[k]);
        for (const key of ['count', 'mean', 'variance'] as const) {
          expect(Object.is(g[key], want[key]), `${m} columns, c${k}.${key}`).toBe(true);
        }
      });
    }
  });

  it('the rounding correction of the mean lands in the right column, in every lane', () => {
    // Large values with a tiny spread: the mean's rounding error, sum(x - mean), visibly changes
    // the variance, so a correction summed into the wrong lane changes bits.
    const tight = numericColumn(
      'tight',
      'number',
      Array.from({ length: 2001 }, () => (rng() < 0.05 ? null : 1e8 + rng() * 1e-6)),
    );
    const others = [columns[0], columns[4], columns[5]];
    for (let lane = 0; lane < 4; lane++) {
      const some = [...others.slice(0, lane), tight, ...others.slice(lane)];
      expect(momentsOfColumns(some), `lane ${lane}`).toEqual(some.map((c) => moments(c)));
    }
  });

  it('columns of unequal length are taken one by one', () => {
    const short = numericColumn('s', 'number', [1, 2, null, 4]);
    const some = [columns[0], short, columns[4], columns[5], columns[6]];
    expect(momentsOfColumns(some)).toEqual(some.map((c) => moments(c)));
  });

  it('an infinity is refused naming its row; an empty column before it is reported first', () => {
    const values = Array.from({ length: 2001 }, (_, i) => i + 0.5);
    values[1234] = -Infinity;
    const inf = numericColumn('inf', 'number', values);
    expect(() => momentsOfColumns([columns[0], columns[4], inf, columns[5]])).toThrow(
      "column 'inf' holds an infinite value (row 1235)",
    );
    // scale.standard: the empty column c3 comes before the infinite one, as fitting column by
    // column would report it.
    const frame = makeFrame([columns[0], columns[3], inf, columns[5]]);
    const err = caught(() =>
      fitStep(
        frame,
        {
          kind: 'scale.standard',
          params: { columns: ['c0', 'c3', 'inf', 'c5'], withMean: true, withStd: true },
        },
        0,
      ),
    );
    expect(err.message).toContain("column 'c3' has no values at all");
  });
});

describe('categoryCounts in four lanes', () => {
  it('equals a plain count for every length mod 4, skewed codes and missing values', () => {
    const rng = createRng(51);
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1001, 10_002]) {
      const values = Array.from({ length: n }, () =>
        rng() < 0.1 ? null : levels[Math.floor(rng() ** 3 * levels.length)],
      );
      const column = stringColumn('x', 'categorical', values);
      const counts = new Array<number>(column.categories.length).fill(0);
      let missing = 0;
      for (const c of column.codes) {
        if (c < 0) missing++;
        else counts[c]++;
      }
      const got = categoryCounts(column);
      expect({ counts: Array.from(got.counts), missing: got.missing }, `n = ${n}`).toEqual({
        counts,
        missing,
      });
    }
  });
});
