// Arrow IPC reader: real data (vega-datasets' flights-200k.arrow), the mixed-type fixtures written
// by tests/fixtures/arrow/make.ts (file and stream format), and every broken input from the issue.
import { readFileSync } from 'node:fs';
import {
  Field,
  Float64,
  Int32,
  Schema,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { readArrow } from '../../src/core/ingest/arrow';
import { isCategorical } from '../../src/core/ingest/normalize';
import { KIND_METADATA_KEY } from '../../src/core/data/schema';

const FIX = 'tests/fixtures/arrow/';
const FLIGHTS = 'node_modules/vega-datasets/data/flights-200k.arrow';

async function rejection(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected the read to fail');
}

describe('readArrow on flights-200k.arrow (vega-datasets)', () => {
  const bytes = readFileSync(FLIGHTS);
  const original = tableFromIPC(bytes);

  it('reads 200,000 rows with integer / number kinds in storage types', async () => {
    const { table, schema, report } = await readArrow('flights-200k.arrow', bytes);
    expect(table.numRows).toBe(200_000);
    expect(schema).toEqual([
      { name: 'delay', kind: 'integer' },
      { name: 'distance', kind: 'integer' },
      { name: 'time', kind: 'number' },
    ]);
    // Int16 -> Int32, Float32 -> Float64 (the storage convention).
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Int32', 'Int32', 'Float64']);
    expect(table.schema.fields.map((f) => f.metadata.get(KIND_METADATA_KEY))).toEqual([
      'integer',
      'integer',
      'number',
    ]);
    expect(report.format).toBe('arrow');
    expect(report.rows).toBe(200_000);
    expect(report.columns).toBe(3);
  });

  it('keeps every value (spot checks across the file)', async () => {
    const { table } = await readArrow('flights-200k.arrow', bytes);
    for (const row of [0, 1, 12_345, 99_999, 199_999]) {
      for (const name of ['delay', 'distance', 'time']) {
        const want = original.getChild(name)!.get(row) as number | null;
        expect(table.getChild(name)!.get(row), `${name}[${row}]`).toBe(want);
      }
    }
    // Totals over the whole column match the source's.
    let a = 0;
    let b = 0;
    const src = original.getChild('distance')!;
    const got = table.getChild('distance')!;
    for (let i = 0; i < table.numRows; i++) {
      a += (src.get(i) as number) ?? 0;
      b += (got.get(i) as number) ?? 0;
    }
    expect(b).toBe(a);
  });

  it('reads the stream format of the same table identically', async () => {
    const stream = tableToIPC(original.slice(0, 5000), 'stream');
    expect(stream[0]).toBe(0xff); // stream, not file
    const { table, schema } = await readArrow('flights.arrows', stream);
    expect(table.numRows).toBe(5000);
    expect(schema.map((c) => c.kind)).toEqual(['integer', 'integer', 'number']);
    expect(table.getChild('time')!.get(4999)).toBe(original.getChild('time')!.get(4999));
  });
});

describe('readArrow on mixed types (tests/fixtures/arrow/mixed.arrow, 3 record batches)', () => {
  for (const file of ['mixed.arrow', 'mixed.arrows']) {
    it(`${file}: maps every Arrow type to a kind and storage type`, async () => {
      const { table, schema, report } = await readArrow(file, readFileSync(FIX + file));
      expect(table.numRows).toBe(40);
      expect(table.batches.length).toBe(1); // three input batches, one contiguous output
      const kinds = Object.fromEntries(schema.map((c) => [c.name, c.kind]));
      expect(kinds).toEqual({
        tiny: 'integer',
        big: 'integer',
        ratio: 'number',
        ok: 'boolean',
        species: 'categorical',
        city: 'categorical',
        comment: 'text',
        day: 'date',
        at: 'date',
        tags: 'text',
        nothing: 'text',
        city_2: 'categorical',
      });
      const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
      expect(types.tiny).toBe('Int32');
      expect(types.big).toBe('Float64'); // 3e9 * 39 does not fit Int32
      expect(types.ratio).toBe('Float64');
      expect(types.ok).toBe('Bool');
      expect(types.species).toBe('Dictionary<Int32, Utf8>');
      expect(types.comment).toBe('Utf8');
      expect(types.day).toBe('Date64<MILLISECOND>');
      expect(types.at).toBe('Date64<MILLISECOND>');
      // Duplicate field names are made unique, visibly.
      expect(schema[11]).toEqual({ name: 'city_2', kind: 'categorical', sourceName: 'city' });
      expect(report.renamedHeaders).toEqual([{ from: 'city', to: 'city_2' }]);
      expect(report.notes.join(' ')).toContain("'tags' holds nested values");
    });
  }

  it('converts values: Int64 bigint to number, Date32 days to epoch ms, timestamps µs to ms', async () => {
    const { table } = await readArrow('mixed.arrow', readFileSync(FIX + 'mixed.arrow'));
    const row = (i: number) => table.get(i)!.toJSON() as Record<string, unknown>;
    expect(row(39).big).toBe(117_000_000_000);
    expect(row(0).day).toBe(Date.UTC(2020, 1, 27));
    expect(row(3).day).toBe(Date.UTC(2020, 2, 1)); // through Feb 29 of a leap year
    expect(row(5).at).toBe(Date.UTC(2021, 5, 1, 12, 5)); // zoned timestamps are UTC instants
    expect(row(2).tags).toBe('[2,3]');
    expect(row(0).nothing).toBeNull();
  });

  it('keeps nulls as missing and reads NaN as missing', async () => {
    const { table } = await readArrow('mixed.arrow', readFileSync(FIX + 'mixed.arrow'));
    const ratio = table.getChild('ratio')!;
    expect(ratio.get(6)).toBeNull(); // NaN in the file
    expect(ratio.get(2)).toBeNull(); // null in the file
    expect(ratio.get(8)).toBe(2);
    expect(table.getChild('tiny')!.get(4)).toBeNull();
    expect(table.getChild('ok')!.get(0)).toBeNull();
    expect(table.getChild('ok')!.get(2)).toBe(true);
    expect(table.getChild('species')!.get(16)).toBeNull();
    expect(table.getChild('species')!.get(2)).toBe('virginica');
    expect(ratio.nullCount).toBe(5);
  });

  it('stores a dictionary holding only the values that occur', async () => {
    const { table } = await readArrow('mixed.arrow', readFileSync(FIX + 'mixed.arrow'));
    const dict = table.getChild('species')!.data[0].dictionary!;
    expect(dict.toArray()).toEqual(['setosa', 'versicolor', 'virginica']); // no 'unused'
  });

  it('survives an IPC round trip with kinds in field metadata', async () => {
    const { table } = await readArrow('mixed.arrow', readFileSync(FIX + 'mixed.arrow'));
    const back = tableFromIPC(tableToIPC(table, 'file'));
    expect(back.schema.fields.map((f) => f.metadata.get(KIND_METADATA_KEY))).toEqual(
      table.schema.fields.map((f) => f.metadata.get(KIND_METADATA_KEY)),
    );
    expect(back.get(7)!.toJSON()).toEqual(table.get(7)!.toJSON());
  });
});

describe('readArrow decides categorical vs text with isCategorical', () => {
  it('uses max(20, 5% of non-missing) distinct values as the limit', () => {
    expect(isCategorical(20, 10)).toBe(true);
    expect(isCategorical(21, 100)).toBe(false);
    expect(isCategorical(50, 1000)).toBe(true);
    expect(isCategorical(51, 1000)).toBe(false);
  });

  it('applies it to Utf8 columns', async () => {
    const n = 1000;
    const table = new Table({
      // 50 distinct in 1000 rows: categorical; 51: text.
      fifty: vectorFromArray(
        Array.from({ length: n }, (_, i) => `v${i % 50}`),
        new Utf8(),
      ),
      fiftyOne: vectorFromArray(
        Array.from({ length: n }, (_, i) => `v${i % 51}`),
        new Utf8(),
      ),
    });
    const { schema } = await readArrow('card.arrow', tableToIPC(table, 'file'));
    expect(schema.map((c) => c.kind)).toEqual(['categorical', 'text']);
  });
});

describe('readArrow on bad input', () => {
  it('0 bytes: bad-arrow, not an empty table', async () => {
    const err = await rejection(readArrow('empty.arrow', new Uint8Array(0)));
    expect(err.code).toBe('bad-arrow');
    expect(err.message).toContain('empty.arrow is truncated or not an Arrow file');
  });

  it('a truncated file: bad-arrow with an actionable message, no library words', async () => {
    const err = await rejection(
      readArrow('truncated.arrow', readFileSync(FIX + 'truncated.arrow')),
    );
    expect(err.code).toBe('bad-arrow');
    expect(err.message).toMatch(
      /^truncated\.arrow is truncated or not an Arrow file .*Export it again/,
    );
    expect(err.message).not.toContain('fieldsLength');
  });

  it('a truncated stream: bad-arrow', async () => {
    const whole = readFileSync(FIX + 'mixed.arrows');
    const err = await rejection(readArrow('cut.arrows', whole.subarray(0, 3000)));
    expect(err.code).toBe('bad-arrow');
  });

  it('CSV text renamed .arrow: bad-arrow', async () => {
    const err = await rejection(
      readArrow('data.arrow', new TextEncoder().encode('a,b\n1,2\n3,4\n')),
    );
    expect(err.code).toBe('bad-arrow');
  });

  it('a schema with no rows: no-rows', async () => {
    const err = await rejection(readArrow('no-rows.arrow', readFileSync(FIX + 'no-rows.arrow')));
    expect(err.code).toBe('no-rows');
    expect(err.message).toBe(
      'no-rows.arrow has a schema but no rows. Choose a file that holds data.',
    );
  });

  it('a binary column: unsupported-format naming the column and its type', async () => {
    const err = await rejection(readArrow('binary.arrow', readFileSync(FIX + 'binary.arrow')));
    expect(err.code).toBe('unsupported-format');
    expect(err.message).toContain("column 'blob' has type Binary");
    expect(err.details.column).toBe('blob');
  });

  it('honours cancellation', async () => {
    const err = await rejection(
      readArrow('flights-200k.arrow', readFileSync(FLIGHTS), { isCancelled: () => true }),
    );
    expect(err.code).toBe('cancelled');
  });
});

describe('readArrow with kind overrides (IngestOptions.kinds)', () => {
  it('recasts the chosen columns and reports unparsable values by row', async () => {
    const table = new Table({
      code: vectorFromArray(['1', '2', 'x', '4', 'NA'], new Utf8()),
      score: vectorFromArray([1.5, 2, 3, 4, 5], new Float64()),
    });
    const {
      schema,
      table: out,
      report,
    } = await readArrow('o.arrow', tableToIPC(table, 'file'), {
      kinds: { code: 'integer', score: 'text', absent: 'number' },
    });
    expect(schema).toEqual([
      { name: 'code', kind: 'integer' },
      { name: 'score', kind: 'text' },
    ]);
    expect(out.getChild('code')!.toArray()).toEqual(new Int32Array([1, 2, 0, 4, 0]));
    expect(out.getChild('code')!.get(2)).toBeNull();
    expect(out.getChild('score')!.get(0)).toBe('1.5');
    // 'x' is stray (row 3, 1-based); 'NA' is a missing marker, not stray.
    expect(report.strayValues.code).toEqual({ count: 1, examples: [{ line: 3, value: 'x' }] });
    expect(report.notes.join(' ')).toContain("'absent' was not applied");
  });
});

describe('readArrow on files written by pandas / pyarrow', () => {
  it("leaves out pandas' unnamed index column, with a note", async () => {
    const { schema, report } = await readArrow(
      'pandas-index.arrow',
      readFileSync(FIX + 'pandas-index.arrow'),
    );
    expect(schema).toEqual([{ name: 'score', kind: 'number' }]);
    expect(report.notes.join(' ')).toContain("pandas' unnamed index column");
  });

  it('reads Arrow and Parquet through the ingest() dispatcher, sniffed by magic bytes', async () => {
    const { ingest, bytesSource } = await import('../../src/core/ingest/index');
    // Misleading extensions on purpose: the magic bytes decide.
    const arrow = await ingest(bytesSource('data.bin', readFileSync(FIX + 'mixed.arrows'), 1000));
    expect(arrow.report.format).toBe('arrow');
    expect(arrow.table.numRows).toBe(40);
    const parquet = await ingest(
      bytesSource('data.csv', readFileSync('tests/fixtures/parquet/mixed.parquet')),
    );
    expect(parquet.report.format).toBe('parquet');
    expect(parquet.table.numRows).toBe(60);
  });
});

describe('readArrow types rarely seen', () => {
  it('reads a table whose schema has only a Null-typed column as text, all missing', async () => {
    const { makeData, Null, RecordBatch, Struct } = await import('apache-arrow');
    const fields = [new Field('nothing', new Null(), true), new Field('n', new Int32(), true)];
    const schema = new Schema(fields);
    const batch = new RecordBatch(
      schema,
      makeData({
        type: new Struct(fields),
        length: 3,
        children: [
          makeData({ type: new Null(), length: 3 }),
          makeData({ type: new Int32(), length: 3, data: new Int32Array([1, 2, 3]) }),
        ],
      }),
    );
    const { schema: out, table } = await readArrow(
      'null.arrow',
      tableToIPC(new Table(schema, [batch]), 'file'),
    );
    expect(out[0]).toEqual({ name: 'nothing', kind: 'text' });
    expect(table.getChild('nothing')!.nullCount).toBe(3);
    expect(table.getChild('nothing')!.type.typeId).toBe(Type.Utf8);
  });
});
