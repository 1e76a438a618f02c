// The CSV reader on messy files written for these tests (tests/fixtures/csv/, bytes exactly as
// stated there) and on bytes built here (Latin-1, a PNG renamed .csv): every case of issue 2's
// "bad input" list gets a clear BenchtopError or the right table plus a report of what happened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, Type, type Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { KIND_METADATA_KEY } from '../../src/core/data/schema';
import { BenchtopError } from '../../src/core/errors';
import { readCsv } from '../../src/core/ingest/csv';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import type { IngestOptions, IngestResult } from '../../src/core/ingest/types';

const FIXTURES = join(__dirname, '../fixtures/csv');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const utf8 = (text: string) => new TextEncoder().encode(text);

function read(
  name: string,
  bytes: Uint8Array,
  options: IngestOptions = {},
  chunk = 1 << 20,
): Promise<IngestResult> {
  return readCsv(bytesSource(name, bytes, chunk), options);
}
const readFixture = (name: string, options: IngestOptions = {}, chunk?: number) =>
  read(name, fixture(name), options, chunk);

/** Column values as plain JS (null for missing). */
function col(table: Table, name: string): unknown[] {
  const v = table.getChild(name);
  if (!v) throw new Error(`no column ${name}`);
  return Array.from({ length: v.length }, (_, i) => v.get(i));
}

const kinds = (r: IngestResult) => Object.fromEntries(r.schema.map((s) => [s.name, s.kind]));

async function failure(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BenchtopError);
    return e as BenchtopError;
  }
  throw new Error('expected a BenchtopError');
}

describe('encodings and line endings', () => {
  it('strips a UTF-8 BOM and says it was there', async () => {
    const r = await readFixture('bom.csv');
    expect(r.report.hadBom).toBe(true);
    expect(r.report.encoding).toBe('utf-8');
    expect(r.schema.map((s) => s.name)).toEqual(['name', 'value']);
    expect(col(r.table, 'name')).toEqual(['alpha', 'beta']);
    expect(col(r.table, 'value')).toEqual([1, 2]);
  });

  it('reads CRLF line endings', async () => {
    const r = await readFixture('crlf.csv');
    expect(r.report.hadBom).toBe(false);
    expect(col(r.table, 'city')).toEqual(['Oslo', 'Lima', 'Cairo']);
    expect(col(r.table, 'temp')).toEqual([-3.5, 18.25, null]);
    expect(kinds(r)).toEqual({ id: 'integer', city: 'categorical', temp: 'number' });
  });

  it('falls back to Windows-1252 for Latin-1 bytes, decodes them right and reports it', async () => {
    // "Café", "Zürich", "Müller", "Köln" as single Latin-1 bytes, and € (0x80 in Windows-1252).
    const bytes = new Uint8Array(
      Buffer.from('name,city,price\nCaf\xe9,Z\xfcrich,3\nM\xfcller,K\xf6ln,4\n', 'latin1'),
    );
    const withEuro = new Uint8Array([...bytes.subarray(0, bytes.length - 1), 0x80, 0x0a]);
    const r = await read('latin1.csv', withEuro);
    expect(r.report.encoding).toBe('windows-1252');
    expect(col(r.table, 'name')).toEqual(['Café', 'Müller']);
    expect(col(r.table, 'city')).toEqual(['Zürich', 'Köln']);
    expect(r.report.notes.join(' ')).toMatch(/not valid UTF-8.*Windows-1252/);
    // "4€" is not a number: the price column reads it as a string, nothing became U+FFFD.
    expect(JSON.stringify(col(r.table, 'price'))).not.toContain('\ufffd');
    expect(col(r.table, 'price')).toEqual(['3', '4€']);
  });

  it('restarts as Windows-1252 when the first invalid byte comes late, whatever the chunking', async () => {
    const head =
      'id,word\n' + Array.from({ length: 6000 }, (_, i) => `${i},plain${i % 7}`).join('\n') + '\n';
    const bytes = new Uint8Array([...utf8(head), ...Buffer.from('6000,na\xefve\n', 'latin1')]);
    expect(bytes.length).toBeGreaterThan(65536);
    for (const chunk of [4096, 1 << 20]) {
      const r = await read('late.csv', bytes, {}, chunk);
      expect(r.report.encoding).toBe('windows-1252');
      expect(r.table.numRows).toBe(6001);
      expect(col(r.table, 'word')[6000]).toBe('naïve');
    }
  });

  it('refuses invalid UTF-8 when UTF-8 is forced, naming the byte', async () => {
    const bytes = new Uint8Array(Buffer.from('a\nCaf\xe9\n', 'latin1'));
    const err = await failure(read('forced.csv', bytes, { encoding: 'utf-8' }));
    expect(err.code).toBe('bad-csv');
    expect(err.message).toMatch(/not valid UTF-8 .*byte 5/);
  });

  it('reads Windows-1252 when forced, without trying UTF-8', async () => {
    const r = await read('cp.csv', utf8('a\nCafé\n'), { encoding: 'windows-1252' });
    expect(r.report.encoding).toBe('windows-1252');
    expect(col(r.table, 'a')).toEqual(['CafÃ©']);
  });
});

describe('delimiters and quoting', () => {
  it('sniffs ";" and reads decimal commas and thousands dots per column', async () => {
    const r = await readFixture('semicolon-decimal-comma.csv');
    expect(r.report.delimiter).toBe(';');
    expect(col(r.table, 'produkt')).toEqual(['Apfel', 'Birne', 'Käse', 'Brot']);
    expect(col(r.table, 'preis')).toEqual([1.25, 0.8, 12.5, 2.15]);
    expect(col(r.table, 'menge')).toEqual([3, 10, 1, 2]);
    expect(col(r.table, 'umsatz')).toEqual([1234.5, 987, 12345.75, 0.99]);
    const byName = Object.fromEntries(r.schema.map((s) => [s.name, s]));
    expect(byName.preis).toMatchObject({ kind: 'number', numberFormat: 'decimal-comma' });
    expect(byName.umsatz).toMatchObject({ kind: 'number', numberFormat: 'thousands-dot' });
    expect(byName.menge.numberFormat).toBeUndefined();
    expect(r.report.notes.join(' ')).toMatch(/'preis' is written with decimal commas/);
  });

  it('reads quoted "1,234.5" thousands separators in a comma file', async () => {
    const r = await readFixture('thousands.csv');
    expect(col(r.table, 'population')).toEqual([13960000, 16787941, 24870895]);
    expect(col(r.table, 'area')).toEqual([2194.07, 1484, 6340.5]);
    expect(r.schema[1]).toMatchObject({
      name: 'population',
      kind: 'integer',
      numberFormat: 'thousands-comma',
    });
    expect(r.schema[2]).toMatchObject({
      name: 'area',
      kind: 'number',
      numberFormat: 'thousands-comma',
    });
  });

  it('keeps "1,234" as text in a ";" file, where the comma could be either separator', async () => {
    const r = await read('amb.csv', utf8('k;v\na;1,234\nb;5,678\n'));
    expect(kinds(r).v).not.toBe('number');
    expect(col(r.table, 'v')).toEqual(['1,234', '5,678']);
    expect(r.report.notes.join(' ')).toMatch(/'v' has numbers like 1,234/);
  });

  it('sniffs tabs, and commas and quotes inside unquoted TSV fields are data', async () => {
    const r = await readFixture('tab.tsv');
    expect(r.report.delimiter).toBe('\t');
    expect(col(r.table, 'name')).toEqual(['Ann, Lee', 'Bo "the" Kid', 'Cy']);
    expect(col(r.table, 'score')).toEqual([3.5, 4, null]);
  });

  it('sniffs "|"', async () => {
    const r = await readFixture('pipe.csv');
    expect(r.report.delimiter).toBe('|');
    expect(col(r.table, 'b')).toEqual(['x, y', 'z']);
    expect(col(r.table, 'c')).toEqual([true, false]);
  });

  it('reads quoted fields with delimiters, doubled quotes and embedded CRLF / LF line breaks', async () => {
    const r = await readFixture('quoted.csv');
    expect(col(r.table, 'comment')).toEqual([
      'Hello, world',
      'She said "hi"',
      'line one\nline two',
      'crlf\r\ninside',
      'plain',
    ]);
    expect(col(r.table, 'score')).toEqual([5, 4, 3, 2, 1]);
  });

  it('keeps text after a closing quote in its field and notes it', async () => {
    const r = await readFixture('malformed-quotes.csv');
    expect(col(r.table, 'a')).toEqual(['abcd', 'x"yz', 'ok']);
    expect(col(r.table, 'b')).toEqual([1, 2, 3]);
    expect(r.report.notes.join(' ')).toMatch(
      /2 quoted fields have text after the closing quote \(first on line 2\)/,
    );
  });

  it('names the line of a quote that is never closed', async () => {
    const err = await failure(read('open.csv', utf8('a,b\n1,2\n3,"never\n4,5\n')));
    expect(err.code).toBe('bad-csv');
    expect(err.message).toMatch(/Line 3 opens a quoted value that is never closed/);
  });

  it('uses a forced delimiter, and rejects one that cannot work', async () => {
    const r = await readFixture('colon.csv', { delimiter: ':' });
    expect(r.schema.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(col(r.table, 'c')).toEqual([3, 6]);
    const t = await read('t.txt', utf8('a\tb\n1\t2\n'), { delimiter: 'tab' });
    expect(t.report.delimiter).toBe('\t');
    const err = await failure(readFixture('colon.csv', { delimiter: '::' }));
    expect(err.code).toBe('invalid-argument');
  });
});

describe('headers, rows and missing values', () => {
  it('renames blank and duplicate headers visibly', async () => {
    const r = await readFixture('headers.csv');
    expect(r.schema.map((s) => s.name)).toEqual([
      'name',
      'column_2',
      'value',
      'name_2',
      'value_2',
      'column_6',
    ]);
    expect(r.report.renamedHeaders).toEqual([
      { from: '', to: 'column_2' },
      { from: 'name', to: 'name_2' },
      { from: 'value', to: 'value_2' },
      { from: '', to: 'column_6' },
    ]);
    expect(r.schema[1].sourceName).toBe('');
    expect(r.schema[3].sourceName).toBe('name');
    expect(r.schema[0].sourceName).toBeUndefined();
    expect(col(r.table, 'name_2')).toEqual(['zed']);
  });

  it('leaves ragged rows out, never shifted, and reports their lines and field counts', async () => {
    const r = await readFixture('ragged.csv');
    expect(r.table.numRows).toBe(3);
    expect(col(r.table, 'a')).toEqual([1, 6, 13]);
    expect(col(r.table, 'b')).toEqual([2, 7, 14]);
    expect(col(r.table, 'c')).toEqual([3, 8, 15]);
    expect(r.report.raggedRows).toEqual({
      count: 2,
      lines: [3, 5],
      expected: 3,
      examples: [
        { line: 3, fields: 2 },
        { line: 5, fields: 4 },
      ],
    });
    expect(r.report.notes.join(' ')).toMatch(
      /2 rows with a different number of fields .* left out \(first on line 3\)/,
    );
  });

  it('counts physical lines (quoted line breaks included) for ragged rows', async () => {
    const r = await read('lines.csv', utf8('a,b\n"x\ny",1\n\n1,2,3\nz,2\n'));
    expect(r.report.raggedRows.lines).toEqual([5]);
  });

  it('refuses a file where most rows are ragged, naming a line', async () => {
    const err = await failure(
      read('mostly.csv', utf8('a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5,6\n1,2,3,4,5,6\n1,2,3,4,5,6\n')),
    );
    expect(err.code).toBe('ragged-rows');
    expect(err.message).toMatch(/^Line 3 has 6 fields, the header \(line 1\) has 5\. 3 of 4 rows/);
  });

  it('reads the missing markers (NA, ?, None, N/A, null, NULL, NaN, empty), trimming unquoted fields', async () => {
    const r = await readFixture('missing-markers.csv');
    expect(col(r.table, 'score')).toEqual([null, 3.5, null, null, null, null, null, 8, null, null]);
    expect(kinds(r).score).toBe('number');
    expect(col(r.table, 'label')).toEqual(['a', 'b', 'c', 'd', null, 'e', 'f', 'g', 'h', null]);
  });

  it('uses the missing markers it is given instead of the defaults', async () => {
    const r = await readFixture('missing-markers.csv', { missingMarkers: ['', 'NULL'] });
    expect(col(r.table, 'label')[9]).toBe('NA');
    expect(col(r.table, 'label')[4]).toBeNull();
    // NA, ?, None... are now values that are not numbers: too many for a numeric column.
    expect(kinds(r).score).not.toBe('number');
  });

  it('says a file with a header and no rows has a header but no rows', async () => {
    const err = await failure(readFixture('header-only.csv'));
    expect(err.code).toBe('header-only');
    expect(err.message).toMatch(
      /header-only\.csv has a header \(3 columns: a, b, c\) but no data rows/,
    );
  });

  it('says an empty file is empty (0 bytes, or only blank lines)', async () => {
    const zero = await failure(read('empty.csv', new Uint8Array(0)));
    expect(zero.code).toBe('empty-file');
    expect((await failure(ingest(bytesSource('empty.csv', new Uint8Array(0))))).code).toBe(
      'empty-file',
    );
    const blank = await failure(readFixture('blank-lines.csv'));
    expect(blank.code).toBe('empty-file');
    expect(blank.message).toMatch(/no rows/);
    expect((await failure(read('bom-only.csv', new Uint8Array([0xef, 0xbb, 0xbf])))).code).toBe(
      'empty-file',
    );
  });

  it('reads a one-column file as one column', async () => {
    const r = await readFixture('one-column.csv');
    expect(r.schema).toEqual([{ name: 'city', kind: 'categorical' }]);
    expect(col(r.table, 'city')).toEqual(['Oslo', 'Lima', 'Cairo']);
    expect(r.report.notes).toEqual([]);
  });

  it('says so when a file reads as one column because its delimiter is unusual', async () => {
    const r = await readFixture('colon.csv');
    expect(r.schema.map((s) => s.name)).toEqual(['a:b:c']);
    expect(r.report.notes.join(' ')).toMatch(/one column.*separated by ':'/);
  });

  it('refuses a binary file renamed .csv', async () => {
    const png = new Uint8Array(
      readFileSync(join(__dirname, '../../node_modules/vega-datasets/data/7zip.png')),
    );
    const err = await failure(read('photo.csv', png));
    expect(err.code).toBe('binary-file');
    expect(err.message).toMatch(
      /photo\.csv does not look like a text CSV file \(it contains binary data/,
    );
    const viaIngest = await failure(ingest(bytesSource('photo.csv', png, 100)));
    expect(viaIngest.code).toBe('binary-file');
    const zip = await failure(read('book.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])));
    expect(zip.message).toMatch(/Excel/);
  });
});

describe('types', () => {
  it('keeps a numeric column with a few stray values numeric, and reports them with their lines', async () => {
    const r = await readFixture('strays.csv');
    expect(r.table.numRows).toBe(60);
    expect(kinds(r).reading).toBe('number');
    const reading = col(r.table, 'reading');
    expect(reading[3]).toBeNull();
    expect(reading[18]).toBeNull();
    expect(reading[0]).toBe(7.5);
    expect(r.report.strayValues).toEqual({
      reading: {
        count: 2,
        examples: [
          { line: 5, value: 'n/a?' },
          { line: 20, value: '12abc' },
        ],
      },
    });
  });

  it('reads a column as text when too many values are not numbers, even past the first rows', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `${i},${i < 1200 ? i * 3 : `code-${i}`}`);
    const r = await read('late.csv', utf8(`id,value\n${rows.join('\n')}\n`), {}, 4096);
    expect(kinds(r).value).toBe('text');
    expect(col(r.table, 'value')[5]).toBe('15');
    expect(col(r.table, 'value')[1300]).toBe('code-1300');
    expect(r.report.strayValues).toEqual({});
    expect(r.report.notes.join(' ')).toMatch(
      /'value' looked like numbers in its first rows, but 300 of its values are not \(for example 'code-1200' on line 1202\)/,
    );
  });

  it('reads ISO dates and date-times, dd.mm.yyyy and mm/dd/yyyy in UTC; ambiguous d/m stays text', async () => {
    const r = await readFixture('dates.csv');
    expect(kinds(r)).toMatchObject({ day: 'date', stamp: 'date', de: 'date', us: 'date' });
    expect(kinds(r).ambiguous).not.toBe('date');
    expect(col(r.table, 'day')).toEqual([
      Date.UTC(2024, 0, 31),
      Date.UTC(2024, 1, 29),
      Date.UTC(1999, 11, 31),
    ]);
    expect(col(r.table, 'stamp')).toEqual([
      Date.UTC(2024, 0, 31, 12, 30),
      Date.UTC(2024, 1, 29, 8),
      Date.UTC(1999, 11, 31, 22, 59, 59, 500),
    ]);
    expect(col(r.table, 'de')).toEqual([
      Date.UTC(2024, 0, 31),
      Date.UTC(2024, 1, 29),
      Date.UTC(1999, 11, 1),
    ]);
    expect(col(r.table, 'us')).toEqual([
      Date.UTC(2024, 0, 31),
      Date.UTC(2024, 1, 29),
      Date.UTC(1999, 11, 1),
    ]);
    expect(r.report.notes.join(' ')).toMatch(/'ambiguous' has dates like 03\/04\/2024/);
    const forced = await readFixture('dates.csv', { kinds: { ambiguous: 'date' } });
    expect(col(forced.table, 'ambiguous')[0]).toBe(Date.UTC(2024, 2, 4));
  });

  it('reads true/false, yes/no, t/f, y/n as booleans but keeps 0/1 integer', async () => {
    const r = await readFixture('booleans.csv');
    expect(kinds(r)).toEqual({ flag: 'boolean', yn: 'boolean', tf: 'boolean', code: 'integer' });
    for (const c of ['flag', 'yn', 'tf'])
      expect(col(r.table, c)).toEqual([true, false, true, false]);
    expect(col(r.table, 'code')).toEqual([0, 1, 1, 0]);
  });

  it('infers a sparse column from the values it has, wherever they are', async () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `${i},${i >= 2990 ? (i / 4).toFixed(2) : ''},${i % 1000 === 999 ? 'yes' : ''}`,
    );
    const r = await read('sparse.csv', utf8(`id,late,rare\n${rows.join('\n')}\n`), {}, 4096);
    expect(kinds(r)).toEqual({ id: 'integer', late: 'number', rare: 'boolean' });
    const late = col(r.table, 'late');
    expect(late.filter((v) => v !== null)).toEqual(
      Array.from({ length: 10 }, (_, k) => (2990 + k) / 4),
    );
    expect(late[2995]).toBe(748.75);
    expect(col(r.table, 'rare').filter((v) => v === true).length).toBe(3);
  });

  it('keeps codes with leading zeros as text, not numbers', async () => {
    const r = await read('zip.csv', utf8('zip,n\n00501,1\n02134,2\n10001,3\n'));
    expect(kinds(r).zip).not.toMatch(/integer|number/);
    expect(col(r.table, 'zip')).toEqual(['00501', '02134', '10001']);
  });

  it('tells categorical from text with the shared rule (unique <= max(20, 5% of values))', async () => {
    const make = (unique: number) =>
      'v\n' + Array.from({ length: 1000 }, (_, i) => `w${i % unique}`).join('\n') + '\n';
    expect(kinds(await read('a.csv', utf8(make(50))))).toEqual({ v: 'categorical' });
    expect(kinds(await read('b.csv', utf8(make(51))))).toEqual({ v: 'text' });
    expect(kinds(await read('c.csv', utf8(make(20))))).toEqual({ v: 'categorical' });
  });

  it('applies the rule to the whole column, even one that starts with distinct values', async () => {
    // `distinct` different values first, then repeats of two more, 105000 rows in all: the limit
    // is 5% of 105000 = 5250 distinct values. The reader gives up its dictionary for plain UTF-8
    // early on, so for the categorical case it must rebuild it.
    const file = (distinct: number) =>
      utf8(
        'v\n' +
          Array.from({ length: 105000 }, (_, i) =>
            i < distinct ? `u${i}` : i % 2 ? 'same' : 'other',
          ).join('\n') +
          '\n',
      );
    const r = await read('late-cat.csv', file(5248), {}, 1 << 16); // 5250 distinct
    expect(kinds(r)).toEqual({ v: 'categorical' });
    const v = col(r.table, 'v');
    expect([v[0], v[5247], v[5248], v[5249], v[104999]]).toEqual([
      'u0',
      'u5247',
      'other',
      'same',
      'same',
    ]);
    expect(r.table.getChild('v')?.data[0].dictionary?.length).toBe(5250);
    const r2 = await read('late-text.csv', file(5249), {}, 1 << 16); // 5251 distinct
    expect(kinds(r2)).toEqual({ v: 'text' });
    expect(col(r2.table, 'v').slice(5248, 5251)).toEqual(['u5248', 'same', 'other']);
  });

  it('applies the user type override; values that do not fit become stray values', async () => {
    const r = await read(
      'o.csv',
      utf8('a,b,c,d,e\n1,x,1,3.5,2024-01-01\n0,y,0,4,2024-01-02\n1,z,1,abc,2024-01-03\n'),
      { kinds: { a: 'categorical', b: 'text', c: 'boolean', d: 'integer', e: 'text' } },
    );
    expect(kinds(r)).toEqual({
      a: 'categorical',
      b: 'text',
      c: 'boolean',
      d: 'integer',
      e: 'text',
    });
    expect(col(r.table, 'a')).toEqual(['1', '0', '1']);
    expect(col(r.table, 'c')).toEqual([true, false, true]);
    expect(col(r.table, 'd')).toEqual([null, 4, null]);
    expect(r.report.strayValues.d).toEqual({
      count: 2,
      examples: [
        { line: 2, value: '3.5' },
        { line: 4, value: 'abc' },
      ],
    });
    expect(col(r.table, 'e')).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
  });

  it('notes a type override for a column that does not exist, and rejects an unknown type', async () => {
    const r = await readFixture('pipe.csv', { kinds: { nope: 'integer' } });
    expect(r.report.notes.join(' ')).toMatch(/'nope' was not used/);
    const err = await failure(readFixture('pipe.csv', { kinds: { a: 'float' as never } }));
    expect(err.code).toBe('invalid-argument');
  });

  it('builds the Arrow types of the storage convention, with the kind in the field metadata', async () => {
    const r = await read(
      'types.csv',
      utf8(
        'i,big,n,b,d,c,t\n1,3000000000,1.5,true,2024-01-01,red,' +
          'x0\n' +
          Array.from({ length: 30 }, (_, k) => `2,1,2.5,false,2024-01-02,blue,x${k + 1}`).join(
            '\n',
          ) +
          '\n',
      ),
    );
    const types = Object.fromEntries(r.table.schema.fields.map((f) => [f.name, f.type.typeId]));
    expect(types).toEqual({
      i: Type.Int,
      big: Type.Float,
      n: Type.Float,
      b: Type.Bool,
      d: Type.Date,
      c: Type.Dictionary,
      t: Type.Utf8,
    });
    expect(kinds(r)).toEqual({
      i: 'integer',
      big: 'integer',
      n: 'number',
      b: 'boolean',
      d: 'date',
      c: 'categorical',
      t: 'text',
    });
    for (const f of r.table.schema.fields)
      expect(f.metadata.get(KIND_METADATA_KEY)).toBe(kinds(r)[f.name]);
    expect(col(r.table, 'big')[0]).toBe(3000000000);
    // Survives an IPC round trip (how tables reach storage).
    const back = tableFromIPC(tableToIPC(r.table));
    expect(back.schema.fields.map((f) => f.metadata.get(KIND_METADATA_KEY))).toEqual(
      r.schema.map((s) => s.kind),
    );
    expect(col(back, 't')[30]).toBe('x30');
    expect(col(back, 'c')[0]).toBe('red');
    expect(col(back, 'd')[1]).toBe(Date.UTC(2024, 0, 2));
  });
});

describe('failing sources', () => {
  it('turns a read error of the source into a BenchtopError naming the file', async () => {
    const source = {
      name: 'gone.csv',
      size: 100,
      async *chunks(): AsyncIterable<Uint8Array> {
        yield utf8('a,b\n1,2\n');
        throw new Error('the file was moved');
      },
    };
    const err = await failure(readCsv(source, {}));
    expect(err.code).toBe('bad-csv');
    expect(err.message).toBe(
      'gone.csv could not be read to the end (Error: the file was moved). If it was moved, renamed or changed while loading, choose it again.',
    );
  });

  it('closes the source stream when it stops early', async () => {
    let closed = false;
    const source = {
      name: 'big.csv',
      size: 1000,
      async *chunks(): AsyncIterable<Uint8Array> {
        try {
          for (let i = 0; i < 100; i++) yield utf8(i === 0 ? 'a,b\n' : '1,2\n');
        } finally {
          closed = true;
        }
      },
    };
    let n = 0;
    expect((await failure(readCsv(source, { isCancelled: () => ++n > 3 }))).code).toBe('cancelled');
    expect(closed).toBe(true);
  });
});

describe('progress and cancellation', () => {
  it('reports parsing progress per chunk up to the file size', async () => {
    const bytes = fixture('strays.csv');
    const seen: number[] = [];
    await read(
      'strays.csv',
      bytes,
      { onProgress: (p) => (p.phase === 'parsing' ? seen.push(p.done) : 0) },
      100,
    );
    expect(seen.length).toBe(Math.ceil(bytes.length / 100));
    expect(seen[seen.length - 1]).toBe(bytes.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('stops with a cancelled error when asked to', async () => {
    let chunks = 0;
    const err = await failure(
      read('strays.csv', fixture('strays.csv'), { isCancelled: () => ++chunks > 2 }, 64),
    );
    expect(err.code).toBe('cancelled');
  });
});
