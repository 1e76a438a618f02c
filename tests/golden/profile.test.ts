// Golden test: Benchtop's column profile against pandas' describe() on real datasets from
// vega-datasets. The expected numbers come from tests/fixtures/golden/pandas-describe.json,
// written by tests/fixtures/golden/pandas_describe.py (source: pandas 1.5.3 describe()).
// The tables are built here straight from the files (papaparse / JSON.parse) so this test checks
// the statistics only, independently of Benchtop's CSV type inference.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { profileTable } from '../../src/core/data/profile';
import type { ColumnProfile } from '../../src/core/data/profile-types';
import type { ColumnKind, ColumnSchema } from '../../src/core/data/schema';
import {
  buildTable,
  columnFromValues,
  inferStringKind,
  type BuiltColumn,
} from '../../src/core/ingest/normalize';

interface GoldenColumn {
  dtype: string;
  count: number;
  missing: number;
  unique: number;
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  '25%'?: number | null;
  '50%'?: number | null;
  '75%'?: number | null;
  max?: number | null;
  top?: { value: string; count: number }[];
}
type Golden = Record<string, { rows: number; columns: Record<string, GoldenColumn> }> & {
  source: string;
};

const golden = JSON.parse(
  readFileSync('tests/fixtures/golden/pandas-describe.json', 'utf8'),
) as Golden;
const DATA = 'node_modules/vega-datasets/data/';

/** Rows as objects, from CSV (all values as text) or JSON. */
function loadRows(file: string): Record<string, unknown>[] {
  const text = readFileSync(DATA + file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text) as Record<string, unknown>[];
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

/** Builds the table with the kind pandas gave each column (int64 -> integer, float64 -> number...). */
function tableFor(file: string) {
  const rows = loadRows(file);
  const notes: string[] = [];
  const columns: BuiltColumn[] = Object.entries(golden[file].columns).map(([name, g]) => {
    const raw = rows.map((r) => r[name] ?? null);
    if (g.dtype.startsWith('datetime')) {
      return columnFromValues(
        name,
        raw.map((v) => (v === null ? null : Date.parse(String(v)))),
        'date',
        notes,
      );
    }
    if (g.dtype === 'int64' || g.dtype === 'float64') {
      const values = raw.map((v) => (v === null || v === '' ? null : Number(v)));
      return columnFromValues(name, values, g.dtype === 'int64' ? 'integer' : 'number', notes);
    }
    return columnFromValues(
      name,
      raw.map((v) => (v === null ? null : String(v))),
      'string',
      notes,
    );
  });
  const schema: ColumnSchema[] = columns.map((c) => c.schema);
  return { table: buildTable(columns), schema };
}

/** Relative tolerance 1e-9 (exact for zero). */
function close(actual: number | null, expected: number | null | undefined, what: string) {
  if (expected === null || expected === undefined) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const a = actual as number;
  const tol = 1e-9 * Math.max(Math.abs(a), Math.abs(expected));
  expect(Math.abs(a - expected), `${what}: ${a} vs pandas ${expected}`).toBeLessThanOrEqual(tol);
}

function checkColumn(p: ColumnProfile, g: GoldenColumn, rows: number) {
  const at = `${p.name}`;
  expect(p.count, `${at} count`).toBe(g.count);
  expect(p.missing, `${at} missing`).toBe(g.missing);
  expect(p.count + p.missing, `${at} rows`).toBe(rows);
  expect(p.unique, `${at} unique (pandas nunique)`).toBe(g.unique);
  if (g.top) {
    // source: pandas 1.5.3 value_counts(), ties ordered by value
    expect(p.top, `${at} top`).toEqual(g.top);
    return;
  }
  // source: pandas 1.5.3 describe() (std: ddof=1; quartiles: linear interpolation)
  close(p.mean, g.mean, `${at} mean`);
  close(p.std, g.std, `${at} std`);
  close(p.min, g.min, `${at} min`);
  close(p.q1, g['25%'], `${at} 25%`);
  close(p.median, g['50%'], `${at} 50%`);
  close(p.q3, g['75%'], `${at} 75%`);
  close(p.max, g.max, `${at} max`);
}

describe(`profile matches ${golden.source}`, () => {
  for (const file of ['seattle-weather.csv', 'penguins.json', 'cars.json']) {
    it(file, () => {
      const { table, schema } = tableFor(file);
      const profile = profileTable(table, schema);
      const g = golden[file];
      expect(profile.rows).toBe(g.rows);
      expect(profile.columns.map((c) => c.name)).toEqual(Object.keys(g.columns));
      for (const p of profile.columns) checkColumn(p, g.columns[p.name], g.rows);
    });
  }

  it('reads text columns as categorical or text by the shared cardinality rule', () => {
    const { schema } = tableFor('cars.json');
    const kinds: Record<string, ColumnKind> = Object.fromEntries(
      schema.map((c) => [c.name, c.kind]),
    );
    // Origin: 3 values in 406 rows -> categorical; Name: 311 distinct names -> text.
    expect(kinds.Origin).toBe('categorical');
    expect(kinds.Name).toBe('text');
    expect(inferStringKind(['a', 'b', null])).toBe('categorical');
  });
});
