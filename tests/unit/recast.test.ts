// The user's type override (recastColumn): every conversion between kinds, strict parsing with
// stray values reported by 0-based row, clear errors, and no mutation of the input table.
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { profileTable } from '../../src/core/data/profile';
import {
  formatDate,
  parseBoolean,
  parseDate,
  parseNumber,
  recastColumn,
} from '../../src/core/data/recast';
import type { ColumnKind, ColumnSchema } from '../../src/core/data/schema';
import { KIND_METADATA_KEY } from '../../src/core/data/schema';
import {
  buildTable,
  columnFromValues,
  stringData,
  type BuiltColumn,
} from '../../src/core/ingest/normalize';

function make(columns: Record<string, [ColumnKind, unknown[]]>) {
  const built: BuiltColumn[] = Object.entries(columns).map(([name, [kind, values]]) =>
    kind === 'text' || kind === 'categorical'
      ? { schema: { name, kind }, data: stringData(values as (string | null)[], kind) }
      : columnFromValues(
          name,
          values,
          kind === 'integer' || kind === 'number' || kind === 'boolean' || kind === 'date'
            ? kind
            : 'string',
          [],
        ),
  );
  const schema: ColumnSchema[] = built.map((c) => c.schema);
  return { table: buildTable(built), schema };
}

const cells = (t: ReturnType<typeof recastColumn>['table'], col: string) =>
  Array.from({ length: t.numRows }, (_, i) => t.getChild(col)!.get(i) as unknown);

function thrown(f: () => unknown): BenchtopError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected an error');
}

describe('text -> numbers, booleans, dates', () => {
  const { table, schema } = make({
    raw: ['text', ['12', ' 3.5 ', 'abc', null, 'NA', '1,234.5', '-1e3', '']],
    other: ['integer', [1, 2, 3, 4, 5, 6, 7, 8]],
  });

  it('number: parses plain and thousands-comma numbers; the rest is stray', () => {
    const out = recastColumn(table, schema, 'raw', 'number');
    expect(cells(out.table, 'raw')).toEqual([12, 3.5, null, null, null, 1234.5, -1000, null]);
    // 'NA' and '' are missing markers, not stray.
    expect(out.stray).toEqual({ count: 1, examples: [{ row: 2, value: 'abc' }] });
    expect(out.schema[0]).toEqual({ name: 'raw', kind: 'number' });
    expect(String(out.table.schema.fields[0].type)).toBe('Float64');
    expect(out.table.schema.fields[0].metadata.get(KIND_METADATA_KEY)).toBe('number');
  });

  it('integer: fractional text is stray too', () => {
    const out = recastColumn(table, schema, 'raw', 'integer');
    expect(cells(out.table, 'raw')).toEqual([12, null, null, null, null, null, -1000, null]);
    expect(out.stray.examples.map((e) => e.row)).toEqual([1, 2, 5]);
    expect(String(out.table.schema.fields[0].type)).toBe('Int32');
  });

  it('boolean and date', () => {
    const b = make({ v: ['categorical', ['yes', 'No', 'TRUE', 'f', '1', 'maybe', null]] });
    const out = recastColumn(b.table, b.schema, 'v', 'boolean');
    expect(cells(out.table, 'v')).toEqual([true, false, true, false, true, null, null]);
    expect(out.stray).toEqual({ count: 1, examples: [{ row: 5, value: 'maybe' }] });

    const d = make({
      v: ['text', ['2024-02-29', '2024/03/01', '2024-02-30', '2024-03-01T10:30:00Z', 'x']],
    });
    const dates = recastColumn(d.table, d.schema, 'v', 'date');
    expect(cells(dates.table, 'v')).toEqual([
      Date.UTC(2024, 1, 29),
      Date.UTC(2024, 2, 1),
      null, // Feb 30 does not exist
      Date.UTC(2024, 2, 1, 10, 30),
      null,
    ]);
    expect(dates.stray.examples.map((e) => e.value)).toEqual(['2024-02-30', 'x']);
  });

  it('does not mutate its input and shares the other columns', () => {
    const before = tableToIPC(table, 'file');
    const out = recastColumn(table, schema, 'raw', 'number');
    expect(tableToIPC(table, 'file')).toEqual(before);
    expect(schema[0].kind).toBe('text');
    expect(out.table.getChild('other')!.data[0]).toBe(table.getChild('other')!.data[0]);
  });
});

describe('numbers -> text, categorical, integer, boolean', () => {
  it('numbers become their shortest text', () => {
    const { table, schema } = make({ x: ['number', [0.1, 3, null, 1e21, -2.5]] });
    const out = recastColumn(table, schema, 'x', 'categorical');
    expect(cells(out.table, 'x')).toEqual(['0.1', '3', null, '1e+21', '-2.5']);
    expect(String(out.table.schema.fields[0].type)).toBe('Dictionary<Int32, Utf8>');
    expect(out.stray.count).toBe(0);
  });

  it('number -> integer only when every value is whole', () => {
    const ok = make({ n: ['number', [1, 2, null, 4]] });
    const out = recastColumn(ok.table, ok.schema, 'n', 'integer');
    expect(cells(out.table, 'n')).toEqual([1, 2, null, 4]);
    expect(String(out.table.schema.fields[0].type)).toBe('Int32');

    const bad = make({ price: ['number', [1, 3.5, 2]] });
    const err = thrown(() => recastColumn(bad.table, bad.schema, 'price', 'integer'));
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toBe(
      "'price' has fractional values such as 3.5; it cannot be an integer column.",
    );
  });

  it('integer -> boolean keeps 0/1, reports other values as stray', () => {
    const { table, schema } = make({ flag: ['integer', [0, 1, 2, null, 1]] });
    const out = recastColumn(table, schema, 'flag', 'boolean');
    expect(cells(out.table, 'flag')).toEqual([false, true, null, null, true]);
    expect(out.stray).toEqual({ count: 1, examples: [{ row: 2, value: '2' }] });
  });

  it('boolean -> integer gives 0/1', () => {
    const { table, schema } = make({ b: ['boolean', [true, false, null]] });
    const out = recastColumn(table, schema, 'b', 'integer');
    expect(cells(out.table, 'b')).toEqual([1, 0, null]);
  });

  it('number -> date is refused with a reason', () => {
    const { table, schema } = make({ year: ['integer', [2001, 2002]] });
    const err = thrown(() => recastColumn(table, schema, 'year', 'date'));
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toContain("'year' cannot change from integer to date");
  });
});

describe('dates <-> text', () => {
  it('dates become ISO text (date only at midnight) and parse back', () => {
    const { table, schema } = make({
      d: ['date', [Date.UTC(2024, 0, 31), Date.UTC(2024, 0, 31, 8, 5, 3), null]],
    });
    const text = recastColumn(table, schema, 'd', 'text');
    expect(cells(text.table, 'd')).toEqual(['2024-01-31', '2024-01-31T08:05:03Z', null]);
    const back = recastColumn(text.table, text.schema, 'd', 'date');
    expect(cells(back.table, 'd')).toEqual(cells(table, 'd'));
    expect(back.stray.count).toBe(0);
  });

  it('date -> number gives epoch milliseconds', () => {
    const { table, schema } = make({ d: ['date', [Date.UTC(1970, 0, 2)]] });
    expect(cells(recastColumn(table, schema, 'd', 'number').table, 'd')).toEqual([86_400_000]);
  });
});

describe('categorical <-> text and no-ops', () => {
  it('re-encodes strings and keeps values', () => {
    const { table, schema } = make({ c: ['categorical', ['a', 'b', null, 'a']] });
    const out = recastColumn(table, schema, 'c', 'text');
    expect(String(out.table.schema.fields[0].type)).toBe('Utf8');
    expect(cells(out.table, 'c')).toEqual(['a', 'b', null, 'a']);
  });

  it('the same kind returns the input unchanged', () => {
    const { table, schema } = make({ c: ['categorical', ['a']] });
    const out = recastColumn(table, schema, 'c', 'categorical');
    expect(out.table).toBe(table);
    expect(out.schema).toBe(schema);
  });

  it('an unknown column is not-found', () => {
    const { table, schema } = make({ c: ['categorical', ['a']] });
    const err = thrown(() => recastColumn(table, schema, 'nope', 'text'));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain("'nope'");
  });

  it('the result profiles and survives IPC with its new kind', () => {
    const { table, schema } = make({ raw: ['text', ['1', '2', 'x', '4']] });
    const out = recastColumn(table, schema, 'raw', 'integer');
    const back = tableFromIPC(tableToIPC(out.table, 'file'));
    expect(back.schema.fields[0].metadata.get(KIND_METADATA_KEY)).toBe('integer');
    const [p] = profileTable(back, out.schema).columns;
    expect(p).toMatchObject({ kind: 'integer', count: 3, missing: 1, mean: 7 / 3 });
  });

  it('drops a number format when the column becomes text', () => {
    const { table } = make({ p: ['number', [1.5]] });
    const schema: ColumnSchema[] = [{ name: 'p', kind: 'number', numberFormat: 'decimal-comma' }];
    expect(recastColumn(table, schema, 'p', 'text').schema[0]).toEqual({ name: 'p', kind: 'text' });
  });
});

describe('parsers', () => {
  it('parseNumber is strict', () => {
    expect(parseNumber('1.5')).toBe(1.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('+7')).toBe(7);
    expect(parseNumber('1,234,567')).toBe(1234567);
    expect(parseNumber('-inf')).toBe(-Infinity);
    for (const bad of ['1.2.3', '12abc', '1,23', '', '0x10', '1 000'])
      expect(parseNumber(bad)).toBeNaN();
  });

  it('parseBoolean and parseDate', () => {
    expect(parseBoolean(' Y ')).toBe(true);
    expect(parseBoolean('nope')).toBeNull();
    expect(parseDate('2024-01-31T23:00:00+02:00')).toBe(Date.UTC(2024, 0, 31, 21));
    expect(parseDate('2024-01-31 08:00')).toBe(Date.UTC(2024, 0, 31, 8));
    expect(parseDate('31/01/2024')).toBeNaN();
    expect(formatDate(Date.UTC(2024, 0, 31, 0, 0, 0, 5))).toBe('2024-01-31T00:00:00.005Z');
  });
});
