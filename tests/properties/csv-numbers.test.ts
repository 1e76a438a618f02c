// Properties of the char-code parsers behind the CSV reader's typed columns: numbers are
// bit-identical to Number() on every seeded random decimal string (fast path and fallback alike),
// formatted numbers equal Number() of their plain spelling, and dates agree with Date.parse.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { lastNumber, parseNumberString } from '../../src/core/ingest/csv/numbers';
import { parseDateString } from '../../src/core/ingest/csv/dates';
import type { NumberFormat } from '../../src/core/data/schema';

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function randomDecimal(rnd: () => number): string {
  const digits = (n: number) =>
    Array.from({ length: n }, () => String(Math.floor(rnd() * 10))).join('');
  let s = rnd() < 0.3 ? '-' : rnd() < 0.05 ? '+' : '';
  s += digits(Math.floor(rnd() * 19));
  if (rnd() < 0.7) s += '.' + digits(Math.floor(rnd() * 19));
  if (rnd() < 0.2)
    s +=
      (rnd() < 0.5 ? 'e' : 'E') +
      (rnd() < 0.5 ? '-' : rnd() < 0.5 ? '+' : '') +
      Math.floor(rnd() * 330);
  return s;
}

describe('parseNumber', () => {
  it('is bit-identical to Number() on 100k random decimal strings, and rejects non-numbers', () => {
    const rnd = createRng(20240131);
    let checked = 0;
    for (let k = 0; k < 100_000; k++) {
      const s =
        k % 2 === 0
          ? randomDecimal(rnd)
          : String((rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20));
      const got = parseNumberString(s);
      const want = Number(s);
      if (!PLAIN.test(s) || !Number.isFinite(want)) {
        expect(Number.isNaN(got), s).toBe(true);
        continue;
      }
      if (!Object.is(got, want)) expect(got, s).toBe(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(80_000);
  });

  it('handles the edge cases of the fast path exactly', () => {
    for (const s of [
      '0',
      '-0',
      '1.',
      '.5',
      '+5',
      '0.1',
      '0.30000000000000004',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '1e22',
      '1e23',
      '1e-22',
      '4.35',
      '1.7976931348623157e308',
      '5e-324',
      '2.2250738585072014e-308',
      '0.000001234',
      '1.500000000000000000000',
    ]) {
      expect(Object.is(parseNumberString(s), Number(s)), s).toBe(true);
    }
    for (const s of [
      '',
      '-',
      '.',
      'e5',
      '1e',
      '1e+',
      '1.2.3',
      'NaN',
      'Infinity',
      '0x10',
      '1_000',
      '1e400',
      ' 1',
    ]) {
      expect(parseNumberString(s), s).toBeNaN();
    }
  });

  it('reads every number format and checks the digit groups', () => {
    const cases: [string, NumberFormat, number][] = [
      ['1,234.5', 'thousands-comma', 1234.5],
      ['-1,234,567', 'thousands-comma', -1234567],
      ['1234.5', 'thousands-comma', 1234.5],
      ['1234,5', 'decimal-comma', 1234.5],
      ['-0,25', 'decimal-comma', -0.25],
      ['1.234,5', 'thousands-dot', 1234.5],
      ['12.345.678,901', 'thousands-dot', 12345678.901],
      ['1 234,5', 'thousands-space', 1234.5],
      ['1\u00a0234\u00a0567', 'thousands-space', 1234567],
      ['1\u202f234,5', 'thousands-space', 1234.5],
    ];
    for (const [s, f, want] of cases) expect(parseNumberString(s, f), `${s} ${f}`).toBe(want);
    for (const [s, f] of [
      ['12,34', 'thousands-comma'],
      ['1,2345', 'thousands-comma'],
      [',123', 'thousands-comma'],
      ['1234,567,890', 'thousands-comma'],
      ['1,234', 'plain'],
      ['1.5', 'decimal-comma'],
      ['1,234.5', 'thousands-dot'],
    ] as [string, NumberFormat][]) {
      expect(parseNumberString(s, f), `${s} ${f}`).toBeNaN();
    }
  });

  it('matches Number() of the plain spelling for random formatted numbers', () => {
    const rnd = createRng(7);
    const group = (int: string, sep: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    for (let k = 0; k < 5_000; k++) {
      const int = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 17)));
      const frac = rnd() < 0.6 ? String(Math.floor(rnd() * 10 ** Math.floor(1 + rnd() * 8))) : '';
      const plain = frac ? `${int}.${frac}` : int;
      const want = Number(plain);
      expect(parseNumberString(group(int, ',') + (frac ? `.${frac}` : ''), 'thousands-comma')).toBe(
        want,
      );
      expect(parseNumberString(group(int, '.') + (frac ? `,${frac}` : ''), 'thousands-dot')).toBe(
        want,
      );
      expect(parseNumberString(group(int, ' ') + (frac ? `,${frac}` : ''), 'thousands-space')).toBe(
        want,
      );
      expect(parseNumberString(int + (frac ? `,${frac}` : ''), 'decimal-comma')).toBe(want);
    }
  });

  it('flags integers and code-like values (leading zeros, beyond 2^53)', () => {
    parseNumberString('42');
    expect(lastNumber).toEqual({ integer: true, idLike: false });
    parseNumberString('4.0');
    expect(lastNumber).toEqual({ integer: false, idLike: false });
    parseNumberString('007');
    expect(lastNumber).toEqual({ integer: true, idLike: true });
    parseNumberString('0.07');
    expect(lastNumber.idLike).toBe(false);
    parseNumberString('12345678901234567890');
    expect(lastNumber.idLike).toBe(true);
  });
});

describe('parseDate', () => {
  it('agrees with Date.parse on random ISO dates and date-times with zones', () => {
    const rnd = createRng(99);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let k = 0; k < 20_000; k++) {
      const y = 1000 + Math.floor(rnd() * 9000);
      const m = 1 + Math.floor(rnd() * 12);
      const d = 1 + Math.floor(rnd() * 31);
      let s = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
      if (rnd() < 0.6) {
        s += `T${pad(Math.floor(rnd() * 24))}:${pad(Math.floor(rnd() * 60))}:${pad(Math.floor(rnd() * 60))}`;
        if (rnd() < 0.3) s += `.${pad(Math.floor(rnd() * 1000), 3)}`;
        s +=
          rnd() < 0.5
            ? 'Z'
            : `${rnd() < 0.5 ? '+' : '-'}${pad(Math.floor(rnd() * 14))}:${pad(Math.floor(rnd() * 60))}`;
      }
      // Date.parse reads a date-only ISO string as UTC, and rolls 2023-02-30 over: we refuse it.
      const want = Date.parse(s);
      const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
      const got = parseDateString(s, { order: 'ymd', sep: '-' });
      if (real) expect(got, s).toBe(want);
      else expect(got, s).toBeNaN();
    }
  });

  it('reads the common non-ISO forms and refuses impossible dates', () => {
    const utc = Date.UTC;
    expect(parseDateString('2024/01/31', { order: 'ymd', sep: '/' })).toBe(utc(2024, 0, 31));
    expect(parseDateString('31.01.2024', { order: 'dmy', sep: '.' })).toBe(utc(2024, 0, 31));
    expect(parseDateString('1/31/2024 3:05 PM', { order: 'mdy', sep: '/' })).toBe(
      utc(2024, 0, 31, 15, 5),
    );
    expect(parseDateString('1/31/2024 12:00 am', { order: 'mdy', sep: '/' })).toBe(
      utc(2024, 0, 31, 0),
    );
    expect(parseDateString('2024-01-31 10:00:00 +0130', { order: 'ymd', sep: '-' })).toBe(
      utc(2024, 0, 31, 8, 30),
    );
    for (const s of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-01-31T24:00',
      '2024-01-31T10:60',
      '24-01-31',
      '2024-01-31x',
    ]) {
      expect(parseDateString(s, { order: 'ymd', sep: '-' }), s).toBeNaN();
    }
    expect(parseDateString('2000-02-29', { order: 'ymd', sep: '-' })).toBe(utc(2000, 1, 29));
    expect(parseDateString('1900-02-29', { order: 'ymd', sep: '-' })).toBeNaN();
  });
});
