// The UI's light reads (src/db/datasets.ts): list entries without profiles, the one selected
// dataset whole, storage used from the list. Real files are imported through the core data API
// into Dexie on fake-indexeddb, so the stored rows carry real profiles and reports.
import { readFileSync } from 'node:fs';
// Dexie's liveQuery only reacts to writes through the global indexedDB (not one passed in
// options), so this file installs fake-indexeddb as the global before Dexie loads.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveQuery } from 'dexie';
import { createDataApi, type DatasetMeta } from '../../src/core/api/data-api';
import { BenchtopError } from '../../src/core/errors';
import { blobSource } from '../../src/core/ingest/blob-source';
import { openBenchtopDb, restoreDataset, type BenchtopDB } from '../../src/db/schema';
import {
  createDexieDatasetStore,
  listDatasetSummaries,
  listDatasets,
  readDataset,
  renameDataset,
  restoreDatasetSummary,
  storageUsage,
  type DatasetSummary,
} from '../../src/db/datasets';

const DATA = 'node_modules/vega-datasets/data';
const SUMMARY_KEYS = ['cols', 'createdAt', 'id', 'name', 'rows', 'source', 'storedBytes'];

function pick(meta: DatasetMeta): DatasetSummary {
  const { id, name, createdAt, source, rows, cols, storedBytes } = meta;
  return { id, name, createdAt, source, rows, cols, storedBytes };
}

let db: BenchtopDB;
let clock = 1_000;
let ids = 0;
let dbs = 0;

async function importReal(file: string): Promise<DatasetMeta> {
  const api = createDataApi({
    store: createDexieDatasetStore(db),
    now: () => (clock += 1000),
    newId: () => `d${++ids}`,
  });
  const blob = new Blob([new Uint8Array(readFileSync(`${DATA}/${file}`))]);
  return api.importData(`job-${file}`, blobSource(blob, file));
}

beforeEach(() => {
  // A fresh database per test, so no test sees another's rows.
  db = openBenchtopDb(`benchtop-list-test-${++dbs}`);
});

afterEach(() => {
  db.close();
});

describe('dataset list entries', () => {
  it('list real imports newest first with the fields the full read has, and no profile', async () => {
    const weather = await importReal('seattle-weather.csv');
    const stocks = await importReal('stocks.csv');
    const flights = await importReal('flights-200k.arrow');
    expect(weather.profile.columns.length).toBe(6);
    expect(weather.profile.columns[1].histogram?.counts.length).toBeGreaterThan(5);

    const summaries = await listDatasetSummaries(db);
    const full = await listDatasets(db);
    expect(summaries.map((d) => d.id)).toEqual([flights.id, stocks.id, weather.id]);
    expect(summaries).toEqual(full.map(pick));
    for (const s of summaries) expect(Object.keys(s).sort()).toEqual(SUMMARY_KEYS);
    expect(summaries.find((s) => s.id === weather.id)).toMatchObject({
      name: 'seattle-weather',
      rows: 1461,
      cols: 6,
      source: { name: 'seattle-weather.csv', format: 'csv' },
    });
    expect(summaries[0]).toMatchObject({ rows: 200_000, cols: 3, source: { format: 'arrow' } });
  });

  it('restore list entries exactly as restoreDataset restores those fields, old rows included', () => {
    const rows: unknown[] = [
      // An early row: no cols, schema, report, storedBytes or format; rows only in the profile.
      {
        id: 'legacy',
        name: 'Weather 2014',
        source: { name: 'weather-2014.csv', size: 12_345 },
        profile: {
          rows: 365,
          columns: [
            { name: 'date', kind: 'date', count: 365, top: [{ value: 'x', count: 1 }] },
            { name: 'temp', kind: 'number', histogram: { edges: [0, 1], counts: [3] } },
          ],
        },
      },
      // The format only in the report, the name only in the source.
      { id: 'r', source: { name: 'data.bin' }, report: { format: 'parquet' }, schema: [{}] },
      { id: 'bare' },
      { id: 'junk', name: 7, rows: 'many', source: 'x', profile: [1], report: null },
      { id: 'feather', source: { name: 'trips.FEATHER', size: 9 }, storedBytes: 42 },
    ];
    for (const row of rows) expect(restoreDatasetSummary(row)).toEqual(pick(restoreDataset(row)));
    expect(restoreDatasetSummary(rows[0])).toMatchObject({ rows: 365, cols: 2 });
    expect(restoreDatasetSummary(rows[1]).source.format).toBe('parquet');
    expect(() => restoreDatasetSummary({ name: 'no id' })).toThrow(BenchtopError);
  });

  it('storage used from the list equals storage used from the rows', async () => {
    await importReal('seattle-weather.csv');
    await importReal('flights-200k.arrow');
    const listed = await listDatasetSummaries(db);
    const fromList = await storageUsage(db, listed);
    expect(fromList).toEqual(await storageUsage(db));
    expect(fromList.datasets).toBe(2);
    expect(fromList.bytes).toBe(listed[0].storedBytes + listed[1].storedBytes);
    expect(fromList.bytes).toBeGreaterThan(1_000_000);
  });
});

describe('the selected dataset', () => {
  it('reads one dataset whole, and undefined for one that is not stored', async () => {
    const weather = await importReal('seattle-weather.csv');
    expect(await readDataset(db, weather.id)).toEqual(weather);
    expect(await readDataset(db, 'gone')).toBeUndefined();
  });

  it('a live query of it answers again when it changes, not when another dataset does', async () => {
    const a = await importReal('seattle-weather.csv');
    const b = await importReal('stocks.csv');
    const seen: (string | undefined)[] = [];
    const listed: string[][] = [];
    let wake: () => void = () => undefined;
    let wakeList: () => void = () => undefined;
    const next = () => new Promise<void>((r) => (wake = r));
    const nextList = () => new Promise<void>((r) => (wakeList = r));
    const first = [next(), nextList()];
    const sub = liveQuery(() => readDataset(db, a.id)).subscribe((meta) => {
      seen.push(meta?.name);
      wake();
    });
    // The list follows every dataset: it shows that the rename of the other one was observable.
    const list = liveQuery(() => listDatasetSummaries(db)).subscribe((l) => {
      listed.push(l.map((d) => d.name));
      wakeList();
    });
    try {
      await Promise.all(first);
      expect(seen).toEqual(['seattle-weather']);
      const listAnswered = nextList();
      await renameDataset(db, b.id, 'Stocks');
      await listAnswered;
      expect(listed.at(-1)).toEqual(['Stocks', 'seattle-weather']);
      const renamed = next();
      await renameDataset(db, a.id, 'Weather');
      await renamed;
      expect(seen).toEqual(['seattle-weather', 'Weather']);
    } finally {
      sub.unsubscribe();
      list.unsubscribe();
    }
  });
});
