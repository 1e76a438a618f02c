// type.cast, hand-checked: text parsed into numbers, integers, booleans and dates with the import
// panel's strict parsers; values that do not fit become missing and are counted (with examples)
// in the state; numbers, booleans and dates written as text; conversions refused up front.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn } from '../../../src/core/data/frame';
import { applyToRow, fitSteps } from '../../../src/core/steps';
import { caught, col, fitOne } from './helpers';

type State = { unparsed: number; examples: string[] };

const cast = (frame: ReturnType<typeof makeFrame>, column: string, to: string) =>
  fitOne<State>(frame, { kind: 'type.cast', params: { column, to } });

describe('type.cast from text', () => {
  const prices = () =>
    makeFrame([
      stringColumn('price', 'text', [
        '12.5',
        '1,200',
        'n/a',
        'NA',
        null,
        'abc',
        'abc',
        ' 7 ',
        '-3e2',
        'inf',
      ]),
    ]);

  it('to number: "NA" is missing, "n/a", "abc" (twice) and "inf" do not parse (4 rows)', () => {
    const { out, state, fitted } = cast(prices(), 'price', 'number');
    expect(col(out, 'price')).toEqual([12.5, 1200, null, null, null, null, null, 7, -300, null]);
    expect(state).toEqual({ unparsed: 4, examples: ['n/a', 'abc', 'inf'] });
    expect(fitted.outputSchema).toEqual([{ name: 'price', kind: 'number' }]);
  });

  it('to integer: "3.0" is 3, "3.5" does not fit', () => {
    const f = makeFrame([stringColumn('n', 'categorical', ['3', '3.0', '3.5', '-12', '1,000'])]);
    const { out, state } = cast(f, 'n', 'integer');
    expect(col(out, 'n')).toEqual([3, 3, null, -12, 1000]);
    expect(state).toEqual({ unparsed: 1, examples: ['3.5'] });
  });

  it('to boolean: yes/no, TRUE/f, 1/0; "maybe" does not fit', () => {
    const f = makeFrame([
      stringColumn('ok', 'categorical', ['yes', 'no', 'TRUE', 'f', '1', '0', 'maybe', null]),
    ]);
    const { out, state } = cast(f, 'ok', 'boolean');
    expect(col(out, 'ok')).toEqual([true, false, true, false, true, false, null, null]);
    expect(state).toEqual({ unparsed: 1, examples: ['maybe'] });
  });

  it('to date: ISO dates in UTC; 30 February and "last week" do not fit', () => {
    const f = makeFrame([
      stringColumn('when', 'text', [
        '2012-01-31',
        '2012/02/29',
        '2013-12-01T08:30:00Z',
        '2013-12-01T08:30:00+02:00',
        '2013-02-30',
        'last week',
      ]),
    ]);
    const { out, state } = cast(f, 'when', 'date');
    expect(col(out, 'when')).toEqual([
      Date.UTC(2012, 0, 31),
      Date.UTC(2012, 1, 29),
      Date.UTC(2013, 11, 1, 8, 30),
      Date.UTC(2013, 11, 1, 6, 30),
      null,
      null,
    ]);
    expect(state).toEqual({ unparsed: 2, examples: ['2013-02-30', 'last week'] });
  });

  it('a row predicted later with a value that does not parse gets a missing value', () => {
    const { fitted } = cast(prices(), 'price', 'number');
    expect(applyToRow({ price: '99.5' }, [fitted])).toEqual({ price: 99.5 });
    expect(applyToRow({ price: 'ninety' }, [fitted])).toEqual({ price: null });
  });

  it('categorical to text keeps every value', () => {
    const f = makeFrame([stringColumn('city', 'categorical', ['Oslo', null, 'Lima', 'Oslo'])]);
    const { out } = cast(f, 'city', 'text');
    expect(out.columns[0].kind).toBe('text');
    expect(col(out, 'city')).toEqual(['Oslo', null, 'Lima', 'Oslo']);
  });
});

describe('type.cast between numbers, and to text', () => {
  const f = () =>
    makeFrame([
      numericColumn('x', 'number', [1, 2.5, null, -0, 4, 0.5]),
      numericColumn('n', 'integer', [1, 2, 2, null, 0, 1]),
      numericColumn('b', 'boolean', [1, 0, null, 1, 1, 0]),
      numericColumn('d', 'date', [
        Date.UTC(2024, 0, 1),
        null,
        Date.UTC(2024, 0, 1, 12, 30),
        0,
        0,
        0,
      ]),
    ]);

  it('number to integer: the 2 fractional values do not fit', () => {
    const { out, state } = cast(f(), 'x', 'integer');
    expect(col(out, 'x')).toEqual([1, null, null, -0, 4, null]);
    expect(state).toEqual({ unparsed: 2, examples: ['2.5', '0.5'] });
  });

  it('integer to boolean: only 0 and 1 fit (2 is counted twice)', () => {
    const { out, state } = cast(f(), 'n', 'boolean');
    expect(col(out, 'n')).toEqual([true, null, null, null, false, true]);
    expect(state).toEqual({ unparsed: 2, examples: ['2'] });
  });

  it('boolean to number, date to number (epoch milliseconds)', () => {
    expect(col(cast(f(), 'b', 'number').out, 'b')).toEqual([1, 0, null, 1, 1, 0]);
    expect(col(cast(f(), 'd', 'integer').out, 'd')).toEqual([
      1704067200000,
      null,
      1704112200000,
      0,
      0,
      0,
    ]);
  });

  it('numbers, integers, booleans and dates to categories, written as the CSV writer does', () => {
    expect(col(cast(f(), 'x', 'categorical').out, 'x')).toEqual([
      '1',
      '2.5',
      null,
      '0',
      '4',
      '0.5',
    ]);
    expect(col(cast(f(), 'n', 'categorical').out, 'n')).toEqual(['1', '2', '2', null, '0', '1']);
    expect(col(cast(f(), 'b', 'text').out, 'b')).toEqual([
      'true',
      'false',
      null,
      'true',
      'true',
      'false',
    ]);
    expect(col(cast(f(), 'd', 'text').out, 'd')).toEqual([
      '2024-01-01',
      null,
      '2024-01-01T12:30:00Z',
      '1970-01-01',
      '1970-01-01',
      '1970-01-01',
    ]);
  });

  it('to the kind it already has: nothing changes, the column is shared', () => {
    const input = f();
    const { out, state } = cast(input, 'n', 'integer');
    expect(out.columns[1]).toBe(input.columns[1]);
    expect(state).toEqual({ unparsed: 0, examples: [] });
  });

  it('refuses a number or boolean to a date, and a date to a boolean, before fitting', () => {
    const toDate = caught(() =>
      fitSteps(f(), [{ kind: 'type.cast', params: { column: 'x', to: 'date' } }], 1),
    );
    expect(toDate.message).toMatch(
      /^Step 1 \(Change type\): column 'x' cannot change from number to date: Benchtop does not guess which date a number means/,
    );
    expect(toDate.details).toMatchObject({ column: 'x' });
    const toBool = caught(() =>
      fitSteps(f(), [{ kind: 'type.cast', params: { column: 'd', to: 'boolean' } }], 1),
    );
    expect(toBool.message).toContain(
      "column 'd' cannot change from date to boolean: dates are not true/false values.",
    );
  });

  it('refuses an unknown kind by listing the kinds', () => {
    const err = caught(() =>
      fitSteps(f(), [{ kind: 'type.cast', params: { column: 'x', to: 'float' } }], 1),
    );
    expect(err.message).toContain(
      "'to' must be one of 'integer', 'number', 'boolean', 'date', 'categorical', 'text'.",
    );
  });
});
