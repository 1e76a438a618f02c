// The CSV writer behind `benchtop prepare --out file.csv`: RFC 4180 quoting, missing values, dates,
// numbers that read back to the same doubles, and a round trip through Benchtop's own CSV reader
// and through papaparse on real data (seattle-weather) and a messy hand-made table.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvByteChunks, csvChunks, csvField, frameToCsv } from '../../src/core/data/csv-write';
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

describe('csvByteChunks', () => {
  // The writer formats whole numbers digit by digit and everything else with JS's own text, into
  // bytes: held here to a plain string reference built value by value.
  const reference = (cols: (number | null)[][], names: string[]) =>
    [
      names.join(','),
      ...cols[0].map((_, i) => cols.map((c) => (c[i] === null ? '' : `${c[i]}`)).join(',')),
    ]
      .map((line) => line + '\r\n')
      .join('');

  it('writes numbers exactly as their JS text, at int32 edges too', () => {
    const edge = [
      0,
      -0,
      1,
      -1,
      9,
      10,
      2147483647,
      -2147483648,
      2147483648,
      -2147483649,
      1e21,
      0.5,
      -0.25,
      null,
      5e-324,
      1.7976931348623157e308,
    ];
    const rng = (() => {
      let s = 7;
      return () => (s = (s * 48271) % 2147483647) / 2147483647;
    })();
    const whole = Array.from({ length: 3000 }, () => Math.round((rng() - 0.5) * 2 ** (rng() * 40)));
    const fractional = Array.from({ length: 3000 }, () => (rng() - 0.5) * 10 ** (rng() * 20 - 10));
    const a = [...edge, ...whole.slice(edge.length)];
    const frame = makeFrame([
      numericColumn('a', 'number', a),
      numericColumn('b', 'number', fractional.slice(0, a.length)),
    ]);
    const text = new TextDecoder().decode(
      Buffer.concat([...csvByteChunks(frame, { chunkRows: 97 })]),
    );
    expect(text).toBe(reference([a, fractional.slice(0, a.length)], ['a', 'b']));
  });

  it('encodes categories as UTF-8 once per category and equals the text chunks', () => {
    const frame = makeFrame([
      stringColumn('city', 'categorical', ['Zürich', 'Kraków', null, 'Zürich', '東京', 'a,b']),
      numericColumn('n', 'integer', [1, 2, 3, null, 5, 6]),
    ]);
    const bytes = Buffer.concat([...csvByteChunks(frame)]);
    expect(bytes.toString('utf8')).toBe(frameToCsv(frame));
    expect(bytes.toString('utf8')).toBe(
      'city,n\r\nZürich,1\r\nKraków,2\r\n,3\r\nZürich,\r\n東京,5\r\n"a,b",6\r\n',
    );
  });
});
