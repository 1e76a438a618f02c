// Frame: the typed-array form steps work on. Checked against real files read by Benchtop's own
// readers (seattle-weather.csv, flights-200k.arrow from vega-datasets, a messy CSV written here):
// every cell of the frame equals the stored table's cell, and frame -> table -> frame is lossless
// and obeys the storage convention (kinds in field metadata, Arrow types per kind).
import { readFileSync } from 'node:fs';
import { tableFromIPC, tableToIPC, Type, type Table } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import {
  frameFromRows,
  frameFromTable,
  frameRow,
  frameSchema,
  frameToTable,
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  takeRows,
  type Frame,
  type StringFrameColumn,
} from '../../src/core/data/frame';
import { KIND_METADATA_KEY, type ColumnSchema } from '../../src/core/data/schema';
import { bytesSource, ingest } from '../../src/core/ingest/index';

const DATA = 'node_modules/vega-datasets/data/';

async function read(name: string, bytes: Uint8Array) {
  return ingest(bytesSource(name, bytes));
}

/** A cell of a stored table as the frame reports it (dates as epoch ms, booleans as booleans). */
function tableCell(table: Table, column: string, row: number): unknown {
  const v: unknown = table.getChild(column)?.get(row);
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  return v;
}

function expectFrameMatchesTable(frame: Frame, table: Table, rows: Iterable<number>): void {
  for (const i of rows) {
    const row = frameRow(frame, i);
    for (const c of frame.columns)
      expect(row[c.name], `${c.name} row ${i}`).toEqual(tableCell(table, c.name, i));
  }
}

const MESSY = [
  'id,age,height,member,joined,city,comment',
  '1,34,1.72,true,2021-03-04,Oslo,first visit',
  '2,NA,,false,,Lima,',
  '3,51,1.80,,2020-12-31,,"said ""hi"", left"',
  '4,29,?,true,2019-07-01,Oslo,NA',
  '5,,1.65,false,2022-01-15,Pune,late',
  ...Array.from(
    { length: 40 },
    (_, k) =>
      `${k + 6},${20 + (k % 30)},1.${50 + k},${k % 2 ? 'true' : 'false'},2021-01-${String((k % 28) + 1).padStart(2, '0')},${['Oslo', 'Lima', 'Pune'][k % 3]},note ${k}`,
  ),
].join('\r\n');

describe('frameFromTable / frameToTable on real data', () => {
  let weather: Awaited<ReturnType<typeof read>>;
  let messy: Awaited<ReturnType<typeof read>>;
  beforeAll(async () => {
    weather = await read(
      'seattle-weather.csv',
      new Uint8Array(readFileSync(DATA + 'seattle-weather.csv')),
    );
    messy = await read('messy.csv', new TextEncoder().encode(MESSY));
  });

  it('reads seattle-weather.csv cell for cell, with typed arrays per kind', () => {
    const frame = frameFromTable(weather.table, weather.schema);
    expect(frame.rows).toBe(1461);
    expect(frameSchema(frame)).toEqual(weather.schema.map((s) => ({ name: s.name, kind: s.kind })));
    const date = frame.columns[0];
    expect(date.kind).toBe('date');
    expect('values' in date && date.values[0]).toBe(Date.UTC(2012, 0, 1));
    const w = frame.columns.find((c) => c.name === 'weather') as StringFrameColumn;
    expect(w.codes).toBeInstanceOf(Int32Array);
    expect([...w.categories].sort()).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expectFrameMatchesTable(
      frame,
      weather.table,
      Array.from({ length: 1461 }, (_, i) => i),
    );
  });

  it('reads missing values in every kind of a messy CSV as NaN / -1', () => {
    expect(messy.schema.map((s) => s.kind)).toEqual([
      'integer',
      'integer',
      'number',
      'boolean',
      'date',
      'categorical',
      'text',
    ]);
    const frame = frameFromTable(messy.table);
    expect(frameRow(frame, 1)).toEqual({
      id: 2,
      age: null,
      height: null,
      member: false,
      joined: null,
      city: 'Lima',
      comment: null,
    });
    expect(frameRow(frame, 2)).toMatchObject({
      member: null,
      city: null,
      comment: 'said "hi", left',
    });
    expect(frameRow(frame, 3)).toMatchObject({ height: null, comment: null });
    expectFrameMatchesTable(
      frame,
      messy.table,
      Array.from({ length: frame.rows }, (_, i) => i),
    );
  });

  it('writes a frame back in the storage convention, losslessly, through Arrow IPC too', () => {
    for (const r of [weather, messy]) {
      const frame = frameFromTable(r.table, r.schema);
      const table = tableFromIPC(tableToIPC(frameToTable(frame)));
      expect(table.schema.fields.map((f) => f.metadata.get(KIND_METADATA_KEY))).toEqual(
        r.schema.map((s) => s.kind),
      );
      const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, f.type.typeId]));
      for (const s of r.schema) {
        const expected = {
          integer: Type.Int,
          number: Type.Float,
          boolean: Type.Bool,
          date: Type.Date,
          categorical: Type.Dictionary,
          text: Type.Utf8,
        }[s.kind];
        expect(types[s.name], s.name).toBe(expected);
      }
      const back = frameFromTable(table);
      for (let i = 0; i < frame.rows; i++) expect(frameRow(back, i)).toEqual(frameRow(frame, i));
    }
  });

  it('reads a 200,000-row Arrow file (flights-200k.arrow) and writes it back', async () => {
    const r = await read(
      'flights-200k.arrow',
      new Uint8Array(readFileSync(DATA + 'flights-200k.arrow')),
    );
    const frame = frameFromTable(r.table, r.schema);
    expect(frame.rows).toBe(200_000);
    expect(frame.columns.map((c) => c.kind)).toEqual(['integer', 'integer', 'number']);
    const sample = [0, 1, 99_999, 123_457, 199_999];
    expectFrameMatchesTable(frame, r.table, sample);
    const back = frameFromTable(frameToTable(frame));
    for (const i of sample) expect(frameRow(back, i)).toEqual(frameRow(frame, i));
  });
});

describe('building and slicing frames', () => {
  const frame = () =>
    makeFrame([
      numericColumn('n', 'integer', [3, null, 5, 7]),
      stringColumn('c', 'categorical', ['b', 'a', null, 'b']),
    ]);

  it('takes rows in any order, sharing categories, and drops unused ones when stored', () => {
    const f = frame();
    const t = takeRows(f, [3, 3, 0]);
    expect(t.rows).toBe(3);
    expect([0, 1, 2].map((i) => frameRow(t, i))).toEqual([
      { n: 7, c: 'b' },
      { n: 7, c: 'b' },
      { n: 3, c: 'b' },
    ]);
    expect((t.columns[1] as StringFrameColumn).categories).toBe(
      (f.columns[1] as StringFrameColumn).categories,
    );
    // 'a' is no longer used: the stored dictionary holds only what rows use.
    const dict = frameToTable(t).getChild('c')?.data[0].dictionary;
    expect(dict?.toArray()).toEqual(['b']);
    expect(takeRows(f, []).rows).toBe(0);
  });

  it('replaces columns in place without touching the input', () => {
    const f = frame();
    const before = structuredClone(f);
    const out = replaceColumns(
      f,
      new Map([
        [
          'n',
          [
            numericColumn('n1', 'number', [1, 2, 3, 4]),
            numericColumn('n2', 'number', [0, 0, 0, 0]),
          ],
        ],
      ]),
    );
    expect(out.columns.map((c) => c.name)).toEqual(['n1', 'n2', 'c']);
    expect(out.columns[2]).toBe(f.columns[1]);
    expect(f).toEqual(before);
  });

  it('refuses duplicate names and ragged columns', () => {
    expect(() =>
      makeFrame([numericColumn('a', 'number', [1]), stringColumn('a', 'text', ['x'])]),
    ).toThrow("Two columns would be named 'a'");
    expect(() =>
      makeFrame([numericColumn('a', 'number', [1]), numericColumn('b', 'number', [1, 2])]),
    ).toThrow(BenchtopError);
  });

  it('refuses to store an integer column holding fractions (a step bug, caught before it is written)', () => {
    const bad = makeFrame([{ name: 'k', kind: 'integer', values: new Float64Array([1, 2.5]) }]);
    expect(() => frameToTable(bad)).toThrow("Column 'k' is marked integer but row 2 holds 2.5");
  });
});

describe('frameFromRows: a prediction request as a frame', () => {
  const schema: ColumnSchema[] = [
    { name: 'age', kind: 'integer' },
    { name: 'height', kind: 'number' },
    { name: 'member', kind: 'boolean' },
    { name: 'joined', kind: 'date' },
    { name: 'city', kind: 'categorical' },
  ];

  it('accepts JSON values, numeric text, missing markers and absent keys', () => {
    const f = frameFromRows(
      [
        {
          age: 34,
          height: '1.72',
          member: true,
          joined: '2021-03-04',
          city: 'Oslo',
          extra: 'ignored',
        },
        { age: 'NA', height: null, member: 'false', joined: Date.UTC(2020, 0, 1), city: 7 },
        {},
      ],
      schema,
    );
    expect(frameSchema(f)).toEqual(schema);
    expect(frameRow(f, 0)).toEqual({
      age: 34,
      height: 1.72,
      member: true,
      joined: Date.UTC(2021, 2, 4),
      city: 'Oslo',
    });
    expect(frameRow(f, 1)).toEqual({
      age: null,
      height: null,
      member: false,
      joined: Date.UTC(2020, 0, 1),
      city: '7',
    });
    expect(frameRow(f, 2)).toEqual({
      age: null,
      height: null,
      member: null,
      joined: null,
      city: null,
    });
  });

  it('names the column and row of a value of the wrong type', () => {
    expect(() => frameFromRows([{ age: 3 }, { age: 'three' }], schema)).toThrow(
      'Column \'age\' should hold a whole number, but row 2 has "three".',
    );
    expect(() => frameFromRows([{ age: 2.5 }], schema)).toThrow(
      "Column 'age' should hold a whole number",
    );
    expect(() => frameFromRows([{ member: 'maybe' }], schema)).toThrow(
      "Column 'member' should hold true or false",
    );
    expect(() => frameFromRows([{ joined: 'someday' }], schema)).toThrow(
      "Column 'joined' should hold a date",
    );
    expect(() => frameFromRows([{ city: { a: 1 } }], schema)).toThrow(
      "Column 'city' should hold text",
    );
  });
});
