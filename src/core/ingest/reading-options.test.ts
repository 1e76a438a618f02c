// The words people type for reading options, as the CLI flags and the import panel accept them.
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../errors';
import { bytesSource, ingest } from './index';
import { DEFAULT_MISSING_TEXT, parseMissingMarkers, readingOptions } from './reading-options';
import { DEFAULT_MISSING_MARKERS } from './types';

describe('reading options', () => {
  it('parses missing markers: trimmed, de-duplicated, empty always missing', () => {
    expect(parseMissingMarkers(' NA, ?,-, NA ,')).toEqual(['', 'NA', '?', '-']);
    expect(parseMissingMarkers('')).toEqual(['']);
    expect(parseMissingMarkers(DEFAULT_MISSING_TEXT).sort()).toEqual(
      [...DEFAULT_MISSING_MARKERS].sort(),
    );
  });

  it('names delimiters and encodings the way people say them', () => {
    expect(readingOptions({ delimiter: 'semicolon', encoding: 'latin-1' })).toEqual({
      delimiter: ';',
      encoding: 'windows-1252',
    });
    expect(readingOptions({ delimiter: 'tab' }).delimiter).toBe('\t');
    expect(readingOptions({ delimiter: '|', encoding: 'UTF-8' })).toEqual({
      delimiter: '|',
      encoding: 'utf-8',
    });
    expect(readingOptions({ delimiter: 'auto', encoding: 'auto' })).toEqual({});
  });

  it('refuses unknown names with the list of choices', () => {
    expect(() => readingOptions({ delimiter: 'colon' })).toThrow(BenchtopError);
    expect(() => readingOptions({ delimiter: 'colon' })).toThrow(/comma, semicolon, tab or pipe/);
    expect(() => readingOptions({ encoding: 'ebcdic' })).toThrow(/utf-8 or windows-1252/);
  });

  it('a custom marker list changes what the reader counts as missing', async () => {
    // "-" is a common hand-typed gap; "None" here is a real category (pandas keeps it as text).
    const csv = 'damage,cost\nNone,1\nMinor,-\nNone,3\n-,4\n';
    const source = bytesSource('d.csv', new TextEncoder().encode(csv));
    const defaults = await ingest(source);
    const custom = await ingest(source, readingOptions({ missing: '-' }));
    const nulls = (r: typeof defaults, col: string) => r.table.getChild(col)?.nullCount;
    expect(nulls(defaults, 'damage')).toBe(2); // "None" x2 missing by default; "-" is a value
    expect(nulls(custom, 'damage')).toBe(1); // only "-"
    expect(nulls(custom, 'cost')).toBe(1);
    expect(custom.schema.find((c) => c.name === 'cost')?.kind).toBe('integer');
  });
});
