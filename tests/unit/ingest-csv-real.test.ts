// The CSV reader on real files from the vega-datasets package, checked against numbers computed
// independently with pandas 1.5.3 (Debian's python3-pandas; the call is written next to each), and
// chunk-boundary invariance: any chunking of the same bytes gives the same table and report.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/core/ingest/csv';
import { bytesSource } from '../../src/core/ingest/index';
import type { IngestResult } from '../../src/core/ingest/types';
import { generateMixedCsv } from '../../bench/gen-mixed-csv';

const DATA = join(__dirname, '../../node_modules/vega-datasets/data');
const FIXTURES = join(__dirname, '../fixtures/csv');

async function readData(name: string, chunk = 1 << 16): Promise<IngestResult> {
  const bytes = new Uint8Array(readFileSync(join(DATA, name)));
  return readCsv(bytesSource(name, bytes, chunk), {});
}

function col(table: Table, name: string): unknown[] {
  const v = table.getChild(name);
  if (!v) throw new Error(`no column ${name}`);
  return Array.from({ length: v.length }, (_, i) => v.get(i));
}

function counts(values: unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

const sum = (xs: unknown[]) => xs.reduce<number>((a, x) => a + (typeof x === 'number' ? x : 0), 0);
const kinds = (r: IngestResult) => Object.fromEntries(r.schema.map((s) => [s.name, s.kind]));

describe('real datasets (vega-datasets), checked against pandas 1.5.3', () => {
  it('seattle-weather.csv: dates, four number columns and a 5-class categorical', async () => {
    const r = await readData('seattle-weather.csv');
    expect(r.table.numRows).toBe(1461); // pandas: len(pd.read_csv(f)) == 1461
    expect(kinds(r)).toEqual({
      date: 'date',
      precipitation: 'number',
      temp_max: 'number',
      temp_min: 'number',
      wind: 'number',
      weather: 'categorical',
    });
    // pandas: df['weather'].value_counts() -> rain 641, sun 640, fog 101, drizzle 53, snow 26
    expect(counts(col(r.table, 'weather'))).toEqual({
      rain: 641,
      sun: 640,
      fog: 101,
      drizzle: 53,
      snow: 26,
    });
    // pandas: df.describe() -> temp_max mean 16.439083, precipitation max 55.9, temp_min min -7.1
    expect(sum(col(r.table, 'temp_max')) / 1461).toBeCloseTo(16.439083, 6);
    expect(Math.max(...(col(r.table, 'precipitation') as number[]))).toBe(55.9);
    expect(Math.min(...(col(r.table, 'temp_min') as number[]))).toBe(-7.1);
    // pandas: df['date'].min(), .max() -> 2012-01-01, 2015-12-31
    const dates = col(r.table, 'date') as number[];
    expect(dates[0]).toBe(Date.UTC(2012, 0, 1));
    expect(dates[1460]).toBe(Date.UTC(2015, 11, 31));
    expect(r.report).toMatchObject({
      delimiter: ',',
      encoding: 'utf-8',
      rows: 1461,
      columns: 6,
      notes: [],
    });
  });

  it('unemployment.tsv: tab-delimited integer ids and rates', async () => {
    const r = await readData('unemployment.tsv');
    expect(r.report.delimiter).toBe('\t');
    expect(r.table.numRows).toBe(3218); // pandas: read_csv(f, sep='\t').shape == (3218, 2)
    expect(kinds(r)).toEqual({ id: 'integer', rate: 'number' });
    // pandas: df['rate'].sum() == 289.347, df['id'].min() == 1001, max() == 72153
    expect(sum(col(r.table, 'rate'))).toBeCloseTo(289.347, 9);
    expect(Math.min(...(col(r.table, 'id') as number[]))).toBe(1001);
    expect(Math.max(...(col(r.table, 'id') as number[]))).toBe(72153);
  });

  it('zipcodes.csv: zip codes keep their leading zeros (ID-like text), states are categorical', async () => {
    const r = await readData('zipcodes.csv');
    expect(r.table.numRows).toBe(42049);
    expect(kinds(r)).toEqual({
      zip_code: 'text',
      latitude: 'number',
      longitude: 'number',
      city: 'text',
      state: 'categorical',
      county: 'categorical',
    });
    const zips = col(r.table, 'zip_code') as string[];
    expect(zips[0]).toBe('00501');
    // pandas: read_csv(f, dtype={'zip_code': str}); (z.zip_code.str[0] == '0').sum() == 3256
    expect(zips.filter((z) => z.startsWith('0')).length).toBe(3256);
    // pandas: z['state'].nunique() == 59
    expect(new Set(col(r.table, 'state')).size).toBe(59);
  });

  it('birdstrikes.csv: "None" is a missing marker, empty speeds are missing, costs are integers', async () => {
    const r = await readData('birdstrikes.csv');
    expect(r.table.numRows).toBe(10000);
    expect(kinds(r)).toMatchObject({
      'Flight Date': 'date',
      'Effect Amount of damage': 'categorical',
      'Cost Total $': 'integer',
      'Speed IAS in knots': 'integer',
      'Wildlife Size': 'categorical',
    });
    // pandas 1.5 keeps 'None' as a string: value_counts() -> None 8939, Minor 549, Substantial 311,
    // Medium 186, C 14, B 1. 'None' is one of Benchtop's missing markers, so those are missing here.
    const damage = counts(col(r.table, 'Effect Amount of damage'));
    expect(damage).toEqual({ null: 8939, Minor: 549, Substantial: 311, Medium: 186, C: 14, B: 1 });
    // pandas: df['Speed IAS in knots'].isna().sum() == 2836; df['Cost Total $'].sum() == 40545276
    expect(col(r.table, 'Speed IAS in knots').filter((v) => v === null).length).toBe(2836);
    expect(sum(col(r.table, 'Cost Total $'))).toBe(40545276);
    expect(col(r.table, 'Flight Date')[0]).toBe(Date.UTC(1990, 0, 8));
  });

  it('github.csv: "2015/01/01 01:00:00" date-times and integer counts', async () => {
    const r = await readData('github.csv');
    expect(kinds(r)).toEqual({ time: 'date', count: 'integer' });
    const times = col(r.table, 'time');
    expect(times[0]).toBe(Date.UTC(2015, 0, 1, 1)); // pandas: df['time'].iloc[0] == '2015/01/01 01:00:00'
    expect(times[954]).toBe(Date.UTC(2015, 4, 30, 11)); // iloc[-1] == '2015/05/30 11:00:00'
    expect(sum(col(r.table, 'count'))).toBe(2479); // pandas: df['count'].sum() == 2479
  });

  it('airports.csv: unique codes are text, missing cities are null', async () => {
    const r = await readData('airports.csv');
    expect(r.table.numRows).toBe(3376);
    expect(kinds(r)).toMatchObject({
      iata: 'text',
      state: 'categorical',
      country: 'categorical',
      latitude: 'number',
    });
    // pandas: df.isna().sum() -> city 12, state 12; df['country'].value_counts()['USA'] == 3372
    expect(col(r.table, 'city').filter((v) => v === null).length).toBe(12);
    expect(counts(col(r.table, 'country')).USA).toBe(3372);
  });
});

/**
 * Everything a reader returns, in a comparable form: per column its Arrow type, metadata, null
 * count and values (not raw IPC bytes, which embed a process-wide dictionary id counter).
 */
function snapshot(r: IngestResult) {
  const columns = r.table.schema.fields.map((f) => ({
    name: f.name,
    type: String(f.type),
    metadata: [...f.metadata],
    nulls: r.table.getChild(f.name)?.nullCount,
    values: col(r.table, f.name),
  }));
  return { columns, schema: r.schema, report: r.report };
}

async function readChunked(name: string, bytes: Uint8Array, chunk: number) {
  try {
    return snapshot(await readCsv(bytesSource(name, bytes, chunk), {}));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('chunk-boundary invariance', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => /\.(csv|tsv)$/.test(f));
  for (const name of fixtures) {
    it(`${name}: chunks of 1, 7, 64 and 4096 bytes give the same result`, async () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
      const expected = await readChunked(name, bytes, 4096);
      for (const size of [1, 7, 64])
        expect(await readChunked(name, bytes, size), `chunk ${size}`).toEqual(expected);
    });
  }

  it('seattle-weather.csv: chunks of 1, 7, 64 and 4096 bytes give the same table', async () => {
    const bytes = new Uint8Array(readFileSync(join(DATA, 'seattle-weather.csv')));
    const expected = await readChunked('sw.csv', bytes, 4096);
    for (const size of [1, 7, 64])
      expect(await readChunked('sw.csv', bytes, size), `chunk ${size}`).toEqual(expected);
  });

  it('a generated mixed file (quoted strings, missing values, a text column past its dictionary)', async () => {
    const bytes = new TextEncoder().encode(generateMixedCsv(12000, 7));
    const expected = await readChunked('mixed.csv', bytes, 1 << 20);
    expect(expected).not.toHaveProperty('error');
    for (const size of [7, 64, 4096])
      expect(await readChunked('mixed.csv', bytes, size), `chunk ${size}`).toEqual(expected);
  });
});
