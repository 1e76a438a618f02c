// The CSV writer behind `benchtop prepare --out file.csv`: RFC 4180 quoting, missing values, dates,
// numbers that read back to the same doubles, and a round trip through Benchtop's own CSV reader
// and through papaparse on real data (seattle-weather) and a messy hand-made table.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvChunks, csvField, frameToCsv } from '../../src/core/data/csv-write';
import {
  frameFromTable,
  frameRow,
  makeFrame,
  numericColumn,
  stringColumn,
} from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest/index';

describe('csvField', () => {
  it('quotes only when it must', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('')).toBe('""');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('a,b', ';')).toBe('a,b');
  });
});

const messy = () =>
  makeFrame([
    stringColumn('name, full', 'categorical', ['Ann "A" Lee', 'Bo\nBerg', null, ' Cy', '']),
    numericColumn('n', 'number', [0.1 + 0.2, -0, 1e-7, null, 123456789012.5]),
    numericColumn('k', 'integer', [1, null, -3, 4, 2 ** 40]),
    numericColumn('ok', 'boolean', [1, 0, null, 1, 0]),
    numericColumn('when', 'date', [
      Date.UTC(2024, 1, 29),
      Date.UTC(2023, 11, 31, 23, 59, 59, 500),
      null,
      Date.UTC(1969, 6, 20, 20, 17),
      0,
    ]),
  ]);

describe('frameToCsv', () => {
  it('writes header, CRLF rows, empty fields for missing values', () => {
    expect(frameToCsv(messy())).toBe(
      [
        '"name, full",n,k,ok,when',
        '"Ann ""A"" Lee",0.30000000000000004,1,true,2024-02-29',
        '"Bo\nBerg",0,,false,2023-12-31T23:59:59.500Z',
        ',1e-7,-3,,',
        '" Cy",,4,true,1969-07-20T20:17:00Z',
        '"",123456789012.5,1099511627776,false,1970-01-01',
        '',
      ].join('\r\n'),
    );
  });

  it('chunks concatenate to the whole text', () => {
    const f = messy();
    expect([...csvChunks(f, { chunkRows: 2 })]).toHaveLength(1 + 3);
    expect([...csvChunks(f, { chunkRows: 2 })].join('')).toBe(frameToCsv(f));
    expect(frameToCsv(f, { newline: '\n' }).split('\n')).toHaveLength(6 + 1 + 1); // a quoted \n
  });

  it('a lone missing value in a one-column frame is "" (a blank line would be skipped)', () => {
    const f = makeFrame([numericColumn('x', 'number', [1, null, 3])]);
    expect(frameToCsv(f, { newline: '\n' })).toBe('x\n1\n""\n3\n');
  });

  it('reads back through papaparse value for value', () => {
    const parsed = Papa.parse<string[]>(frameToCsv(messy()), { newline: '\r\n' }).data;
    expect(parsed[0]).toEqual(['name, full', 'n', 'k', 'ok', 'when']);
    expect(parsed[1][0]).toBe('Ann "A" Lee');
    expect(parsed[2][0]).toBe('Bo\nBerg');
    expect(Number(parsed[1][1])).toBe(0.1 + 0.2);
    expect(Number(parsed[3][1])).toBe(1e-7);
  });

  it('round-trips seattle-weather through Benchtop’s reader: same kinds, same values', async () => {
    const bytes = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv');
    const a = await ingest(bytesSource('seattle-weather.csv', bytes));
    const frame = frameFromTable(a.table, a.schema);
    const text = frameToCsv(frame);
    const b = await ingest(bytesSource('again.csv', new TextEncoder().encode(text)));
    expect(b.schema).toEqual(a.schema);
    const again = frameFromTable(b.table, b.schema);
    for (const i of [0, 1, 500, 1460]) expect(frameRow(again, i)).toEqual(frameRow(frame, i));
    expect(again).toEqual(frame);
  });
});
