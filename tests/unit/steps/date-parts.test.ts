// date.parts, hand-checked against a calendar: leap days, year ends, instants just before
// midnight and before 1970, missing dates; the parts take the date column's place; the calendar
// arithmetic agrees with JavaScript's Date over ±2,000 years.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn } from '../../../src/core/data/frame';
import { applyToRow, fitSteps } from '../../../src/core/steps';
import { civilFromDays } from '../../../src/core/steps/date-parts';
import { caught, col, fitOne, names } from './helpers';

const ALL = { year: true, month: true, day: true, dayOfWeek: true, dayOfYear: true };

const frame = () =>
  makeFrame([
    numericColumn('n', 'integer', [1, 2, 3, 4, 5, 6]),
    numericColumn('when', 'date', [
      Date.UTC(2024, 1, 29), // Thursday, day 60 of a leap year
      Date.UTC(2023, 11, 31, 23, 59, 59, 999), // Sunday, day 365, a millisecond before 2024
      null,
      Date.UTC(1969, 11, 31, 12), // Wednesday, before the epoch (negative milliseconds)
      Date.UTC(1900, 2, 1), // Thursday; 1900 is not a leap year, so 1 March is day 60
      Date.UTC(2000, 11, 31), // Sunday; 2000 is a leap year, so day 366
    ]),
    stringColumn('city', 'categorical', ['Oslo', 'Lima', 'Oslo', null, 'Pune', 'Lima']),
  ]);

describe('date.parts', () => {
  it('year, month, day, day of week (Monday = 0) and day of year, in place of the date', () => {
    const { out, fitted } = fitOne(frame(), { kind: 'date.parts', params: { columns: ['when'] } });
    expect(names(out)).toEqual([
      'n',
      'when_year',
      'when_month',
      'when_day',
      'when_dayofweek',
      'when_dayofyear',
      'city',
    ]);
    expect(col(out, 'when_year')).toEqual([2024, 2023, null, 1969, 1900, 2000]);
    expect(col(out, 'when_month')).toEqual([2, 12, null, 12, 3, 12]);
    expect(col(out, 'when_day')).toEqual([29, 31, null, 31, 1, 31]);
    expect(col(out, 'when_dayofweek')).toEqual([3, 6, null, 2, 3, 6]);
    expect(col(out, 'when_dayofyear')).toEqual([60, 365, null, 365, 60, 366]);
    expect(
      fitted.outputSchema.filter((c) => c.name.startsWith('when_')).map((c) => c.kind),
    ).toEqual(['integer', 'integer', 'integer', 'integer', 'integer']);
  });

  it('keeps the original when asked, parts after it; only the chosen parts', () => {
    const { out } = fitOne(frame(), {
      kind: 'date.parts',
      params: {
        columns: ['when'],
        ...ALL,
        month: false,
        day: false,
        dayOfYear: false,
        dropOriginal: false,
      },
    });
    expect(names(out)).toEqual(['n', 'when', 'when_year', 'when_dayofweek', 'city']);
    expect(col(out, 'when_dayofweek')).toEqual([3, 6, null, 2, 3, 6]);
  });

  it('a row predicted later gets the same parts', () => {
    const { fitted } = fitOne(frame(), { kind: 'date.parts', params: { columns: ['when'] } });
    expect(applyToRow({ n: 7, when: Date.UTC(2016, 1, 29, 8), city: 'Oslo' }, [fitted])).toEqual({
      n: 7,
      when_year: 2016,
      when_month: 2,
      when_day: 29,
      when_dayofweek: 0, // a Monday
      when_dayofyear: 60,
      city: 'Oslo',
    });
  });

  it('refuses no parts at all, a column that is not a date, and a name already taken', () => {
    const none = caught(() =>
      fitSteps(
        frame(),
        [
          {
            kind: 'date.parts',
            params: {
              columns: ['when'],
              year: false,
              month: false,
              day: false,
              dayOfWeek: false,
              dayOfYear: false,
            },
          },
        ],
        1,
      ),
    );
    expect(none.message).toBe(
      'Step 1 (Date to parts): choose at least one part of the date to keep.',
    );
    const notDate = caught(() =>
      fitSteps(frame(), [{ kind: 'date.parts', params: { columns: ['n'] } }], 1),
    );
    expect(notDate.message).toContain(
      "column 'n' is integer, but this step works on date columns.",
    );
    const taken = makeFrame([
      numericColumn('when', 'date', [0, 86_400_000]),
      numericColumn('when_month', 'integer', [1, 1]),
    ]);
    const clash = caught(() =>
      fitSteps(taken, [{ kind: 'date.parts', params: { columns: ['when'] } }], 1),
    );
    expect(clash.message).toContain(
      "column 'when_month' already exists, so the month of 'when' cannot be added under that name.",
    );
  });

  it('the calendar arithmetic agrees with Date for every 997th day over ±2,000 years', () => {
    const out = new Int32Array(5);
    let checked = 0;
    for (let days = -730_000; days <= 730_000; days += 997) {
      civilFromDays(days, out);
      const d = new Date(days * 86_400_000);
      const y = d.getUTCFullYear();
      // 1 January of that year (setUTCFullYear, since Date.UTC maps years 0-99 to 1900-1999).
      const jan1 = new Date(0);
      jan1.setUTCFullYear(y, 0, 1);
      const want = [
        y,
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        (d.getUTCDay() + 6) % 7,
        Math.round((d.getTime() - jan1.getTime()) / 86_400_000) + 1,
      ];
      expect(Array.from(out), `day ${days} (${d.toISOString()})`).toEqual(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(1400);
  });
});
