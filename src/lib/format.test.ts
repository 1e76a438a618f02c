// Display helpers: the exact text the UI shows for statistics, dates, sizes and import progress.
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCell,
  formatCreated,
  formatDate,
  formatDuration,
  formatNumber,
  formatPercent,
  formatStat,
  overallProgress,
  phaseText,
} from './format';

describe('formatNumber', () => {
  it('keeps integers whole with separators', () => {
    expect(formatNumber(1461)).toBe('1,461');
    expect(formatNumber(-3)).toBe('-3');
    expect(formatNumber(0)).toBe('0');
  });
  it('keeps about five significant digits', () => {
    // seattle-weather temp_max mean, pandas 1.5 df.describe(): 16.439083
    expect(formatNumber(16.439083)).toBe('16.439');
    expect(formatNumber(1.2345678)).toBe('1.2346');
    expect(formatNumber(1234.5678)).toBe('1,234.6');
    expect(formatNumber(0.0123456)).toBe('0.01235');
  });
  it('switches to exponents at the extremes and names missing values', () => {
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
    expect(formatNumber(12345678901.5)).toBe('1.235e+10');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('formatters built once and reused', () => {
  it('give the same text whatever order magnitudes come in', () => {
    // Each magnitude needs its own number of fraction digits; interleaving them must not let one
    // reuse another's formatter.
    const values = [16.439083, 1234.5678, 0.0123456, 1.2345678, 16.439083, 0.0123456, 1234.5678];
    expect(values.map(formatNumber)).toEqual([
      '16.439',
      '1,234.6',
      '0.01235',
      '1.2346',
      '16.439',
      '0.01235',
      '1,234.6',
    ]);
  });
  it('show a created time as the browser locale does', () => {
    for (const ms of [Date.UTC(2024, 0, 31, 9, 5), Date.UTC(2026, 10, 28, 23, 59)]) {
      const expected = new Date(ms).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      });
      expect(formatCreated(ms)).toBe(expected);
    }
    expect(formatCreated(Date.UTC(2024, 0, 31))).not.toBe(formatCreated(Date.UTC(2025, 5, 1)));
  });
});

describe('dates', () => {
  it('shows midnight-UTC dates as plain ISO dates and others with their time', () => {
    expect(formatDate(Date.UTC(2012, 0, 1))).toBe('2012-01-01');
    expect(formatDate(Date.UTC(2015, 11, 31, 13, 5, 9))).toBe('2015-12-31 13:05:09');
    expect(formatDate(Date.UTC(2015, 11, 31, 13, 5, 9, 250))).toBe('2015-12-31 13:05:09.250');
    expect(formatDate(null)).toBe('—');
  });
  it('formats date statistics as dates and their spread as a duration', () => {
    expect(formatStat('date', Date.UTC(2013, 11, 31))).toBe('2013-12-31');
    expect(formatStat('number', 2.5)).toBe('2.5');
    expect(formatDuration(421.8 * 86_400_000)).toBe('421.8 days');
    expect(formatDuration(7_200_000)).toBe('2 h');
  });
});

describe('sizes and shares', () => {
  it('uses binary units', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(48219)).toBe('47.1 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50.0 MB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10.0 GB');
  });
  it('never rounds a non-zero share to 0% or a partial share to 100%', () => {
    expect(formatPercent(0, 10)).toBe('0%');
    expect(formatPercent(1, 10_000)).toBe('<0.1%');
    expect(formatPercent(9_999, 10_000)).toBe('>99.9%');
    expect(formatPercent(1, 4)).toBe('25%');
    expect(formatPercent(1, 40)).toBe('2.5%');
    expect(formatPercent(3, 0)).toBe('0%');
  });
});

describe('preview cells', () => {
  it('marks missing as null, dates as ISO and keeps text as written', () => {
    expect(formatCell('number', null)).toBeNull();
    expect(formatCell('date', Date.UTC(2012, 0, 2))).toBe('2012-01-02');
    expect(formatCell('number', 0.1 + 0.2)).toBe('0.3');
    expect(formatCell('integer', 42)).toBe('42');
    expect(formatCell('boolean', false)).toBe('false');
    expect(formatCell('text', 'a, "b"')).toBe('a, "b"');
  });
  it('shows float32 values (Arrow, Parquet) as the decimal that was written', () => {
    // flights-200k.arrow stores `time` as Float32: 23.983333 reads back as 23.98333358764648;
    // the shortest decimal naming that float32 (as Number#toString does for float64) is 23.983334.
    expect(formatCell('number', Math.fround(23.983333))).toBe('23.983334');
    expect(formatCell('number', Math.fround(13.75))).toBe('13.75');
    expect(formatCell('number', Math.fround(0.1))).toBe('0.1');
    expect(formatCell('number', 0.5)).toBe('0.5');
    // A float64 value keeps its digits.
    expect(formatCell('number', 3.029432054757016)).toBe('3.02943205475702');
    expect(formatCell('number', 12.345678901)).toBe('12.345678901');
  });
});

describe('import progress', () => {
  it('speaks in megabytes while reading and rows while profiling', () => {
    expect(phaseText('parsing', 12 * 1048576, 48 * 1048576)).toBe('Parsing 12 / 48 MB');
    expect(phaseText('reading', 524288, 2 * 1048576)).toBe('Reading 0.5 / 2.0 MB');
    expect(phaseText('profiling', 0, 200_000)).toBe('Profiling 200,000 rows');
    expect(phaseText('starting', 0, 0)).toBe('Starting…');
  });
  it('moves one bar forward through the phases', () => {
    expect(overallProgress('parsing', 0, 100)).toBe(0);
    expect(overallProgress('parsing', 50, 100)).toBeCloseTo(0.4);
    expect(overallProgress('profiling', 0, 100)).toBeCloseTo(0.85);
    expect(overallProgress('storing', 100, 100)).toBe(1);
    expect(overallProgress('parsing', 200, 100)).toBeCloseTo(0.8);
  });
});
