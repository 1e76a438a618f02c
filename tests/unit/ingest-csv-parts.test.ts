// Unit tests of the CSV reader's parts that the end-to-end tests reach only indirectly: delimiter
// sniffing, kind and number-format inference, the binary check and the UTF-8 validator.
import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from '../../src/core/ingest/csv/sniff';
import { chooseNumberFormat, inferKind } from '../../src/core/ingest/csv/infer';
import { checkNotBinary, firstInvalidUtf8 } from '../../src/core/ingest/csv/decode';
import { MissingMatcher } from '../../src/core/ingest/csv/missing';
import { DEFAULT_MISSING_MARKERS } from '../../src/core/ingest/types';

describe('sniffDelimiter', () => {
  it('picks the delimiter with a consistent field count, ignoring delimiters inside quotes', () => {
    // Commas inside quotes would give 2-4 fields per row; ';' gives 3 every time.
    const text = 'name;note;n\n"a, b";"x, y, z";1\n"c";"d, e";2\n"f, g, h";"i";3\n';
    expect(sniffDelimiter(text, true)).toMatchObject({ delimiter: ';', fields: 3, consistency: 1 });
  });

  it('prefers the header-consistent delimiter over decimal commas in a ";" file', () => {
    expect(sniffDelimiter('a;b\n1,5;2,5\n3,0;4,0\n', true).delimiter).toBe(';');
  });

  it('finds tabs and pipes, and falls back to "," for a single column', () => {
    expect(sniffDelimiter('a\tb, c\n1\t2, 3\n', true).delimiter).toBe('\t');
    expect(sniffDelimiter('a|b\n1|2\n', true).delimiter).toBe('|');
    expect(sniffDelimiter('city\nOslo\n', true)).toMatchObject({ delimiter: ',', fields: 1 });
    expect(sniffDelimiter('city\nOslo\n', true).unusual).toBeUndefined();
    expect(sniffDelimiter('a b c\n1 2 3\n4 5 6\n', true).unusual).toBe('spaces');
    expect(sniffDelimiter('a~b\n1~2\n', true).unusual).toBe('~');
  });

  it('judges on complete rows only when the text is a prefix of the file', () => {
    // The last row is cut off; as a prefix it must not count as a short row.
    expect(sniffDelimiter('a,b,c\n1,2,3\n4,5', false)).toMatchObject({
      delimiter: ',',
      consistency: 1,
    });
    expect(sniffDelimiter('a,b,c\n1,2,3\n4,5', true).consistency).toBeCloseTo(2 / 3);
  });
});

describe('chooseNumberFormat', () => {
  it('decides decimal commas and thousands separators from the values', () => {
    expect(chooseNumberFormat(['1.5', '2', '-3e4'], ',').format).toBe('plain');
    expect(chooseNumberFormat(['3,14', '2,5', '10'], ';').format).toBe('decimal-comma');
    expect(chooseNumberFormat(['1,234.5', '2,000'], ',').format).toBe('thousands-comma');
    expect(chooseNumberFormat(['1.234,5', '12,5'], ';').format).toBe('thousands-dot');
    expect(chooseNumberFormat(['1 234,5', '12,5'], ';').format).toBe('thousands-space');
    expect(chooseNumberFormat(['1,234', '5,678'], ',').format).toBe('thousands-comma');
    expect(chooseNumberFormat(['1,234', '5,678'], ';')).toEqual({ format: null, ambiguous: true });
    expect(chooseNumberFormat(['apple', 'pear'], ',').format).toBeNull();
  });

  it('tolerates up to 5% of values that do not parse (they become stray values)', () => {
    const values = [...Array.from({ length: 19 }, (_, i) => String(i)), 'oops'];
    expect(chooseNumberFormat(values, ',').format).toBe('plain');
    expect(chooseNumberFormat([...values, 'again'], ',').format).toBeNull();
  });
});

describe('inferKind', () => {
  it('orders boolean, numeric, date, string', () => {
    expect(inferKind('c', ['yes', 'no', 'Y'], ',').kind).toBe('boolean');
    expect(inferKind('c', ['0', '1', '1'], ',').kind).toBe('numeric');
    expect(inferKind('c', ['2024-01-01', '2024-02-01'], ',').kind).toBe('date');
    expect(inferKind('c', ['2024', '2025'], ',').kind).toBe('numeric');
    expect(inferKind('c', ['red', 'blue'], ',').kind).toBe('string');
    expect(inferKind('c', ['007', '008'], ',').kind).toBe('string');
    expect(inferKind('c', [], ',').kind).toBe('string');
  });
});

describe('checkNotBinary and firstInvalidUtf8', () => {
  it('accepts text (also Latin-1) and rejects NUL bytes, control characters and UTF-16', () => {
    expect(() => checkNotBinary('a.csv', new TextEncoder().encode('a,b\r\n1,\t2\n'))).not.toThrow();
    expect(() => checkNotBinary('a.csv', new Uint8Array([0x63, 0x61, 0x66, 0xe9]))).not.toThrow();
    expect(() => checkNotBinary('a.csv', new Uint8Array([0x61, 0, 0x62]))).toThrowError(
      /binary data: a NUL byte at byte 1/,
    );
    expect(() =>
      checkNotBinary(
        'a.csv',
        new Uint8Array(Array.from({ length: 50 }, (_, i) => (i % 3 ? 0x61 : 0x01))),
      ),
    ).toThrowError(/control characters/);
    expect(() => checkNotBinary('a.csv', new Uint8Array([0xff, 0xfe, 0x61, 0]))).toThrowError(
      /UTF-16/,
    );
  });

  it('finds the first byte that breaks UTF-8', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('héllo €'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe9, 0x61]))).toBe(2);
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0);
  });
});

describe('MissingMatcher', () => {
  it('matches markers on ranges without slicing unrelated text', () => {
    const m = new MissingMatcher(DEFAULT_MISSING_MARKERS);
    const text = 'x,NA,12.5,None,NaNa,';
    expect(m.range(text, 2, 4)).toBe(true);
    expect(m.range(text, 5, 9)).toBe(false);
    expect(m.range(text, 10, 14)).toBe(true);
    expect(m.range(text, 15, 19)).toBe(false);
    expect(m.range(text, 20, 20)).toBe(true);
    expect(new MissingMatcher(['-']).range(text, 20, 20)).toBe(false);
    expect(m.quoteInMarker).toBe(false);
  });
});
