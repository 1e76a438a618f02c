// rows.drop-duplicates, hand-checked: the first of equal rows is kept, in order; missing equals
// missing and 0 equals -0 (as pandas); a subset of columns; the count is recorded; every row is
// kept at inference; and, on 20,000 random rows with many repeats, the same rows as a plain
// string-keyed Map keeps (checks the hash table, collisions included).
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn, takeRows } from '../../../src/core/data/frame';
import { createRng } from '../../../src/core/rng';
import { applySteps, fitSteps } from '../../../src/core/steps';
import { firstOfEachDuplicate } from '../../../src/core/steps/rows-drop-duplicates';
import { col, fitOne } from './helpers';

const frame = () =>
  makeFrame([
    numericColumn('x', 'number', [1.5, 1.5, null, null, 0, -0, 2, 1.5]),
    stringColumn('city', 'categorical', [
      'Oslo',
      'Oslo',
      null,
      null,
      'Lima',
      'Lima',
      'Oslo',
      'Lima',
    ]),
    numericColumn('n', 'integer', [1, 2, 3, 4, 5, 6, 7, 8]),
  ]);

describe('rows.drop-duplicates', () => {
  it('over x and city: rows 2, 4 and 6 repeat earlier rows (missing = missing, -0 = 0)', () => {
    const { out, state } = fitOne<{ rows: number; dropped: number }>(frame(), {
      kind: 'rows.drop-duplicates',
      params: { columns: ['x', 'city'] },
    });
    expect(state).toEqual({ rows: 8, dropped: 3 });
    expect(col(out, 'n')).toEqual([1, 3, 5, 7, 8]);
  });

  it('over every column nothing repeats (n differs); over city alone 3 values are kept', () => {
    const all = fitOne<{ dropped: number }>(frame(), {
      kind: 'rows.drop-duplicates',
      params: { columns: ['x', 'city', 'n'] },
    });
    expect(all.state.dropped).toBe(0);
    const city = fitOne<{ dropped: number }>(frame(), {
      kind: 'rows.drop-duplicates',
      params: { columns: ['city'] },
    });
    expect(col(city.out, 'city')).toEqual(['Oslo', null, 'Lima']);
    expect(city.state.dropped).toBe(5);
  });

  it('compares categories by value, even when two frames code them differently', () => {
    const f = makeFrame([stringColumn('c', 'text', ['b', 'a', 'b', 'a'])]);
    const shuffled = takeRows(f, [3, 2, 1, 0]);
    expect(Array.from(firstOfEachDuplicate(shuffled, ['c']))).toEqual([0, 1]);
  });

  it('keeps every row at inference', () => {
    const input = frame();
    const { fitted } = fitSteps(
      input,
      [{ kind: 'rows.drop-duplicates', params: { columns: ['city'] } }],
      1,
    );
    expect(applySteps(input, fitted, { inference: true })).toBe(input);
  });

  it('agrees with a string-keyed Map on 20,000 random rows with many repeats', () => {
    const rng = createRng(7);
    const n = 20_000;
    const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
    const a = Array.from({ length: n }, () => pick([0, 1, 2, 3, null, -0, 0.1 + 0.2, 1e300]));
    const b = Array.from({ length: n }, () => pick(['u', 'v', 'w', null]));
    const c = Array.from({ length: n }, () => Math.floor(rng() * 40));
    const f = makeFrame([
      numericColumn('a', 'number', a),
      stringColumn('b', 'categorical', b),
      numericColumn('c', 'integer', c),
    ]);
    const seen = new Set<string>();
    const expected: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = JSON.stringify([a[i] === null ? 'NaN' : a[i] === 0 ? 0 : a[i], b[i], c[i]]);
      if (seen.has(key)) continue;
      seen.add(key);
      expected.push(i);
    }
    expect(expected.length).toBeLessThan(n / 2);
    expect(Array.from(firstOfEachDuplicate(f, ['a', 'b', 'c']))).toEqual(expected);
  });
});
