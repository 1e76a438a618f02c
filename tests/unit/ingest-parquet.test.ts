// Parquet reader: fixtures written by tests/fixtures/parquet/make.ts (SNAPPY over 3 row groups,
// GZIP, DATE, zero rows, truncated) and vega-datasets' flights-3m.parquet, a real file written by
// Polars with ZSTD compression (first row group only: the whole file is 3M rows).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { readParquet } from '../../src/core/ingest/parquet';
import { KIND_METADATA_KEY } from '../../src/core/data/schema';

const FIX = 'tests/fixtures/parquet/';
const read = (file: string) => readFileSync(FIX + file);

async function rejection(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected the read to fail');
}

describe('readParquet on mixed.parquet (SNAPPY, 3 row groups of 25 rows)', () => {
  it('reads every column with its kind and storage type', async () => {
    const { table, schema, report } = await readParquet('mixed.parquet', read('mixed.parquet'));
    expect(table.numRows).toBe(60);
    expect(schema).toEqual([
      { name: 'id', kind: 'integer' },
      { name: 'small', kind: 'integer' },
      { name: 'price', kind: 'number' },
      { name: 'flag', kind: 'boolean' },
      { name: 'color', kind: 'categorical' },
      { name: 'note', kind: 'text' },
      { name: 'seen', kind: 'date' },
    ]);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual([
      'Float64', // INT64 beyond Int32
      'Int32',
      'Float64',
      'Bool',
      'Dictionary<Int32, Utf8>',
      'Utf8',
      'Date64<MILLISECOND>',
    ]);
    expect(table.schema.fields.map((f) => f.metadata.get(KIND_METADATA_KEY))).toEqual(
      schema.map((c) => c.kind),
    );
    expect(report.format).toBe('parquet');
    expect(report.rows).toBe(60);
    expect(report.notes).toEqual([]);
  });

  it('stitches row groups in order and keeps nulls', async () => {
    const { table } = await readParquet('mixed.parquet', read('mixed.parquet'));
    const at = (col: string, row: number) => table.getChild(col)!.get(row) as unknown;
    // Values as make.ts wrote them, on both sides of the row-group boundaries (25, 50).
    for (const row of [0, 24, 25, 49, 50, 59]) {
      expect(at('id', row)).toBe(10_000_000_000 + row);
      expect(at('note', row)).toBe(`note number ${row}, “quoted” é`);
      expect(at('seen', row)).toBe(Date.UTC(2024, 0, 1 + row, row % 24, 30));
    }
    expect(at('small', 3)).toBeNull();
    expect(at('small', 13)).toBeNull();
    expect(at('small', 12)).toBe(5);
    expect(at('price', 4)).toBeNull();
    expect(at('price', 5)).toBe(6.75);
    expect(at('flag', 5)).toBeNull();
    expect(at('flag', 6)).toBe(true);
    expect(at('flag', 7)).toBe(false);
    expect(at('color', 7)).toBeNull();
    expect(at('color', 8)).toBe('blue');
    expect(table.getChild('small')!.nullCount).toBe(6);
  });

  it('reads the GZIP-compressed copy identically', async () => {
    const snappy = await readParquet('mixed.parquet', read('mixed.parquet'));
    const gzip = await readParquet('mixed-gzip.parquet', read('mixed-gzip.parquet'));
    expect(gzip.schema).toEqual(snappy.schema);
    expect(gzip.table.toArray().map((r) => r.toJSON())).toEqual(
      snappy.table.toArray().map((r) => r.toJSON()),
    );
  });

  it('reads DATE (days) as epoch ms at midnight UTC', async () => {
    const { table, schema } = await readParquet('dates.parquet', read('dates.parquet'));
    expect(schema[0]).toEqual({ name: 'day', kind: 'date' });
    expect(table.getChild('day')!.get(0)).toBe(Date.UTC(2024, 0, 1));
    expect(table.getChild('day')!.get(2)).toBeNull();
    expect(table.getChild('day')!.get(3)).toBe(Date.UTC(2024, 0, 4));
  });

  it('applies kind overrides and reports stray values by 1-based row', async () => {
    const { schema, table, report } = await readParquet('mixed.parquet', read('mixed.parquet'), {
      kinds: { small: 'categorical', note: 'number' },
    });
    expect(schema.find((c) => c.name === 'small')!.kind).toBe('categorical');
    expect(table.getChild('small')!.get(12)).toBe('5');
    expect(report.strayValues.note.count).toBe(60);
    expect(report.strayValues.note.examples[0]).toEqual({
      line: 1,
      value: 'note number 0, “quoted” é',
    });
  });
});

describe('readParquet on files written by pandas', () => {
  it("leaves out pandas' unnamed index column, with a note", async () => {
    const { schema, table, report } = await readParquet(
      'pandas-index.parquet',
      read('pandas-index.parquet'),
    );
    expect(schema).toEqual([{ name: 'score', kind: 'number' }]);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['score']);
    expect(report.notes.join(' ')).toContain("pandas' unnamed index column");
  });
});

describe('readParquet on flights-3m.parquet (Polars, ZSTD)', () => {
  const bytes = readFileSync('node_modules/vega-datasets/data/flights-3m.parquet');

  it('reads the first row group: timestamps, Int64 and strings', async () => {
    const { table, schema, report } = await readParquet(
      'flights-3m.parquet',
      bytes,
      {},
      {
        maxRows: 272_727,
      },
    );
    expect(table.numRows).toBe(272_727);
    expect(schema).toEqual([
      { name: 'date', kind: 'date' },
      { name: 'delay', kind: 'integer' },
      { name: 'distance', kind: 'integer' },
      { name: 'origin', kind: 'categorical' },
      { name: 'destination', kind: 'categorical' },
    ]);
    // First row, as Polars wrote it: 2001-01-01 00:01, delay 33, 2176 miles, LAS -> PHL.
    expect(table.get(0)!.toJSON()).toEqual({
      date: Date.UTC(2001, 0, 1, 0, 1),
      delay: 33,
      distance: 2176,
      origin: 'LAS',
      destination: 'PHL',
    });
    expect(report.notes).toContain('Read the first 272727 of 3000000 rows of flights-3m.parquet.');
    // A few hundred airports in 272,727 flights: categorical by the shared rule.
    const origins = table.getChild('origin')!.data[0].dictionary!.length;
    expect(origins).toBeGreaterThan(100);
    expect(origins).toBeLessThan(1000);
  });

  it('reads airports of only 2,000 flights as text: more than 5% distinct values', async () => {
    const { schema } = await readParquet('flights-3m.parquet', bytes, {}, { maxRows: 2000 });
    expect(schema.find((c) => c.name === 'origin')!.kind).toBe('text');
  });
});

describe('readParquet on bad input', () => {
  it('a schema with no rows: no-rows', async () => {
    const err = await rejection(readParquet('no-rows.parquet', read('no-rows.parquet')));
    expect(err.code).toBe('no-rows');
    expect(err.message).toBe(
      'no-rows.parquet has a schema but no rows. Choose a file that holds data.',
    );
  });

  it('a truncated file: bad-parquet', async () => {
    const err = await rejection(readParquet('truncated.parquet', read('truncated.parquet')));
    expect(err.code).toBe('bad-parquet');
    expect(err.message).toContain('truncated.parquet is truncated or not a Parquet file');
    expect(err.message).toContain('footer is missing');
  });

  it('0 bytes, CSV text, and an Arrow file renamed .parquet: bad-parquet', async () => {
    for (const bytes of [
      new Uint8Array(0),
      new TextEncoder().encode('a,b\n1,2\n'),
      readFileSync('tests/fixtures/arrow/mixed.arrow'),
    ]) {
      const err = await rejection(readParquet('x.parquet', bytes));
      expect(err.code).toBe('bad-parquet');
    }
  });

  it('a damaged footer: bad-parquet, with the library message only in details', async () => {
    const bytes = new Uint8Array(read('mixed.parquet'));
    // Keep both PAR1 markers but overwrite the footer's metadata bytes.
    const len = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
    bytes.fill(0xee, bytes.length - 8 - len, bytes.length - 8);
    const err = await rejection(readParquet('damaged.parquet', bytes));
    expect(err.code).toBe('bad-parquet');
    expect(err.message).toContain('could not be read');
    expect(typeof err.details.cause).toBe('string');
  });

  it('damaged page data: bad-parquet naming the row group', async () => {
    const bytes = new Uint8Array(read('mixed.parquet'));
    bytes.fill(0x00, 4, 400); // the first column chunks' pages
    const err = await rejection(readParquet('pages.parquet', bytes));
    expect(err.code).toBe('bad-parquet');
    expect(err.message).toContain('row group starting at row 1');
  });

  it('honours cancellation between row groups', async () => {
    const err = await rejection(
      readParquet('mixed.parquet', read('mixed.parquet'), { isCancelled: () => true }),
    );
    expect(err.code).toBe('cancelled');
  });
});
