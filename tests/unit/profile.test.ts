// Column profile: statistics per kind, histograms, top values and every warning, on small tables
// whose right answers are worked out by hand, plus flights-200k.arrow against a plain
// sort-and-count computation and the fast sorting paths against Float64Array.prototype.sort.
import { readFileSync } from 'node:fs';
import {
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { profileColumn, profileTable } from '../../src/core/data/profile';
import type { ColumnKind, ColumnSchema } from '../../src/core/data/schema';
import {
  histogramSorted,
  moments,
  niceStep,
  quantileSorted,
  sortNumbers,
} from '../../src/core/data/stats';
import { readArrow } from '../../src/core/ingest/arrow';
import {
  buildTable,
  columnFromValues,
  kindField,
  stringData,
  type BuiltColumn,
  type ValueClass,
} from '../../src/core/ingest/normalize';
import type { IngestReport } from '../../src/core/ingest/types';
import { createRng } from '../../src/core/rng';

const CLASS: Record<ColumnKind, ValueClass> = {
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
  categorical: 'string',
  text: 'string',
};

/** A stored table from plain columns; string columns keep the kind asked for. */
function make(columns: Record<string, [ColumnKind, unknown[]]>) {
  const built: BuiltColumn[] = Object.entries(columns).map(([name, [kind, values]]) =>
    // String columns keep the kind the test asks for, whatever the cardinality rule would say.
    kind === 'text' || kind === 'categorical'
      ? { schema: { name, kind }, data: stringData(values as (string | null)[], kind) }
      : columnFromValues(name, values, CLASS[kind], []),
  );
  const schema: ColumnSchema[] = built.map((c) => c.schema);
  return { table: buildTable(built), schema };
}

function report(over: Partial<IngestReport> = {}): IngestReport {
  return {
    format: 'csv',
    rows: 0,
    columns: 0,
    renamedHeaders: [],
    raggedRows: { count: 0, lines: [], expected: 0, examples: [] },
    strayValues: {},
    notes: [],
    ...over,
  };
}

describe('numeric statistics', () => {
  it('match hand-computed values (sample std, linear quartiles)', () => {
    const { table, schema } = make({ x: ['number', [4, 1, null, 3, 2, NaN]] });
    const [p] = profileTable(table, schema).columns;
    expect(p).toMatchObject({ count: 4, missing: 2, unique: 4, min: 1, max: 4, mean: 2.5 });
    // var = ((1.5² + 0.5²) * 2) / 3 = 5/3
    expect(p.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    // numpy.percentile([1,2,3,4], [25, 50, 75]) = 1.75, 2.5, 3.25
    expect([p.q1, p.median, p.q3]).toEqual([1.75, 2.5, 3.25]);
  });

  it('quantileSorted follows numpy linear interpolation', () => {
    const a = new Float64Array([10, 20, 30, 40, 50]);
    expect(quantileSorted(a, 0)).toBe(10);
    expect(quantileSorted(a, 0.1)).toBe(14);
    expect(quantileSorted(a, 0.5)).toBe(30);
    expect(quantileSorted(a, 1)).toBe(50);
    expect(quantileSorted(new Float64Array([7]), 0.25)).toBe(7);
    expect(Number.isNaN(quantileSorted(new Float64Array([]), 0.5))).toBe(true);
  });

  it('one value has a mean but no std; no values give nulls', () => {
    const { table, schema } = make({ one: ['number', [5, null]], none: ['number', [null, null]] });
    const [one, none] = profileTable(table, schema).columns;
    expect(one).toMatchObject({ count: 1, mean: 5, std: null, min: 5, max: 5 });
    expect(none).toMatchObject({
      count: 0,
      missing: 2,
      unique: 0,
      min: null,
      mean: null,
      histogram: null,
    });
  });

  it('std stays accurate for large offsets (two-pass, compensated)', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 2));
    expect(moments(Float64Array.from(values)).std).toBeCloseTo(0.50025, 5);
  });

  it('integer-coded columns still get min / max / mean / std', () => {
    const { table, schema } = make({ label: ['integer', [0, 1, 1, 2, 1, 0]] });
    const [p] = profileTable(table, schema).columns;
    expect(p).toMatchObject({ kind: 'integer', min: 0, max: 2, mean: 5 / 6, unique: 3 });
    expect(p.std).not.toBeNull();
  });

  it('booleans: min / max / mean as 0/1 and top true/false counts', () => {
    const { table, schema } = make({ ok: ['boolean', [true, false, true, null, true]] });
    const [p] = profileTable(table, schema).columns;
    expect(p).toMatchObject({
      kind: 'boolean',
      count: 4,
      missing: 1,
      unique: 2,
      min: 0,
      max: 1,
      mean: 0.75,
    });
    expect(p.top).toEqual([
      { value: 'true', count: 3 },
      { value: 'false', count: 1 },
    ]);
    expect(p.histogram).toBeNull();
  });

  it('dates: statistics in epoch ms', () => {
    const d = (s: string) => Date.parse(s);
    const { table, schema } = make({
      when: ['date', [d('2024-01-01'), d('2024-01-03'), null, d('2024-01-02')]],
    });
    const [p] = profileTable(table, schema).columns;
    expect(p).toMatchObject({
      min: d('2024-01-01'),
      max: d('2024-01-03'),
      median: d('2024-01-02'),
    });
    expect(p.mean).toBe(d('2024-01-02'));
  });
});

describe('histograms', () => {
  it('integers with few distinct values: one bin per value', () => {
    const { table, schema } = make({ k: ['integer', [1, 3, 3, 3, 5, 5]] });
    const [p] = profileTable(table, schema).columns;
    expect(p.histogram).toEqual({ edges: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], counts: [1, 0, 3, 0, 2] });
  });

  it('numbers: about 20 bins on nice edges covering min..max, last bin closed', () => {
    const values = Array.from({ length: 101 }, (_, i) => i / 10); // 0 .. 10
    const h = histogramSorted(Float64Array.from(values), 'number')!;
    expect(h.edges[0]).toBe(0);
    expect(h.edges[h.edges.length - 1]).toBe(10);
    expect(h.edges.length - 1).toBe(20);
    expect(h.edges[1]).toBe(0.5);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(101);
    expect(h.counts[h.counts.length - 1]).toBe(6); // 9.5 .. 10 inclusive of 10
  });

  it('nice steps are 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.37)).toBe(0.5);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(2.1)).toBe(2.5);
    expect(niceStep(170)).toBe(200);
  });

  it('a constant number column gets one bin of non-zero width', () => {
    const h = histogramSorted(new Float64Array([2.5, 2.5]), 'number')!;
    expect(h.counts).toEqual([2]);
    expect(h.edges[0]).toBeLessThan(2.5);
    expect(h.edges[1]).toBeGreaterThan(2.5);
  });

  it('dates spanning months use whole-day edges', () => {
    const start = Date.UTC(2020, 0, 1);
    const values = Array.from({ length: 200 }, (_, i) => start + i * 86_400_000);
    const h = histogramSorted(Float64Array.from(values), 'date')!;
    for (const e of h.edges) expect(e % 86_400_000).toBe(0);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(200);
  });
});

describe('categorical and text columns', () => {
  it('top values: most frequent first, ties by value, at most 10', () => {
    const values = ['b', 'a', 'c', 'b', 'a', 'd', null, ...'efghijklm'.split('')];
    const { table, schema } = make({ cat: ['categorical', values], txt: ['text', values] });
    const [cat, txt] = profileTable(table, schema).columns;
    expect(cat.top.slice(0, 4)).toEqual([
      { value: 'a', count: 2 },
      { value: 'b', count: 2 },
      { value: 'c', count: 1 },
      { value: 'd', count: 1 },
    ]);
    expect(cat.top).toHaveLength(10);
    expect(cat).toMatchObject({
      count: 15,
      missing: 1,
      unique: 13,
      min: null,
      mean: null,
      histogram: null,
    });
    // Utf8 storage (hash-table path) and dictionary storage agree.
    expect(txt.top).toEqual(cat.top);
    expect(txt.unique).toBe(cat.unique);
  });

  it('text profiling handles non-ASCII and empty strings', () => {
    const { table, schema } = make({ t: ['text', ['é', '', 'é', '日本', '', '', null, '😀']] });
    const [p] = profileTable(table, schema).columns;
    expect(p.unique).toBe(4);
    expect(p.top).toEqual([
      { value: '', count: 3 },
      { value: 'é', count: 2 },
      { value: '日本', count: 1 },
      { value: '😀', count: 1 },
    ]);
  });
});

describe('warnings', () => {
  it('constant, ID-like, mostly missing, all missing, high cardinality', () => {
    const n = 60;
    const { table, schema } = make({
      same: ['number', Array.from({ length: n }, () => 7)],
      id: ['integer', Array.from({ length: n }, (_, i) => 1000 + i)],
      name: ['text', Array.from({ length: n }, (_, i) => `user${i}`)],
      sparse: ['number', Array.from({ length: n }, (_, i) => (i < 20 ? i : null))],
      empty: ['text', Array.from({ length: n }, () => null)],
      many: ['categorical', Array.from({ length: n }, (_, i) => `c${i % 55}`)],
      fine: ['categorical', Array.from({ length: n }, (_, i) => `c${i % 3}`)],
    });
    const { warnings } = profileTable(table, schema);
    const codes = warnings.map((w) => `${w.column}:${w.code}`);
    expect(codes).toEqual([
      'same:constant',
      'id:id-like',
      'name:id-like',
      'sparse:mostly-missing',
      'empty:all-missing',
      'many:high-cardinality',
    ]);
    expect(warnings[0].message).toContain('(7)');
    expect(warnings[3].message).toBe("'sparse' is missing in 67% of rows (40 of 60).");
  });

  it('no ID-like warning for a handful of rows or for numbers', () => {
    const few = make({ few: ['text', ['a', 'b', 'c']] });
    const floats = make({ x: ['number', Array.from({ length: 30 }, (_, i) => i + 0.5)] });
    expect(profileTable(few.table, few.schema).warnings).toEqual([]);
    expect(profileTable(floats.table, floats.schema).warnings).toEqual([]);
  });

  it('stray values, ragged rows and renamed headers from the ingest report', () => {
    const { table, schema } = make({ price: ['number', [1, null, 3]] });
    const rep = report({
      raggedRows: { count: 2, lines: [4, 9], expected: 3, examples: [] },
      renamedHeaders: [{ from: '', to: 'column_2' }],
      strayValues: {
        price: {
          count: 2,
          examples: [
            { line: 3, value: 'abc' },
            { line: 7, value: '1,2,3' },
          ],
        },
      },
    });
    const { warnings } = profileTable(table, schema, rep);
    expect(warnings).toEqual([
      {
        code: 'ragged-rows',
        message:
          "2 rows have a different number of fields than the header's 3 and were left out (lines 4, 9).",
        lines: [4, 9],
      },
      {
        code: 'renamed-headers',
        message: "Some column names were blank or repeated and were renamed: '' -> 'column_2'.",
      },
      {
        code: 'stray-values',
        column: 'price',
        message:
          "'price' has 2 values that are not numbers (for example 'abc' on line 3); they are stored as missing.",
        lines: [3, 7],
      },
    ]);
  });

  it('stray values in Arrow / Parquet files are located by row, not line', () => {
    const { table, schema } = make({ n: ['integer', [1, null]] });
    const rep = report({
      format: 'parquet',
      strayValues: { n: { count: 1, examples: [{ line: 2, value: 'x' }] } },
    });
    const [w] = profileTable(table, schema, rep).warnings;
    expect(w.message).toContain("'x' on row 2");
  });
});

describe('storage independence', () => {
  it('gives the same profile after an IPC round trip and across several record batches', () => {
    const { table, schema } = make({
      n: ['number', [3, 1, null, 2, 8, 5]],
      c: ['categorical', ['x', 'y', 'x', null, 'z', 'x']],
      t: ['text', ['p', 'q', 'p', 'r', null, 's']],
      b: ['boolean', [true, null, false, true, true, false]],
    });
    const base = profileTable(table, schema);
    const back = tableFromIPC(tableToIPC(table, 'file'));
    expect(profileTable(back, schema)).toEqual(base);
    // Split into two batches of 3 rows.
    const fields = table.schema.fields.map((f, i) => kindField(schema[i], f.type));
    const arrowSchema = new Schema(fields);
    const batches = [0, 3].map(
      (start) =>
        new RecordBatch(
          arrowSchema,
          makeData({
            type: new Struct(fields),
            length: 3,
            children: table.batches[0].data.children.map((d) => d.slice(start, 3)),
          }),
        ),
    );
    const split = new Table(arrowSchema, batches);
    expect(split.batches).toHaveLength(2);
    expect(profileTable(split, schema)).toEqual(base);
  });

  it('profileColumn reads any storage for a kind (Int8 for integer)', async () => {
    const { Int8, vectorFromArray } = await import('apache-arrow');
    const v = vectorFromArray([1, 2, null, 2], new Int8());
    expect(profileColumn('v', 'integer', v)).toMatchObject({ count: 3, unique: 2, mean: 5 / 3 });
  });
});

describe('fast sorting used by the profile', () => {
  it('sortNumbers equals Float64Array.prototype.sort for floats, wide ranges, integers', () => {
    const rng = createRng(42);
    const gens: (() => number)[] = [
      () => rng() * 2000 - 1000,
      () => (rng() - 0.5) * 10 ** (rng() * 60 - 30),
      () => Math.floor(rng() * 50) - 25,
      () => Math.floor(rng() * 1e12),
      () => [0, 1.5, -1.5, Infinity, -Infinity, 1e-300][Math.floor(rng() * 6)],
    ];
    for (const gen of gens) {
      const a = Float64Array.from({ length: 20_000 }, gen);
      const expected = a.slice().sort();
      expect(sortNumbers(a)).toEqual(expected);
    }
  });
});

describe('flights-200k.arrow', () => {
  it('matches a plain sort-and-count computation', async () => {
    const bytes = readFileSync('node_modules/vega-datasets/data/flights-200k.arrow');
    const { table, schema } = await readArrow('flights-200k.arrow', bytes);
    const profile = profileTable(table, schema);
    expect(profile.rows).toBe(200_000);
    const source = tableFromIPC(bytes);
    for (const name of ['delay', 'distance', 'time']) {
      const v = source.getChild(name)!;
      const values: number[] = [];
      for (let i = 0; i < v.length; i++) {
        const x = v.get(i) as number | null;
        if (x !== null && !Number.isNaN(x)) values.push(x);
      }
      values.sort((a, b) => a - b);
      const n = values.length;
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const p = profile.columns.find((c) => c.name === name)!;
      expect(p.count).toBe(n);
      expect(p.min).toBe(values[0]);
      expect(p.max).toBe(values[n - 1]);
      expect(p.unique).toBe(new Set(values).size);
      expect(p.mean! / mean).toBeCloseTo(1, 10);
      const pos = (n - 1) / 2;
      expect(p.median).toBe(
        values[Math.floor(pos)] + (values[Math.ceil(pos)] - values[Math.floor(pos)]) * (pos % 1),
      );
      expect(p.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(n);
    }
  });
});
