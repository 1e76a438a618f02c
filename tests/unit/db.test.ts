// Storage on fake-indexeddb: the Dexie schema, one-transaction dataset writes (a failed write
// leaves nothing, not even half), quota errors a person can act on, and restore-on-read of rows
// written by an older version.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import type { DatasetMeta } from '../../src/core/api/data-api';
import { BenchtopError } from '../../src/core/errors';
import {
  createDexieDatasetStore,
  deleteDataset,
  formatBytes,
  isQuotaError,
  listDatasets,
  openBenchtopDb,
  renameDataset,
  restoreDataset,
  storageUsage,
  type BenchtopDB,
} from '../../src/db';

const FLIGHTS = 'node_modules/vega-datasets/data/flights-200k.arrow';

/** Real Arrow IPC bytes: the first `rows` rows of vega-datasets' flights-200k.arrow. */
function flightsIpc(rows: number): Uint8Array {
  const table = tableFromIPC(readFileSync(FLIGHTS));
  return tableToIPC(table.slice(0, rows), 'file');
}

function metaFor(id: string, name: string, createdAt: number, ipc: Uint8Array): DatasetMeta {
  const rows = tableFromIPC(ipc).numRows;
  return {
    id,
    name,
    createdAt,
    source: { name: 'flights-200k.arrow', size: 1600864, sha256: 'ab'.repeat(32), format: 'arrow' },
    rows,
    cols: 3,
    schema: [
      { name: 'delay', kind: 'integer' },
      { name: 'distance', kind: 'integer' },
      { name: 'time', kind: 'number' },
    ],
    profile: { rows, cols: 3, columns: [], warnings: [] },
    report: {
      format: 'arrow',
      rows,
      columns: 3,
      renamedHeaders: [],
      raggedRows: { count: 0, lines: [], expected: 3, examples: [] },
      strayValues: {},
      notes: [],
    },
    storedBytes: ipc.byteLength,
  };
}

let db: BenchtopDB;
let factory: IDBFactory;

beforeEach(() => {
  // A fresh IndexedDB per test, so no test sees another's rows.
  factory = new IDBFactory();
  db = openBenchtopDb('benchtop-test', { indexedDB: factory, IDBKeyRange });
});

afterEach(() => {
  db.close();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function counts(): Promise<{ meta: number; bytes: number }> {
  return { meta: await db.datasets.count(), bytes: await db.datasetBytes.count() };
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
async function caught(fn: () => Promise<unknown>): Promise<BenchtopError> {
  try {
    await fn();
  } catch (err) {
    return err as BenchtopError;
  }
  throw new Error('expected a throw');
}

describe('schema', () => {
  it('declares datasets (id, createdAt, name) and datasetBytes (id); now at version 4 (recipes, then runs and models, then bundles and keys)', async () => {
    await db.open();
    expect(db.verno).toBe(4);
    const datasets = db.table('datasets').schema;
    expect(datasets.primKey.name).toBe('id');
    expect(datasets.indexes.map((i) => i.name).sort()).toEqual(['createdAt', 'name']);
    expect(db.table('datasetBytes').schema.primKey.name).toBe('id');
  });

  it('a second connection (the worker vs the UI) sees what the first wrote', async () => {
    const ipc = flightsIpc(100);
    await createDexieDatasetStore(db).putDataset(metaFor('a', 'Flights', 1, ipc), ipc);
    const other = openBenchtopDb('benchtop-test', { indexedDB: factory, IDBKeyRange });
    const list = await listDatasets(other);
    expect(list.map((d) => d.id)).toEqual(['a']);
    other.close();
  });
});

describe('dataset store', () => {
  it('puts and gets metadata and real Arrow bytes', async () => {
    const store = createDexieDatasetStore(db);
    const ipc = flightsIpc(1000);
    const meta = metaFor('d1', 'Flights 1k', 1000, ipc);
    await store.putDataset(meta, ipc);

    expect(await store.getDataset('d1')).toEqual(meta);
    const bytes = await store.getDatasetBytes('d1');
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes?.byteLength).toBe(ipc.byteLength);
    const table = tableFromIPC(bytes!);
    expect(table.numRows).toBe(1000);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['delay', 'distance', 'time']);
    // The first flight of vega-datasets' flights-200k.arrow: delay 0, distance 1452.
    expect(table.get(0)?.toJSON()).toMatchObject({ delay: 0, distance: 1452 });

    expect(await store.getDataset('missing')).toBeUndefined();
    expect(await store.getDatasetBytes('missing')).toBeUndefined();
  });

  it('stores only the bytes of a view, not its whole underlying buffer', async () => {
    const store = createDexieDatasetStore(db);
    const ipc = flightsIpc(50);
    const big = new Uint8Array(ipc.byteLength + 100_000);
    big.set(ipc, 500);
    const view = big.subarray(500, 500 + ipc.byteLength);
    await store.putDataset(metaFor('v', 'View', 1, view), view);
    const bytes = await store.getDatasetBytes('v');
    expect(bytes?.byteLength).toBe(ipc.byteLength);
    expect(bytes?.buffer.byteLength).toBe(ipc.byteLength);
    expect(tableFromIPC(bytes!).numRows).toBe(50);
  });

  it('put with an existing id replaces it (the type override re-stores a dataset)', async () => {
    const store = createDexieDatasetStore(db);
    const small = flightsIpc(10);
    const larger = flightsIpc(20);
    await store.putDataset(metaFor('d', 'Flights', 1, small), small);
    await store.putDataset(metaFor('d', 'Flights', 1, larger), larger);
    expect(await counts()).toEqual({ meta: 1, bytes: 1 });
    expect((await store.getDataset('d'))?.rows).toBe(20);
    expect(tableFromIPC((await store.getDatasetBytes('d'))!).numRows).toBe(20);
  });

  it('a write that fails after the metadata leaves neither metadata nor bytes', async () => {
    const store = createDexieDatasetStore(db);
    const ipc = flightsIpc(100);
    await store.putDataset(metaFor('keep', 'Kept', 1, ipc), ipc);

    // The bytes write fails inside the transaction, after the metadata row was written.
    vi.spyOn(db.datasetBytes, 'put').mockImplementation(() => {
      throw new Error('disk on fire');
    });
    const err = await caught(() => store.putDataset(metaFor('new', 'New', 2, ipc), ipc));
    expect(err).toBeInstanceOf(BenchtopError);
    expect(err.code).toBe('internal');
    expect(err.message).toContain('Could not store "New"');
    expect(String(err.details.cause)).toContain('disk on fire');

    vi.restoreAllMocks();
    expect(await counts()).toEqual({ meta: 1, bytes: 1 });
    expect(await store.getDataset('new')).toBeUndefined();
    expect(await store.getDatasetBytes('new')).toBeUndefined();
    expect((await store.getDataset('keep'))?.name).toBe('Kept');
  });

  it('a failed re-store of an existing dataset keeps the previous version whole', async () => {
    const store = createDexieDatasetStore(db);
    const before = flightsIpc(10);
    await store.putDataset(metaFor('d', 'Before', 1, before), before);
    vi.spyOn(db.datasetBytes, 'put').mockImplementation(() => {
      throw new Error('write refused');
    });
    const after = flightsIpc(30);
    await caught(() => store.putDataset(metaFor('d', 'After', 1, after), after));
    vi.restoreAllMocks();
    const meta = await store.getDataset('d');
    expect(meta?.name).toBe('Before');
    expect(meta?.rows).toBe(10);
    expect(tableFromIPC((await store.getDatasetBytes('d'))!).numRows).toBe(10);
  });
});

describe('quota errors', () => {
  const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  const needed = 48 * 1024 * 1024 + 123;

  async function failWith(error: unknown): Promise<BenchtopError> {
    const store = createDexieDatasetStore(db);
    vi.spyOn(db.datasetBytes, 'put').mockImplementation(() => {
      throw error;
    });
    // Big enough for the message to say "48 MB"; zeros, since only the size matters here.
    const bytes = new Uint8Array(needed);
    const ipc = flightsIpc(10);
    const err = await caught(() =>
      store.putDataset({ ...metaFor('q', 'Big flights', 1, ipc), storedBytes: needed }, bytes),
    );
    vi.restoreAllMocks();
    return err;
  }

  it('a QuotaExceededError becomes quota-exceeded with an actionable message, and nothing is stored', async () => {
    const err = await failWith(quota());
    expect(err).toBeInstanceOf(BenchtopError);
    expect(err.code).toBe('quota-exceeded');
    expect(err.message).toBe(
      'The browser\'s storage is full: "Big flights" needs 48 MB. Delete datasets you no longer need, ' +
        'or free disk space on this device, and try again. Nothing was stored.',
    );
    expect(err.details.neededBytes).toBe(needed);
    expect(await counts()).toEqual({ meta: 0, bytes: 0 });
  });

  it('also when Dexie wraps it as the AbortError of the transaction', async () => {
    const err = await failWith(new Dexie.AbortError('Transaction aborted', quota()));
    expect(err.code).toBe('quota-exceeded');
    expect(err.message).toContain('Nothing was stored.');
    expect(await counts()).toEqual({ meta: 0, bytes: 0 });
  });

  it('also as Dexie’s own QuotaExceededError', async () => {
    const err = await failWith(new Dexie.QuotaExceededError('quota', quota()));
    expect(err.code).toBe('quota-exceeded');
  });

  it('says how much is free when the browser offers an estimate', async () => {
    vi.stubGlobal('navigator', {
      storage: { estimate: async () => ({ usage: 9.9 * 1024 ** 3, quota: 10 * 1024 ** 3 }) },
    });
    const err = await failWith(quota());
    expect(err.message).toContain("needs 48 MB (102 MB of this site's 10 GB quota is free)");
    expect(err.details.quota).toBe(10 * 1024 ** 3);
  });

  it('recognises the shapes browsers use, and not other errors', () => {
    expect(isQuotaError(quota())).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('aborted', quota()))).toBe(true);
    expect(isQuotaError({ name: 'BulkError', failures: [new Error('x'), quota()] })).toBe(true);
    expect(isQuotaError(new Error('disk on fire'))).toBe(false);
    expect(isQuotaError(new Dexie.AbortError('aborted', new Error('other')))).toBe(false);
    expect(isQuotaError(new DOMException('x', 'ConstraintError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});

describe('list, rename, delete, usage', () => {
  async function seed(): Promise<void> {
    const store = createDexieDatasetStore(db);
    const ipc = flightsIpc(100);
    await store.putDataset(metaFor('old', 'Oldest', 1_000, ipc), ipc);
    await store.putDataset(metaFor('new', 'Newest', 3_000, ipc), ipc);
    await store.putDataset(metaFor('mid', 'Middle', 2_000, ipc), ipc);
  }

  it('lists newest first', async () => {
    await seed();
    expect((await listDatasets(db)).map((d) => d.name)).toEqual(['Newest', 'Middle', 'Oldest']);
  });

  it('renames with the name trimmed, and refuses empty names and unknown ids', async () => {
    await seed();
    await renameDataset(db, 'mid', '  Flights, first 100  ');
    expect((await db.datasets.get('mid'))?.name).toBe('Flights, first 100');

    const empty = await caught(() => renameDataset(db, 'mid', '   '));
    expect(empty).toBeInstanceOf(BenchtopError);
    expect(empty.code).toBe('invalid-argument');
    expect(empty.message).toMatch(/needs a name/);

    const long = await caught(() => renameDataset(db, 'mid', 'x'.repeat(201)));
    expect(long.code).toBe('invalid-argument');
    expect(long.message).toContain('201 characters');

    const missing = await caught(() => renameDataset(db, 'gone', 'Anything'));
    expect(missing.code).toBe('not-found');
    expect((await db.datasets.get('mid'))?.name).toBe('Flights, first 100');
  });

  it('deletes metadata and bytes together; deleting twice is fine', async () => {
    await seed();
    await deleteDataset(db, 'mid');
    expect(await db.datasets.get('mid')).toBeUndefined();
    expect(await db.datasetBytes.get('mid')).toBeUndefined();
    expect(await counts()).toEqual({ meta: 2, bytes: 2 });
    await deleteDataset(db, 'mid');
    expect(await counts()).toEqual({ meta: 2, bytes: 2 });
  });

  it('reports storage used: datasets, their bytes, and the browser estimate when there is one', async () => {
    expect(await storageUsage(db)).toEqual({ datasets: 0, bytes: 0 });
    await seed();
    const one = flightsIpc(100).byteLength;
    expect(await storageUsage(db)).toEqual({ datasets: 3, bytes: 3 * one });
    vi.stubGlobal('navigator', {
      storage: { estimate: async () => ({ usage: 5000, quota: 1e9 }) },
    });
    expect(await storageUsage(db)).toEqual({
      datasets: 3,
      bytes: 3 * one,
      usage: 5000,
      quota: 1e9,
    });
  });

  it('formats sizes for people', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(48 * 1024 * 1024 + 123)).toBe('48 MB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10 GB');
  });
});

describe('restore-on-read', () => {
  // A row as an early version might have written it: no cols, schema, report, storedBytes, format.
  const oldRow = {
    id: 'legacy',
    name: 'Weather 2014',
    rows: 365,
    source: { name: 'weather-2014.csv', size: 12_345 },
    profile: {
      rows: 365,
      columns: [
        { name: 'date', kind: 'date', count: 365, missing: 0 },
        { name: 'temp', kind: 'number', count: 360, missing: 5, mean: 11.2 },
      ],
    },
  };

  it('fills every missing field with a neutral default', () => {
    const meta = restoreDataset(oldRow);
    expect(meta.id).toBe('legacy');
    expect(meta.name).toBe('Weather 2014');
    expect(meta.createdAt).toBe(0);
    expect(meta.source).toEqual({
      name: 'weather-2014.csv',
      size: 12_345,
      sha256: '',
      format: 'csv',
    });
    expect(meta.rows).toBe(365);
    expect(meta.schema).toEqual([
      { name: 'date', kind: 'date' },
      { name: 'temp', kind: 'number' },
    ]);
    expect(meta.cols).toBe(2);
    expect(meta.storedBytes).toBe(0);
    expect(meta.profile.cols).toBe(2);
    expect(meta.profile.warnings).toEqual([]);
    expect(meta.profile.columns[1]).toMatchObject({
      name: 'temp',
      missing: 5,
      mean: 11.2,
      std: null,
      top: [],
      histogram: null,
    });
    expect(meta.report).toEqual({
      format: 'csv',
      rows: 365,
      columns: 2,
      renamedHeaders: [],
      raggedRows: { count: 0, lines: [], expected: 2, examples: [] },
      strayValues: {},
      notes: [],
    });
  });

  it('guesses the format of an old row from the file name, and keeps fields it does not know', () => {
    const meta = restoreDataset({ id: 'x', source: { name: 'flights.parquet' }, futureField: 7 });
    expect(meta.source.format).toBe('parquet');
    expect(meta.name).toBe('flights');
    expect((meta as unknown as { futureField: number }).futureField).toBe(7);
  });

  it('refuses a row with no id with a BenchtopError', () => {
    expect(() => restoreDataset({ name: 'x' })).toThrow(BenchtopError);
    expect(() => restoreDataset(null)).toThrow(/no id/);
  });

  it('old rows stored in IndexedDB load, list (after newer ones), rename and count', async () => {
    const ipc = flightsIpc(10);
    await createDexieDatasetStore(db).putDataset(metaFor('now', 'Current', 5_000, ipc), ipc);
    await db.datasets.put(oldRow as unknown as DatasetMeta);

    const got = await createDexieDatasetStore(db).getDataset('legacy');
    expect(got?.schema.map((c) => c.name)).toEqual(['date', 'temp']);
    // An index on createdAt would skip the old row; the list must not.
    expect((await listDatasets(db)).map((d) => d.id)).toEqual(['now', 'legacy']);
    await renameDataset(db, 'legacy', 'Weather 2014 (old)');
    expect((await listDatasets(db))[1].name).toBe('Weather 2014 (old)');
    expect(await storageUsage(db)).toEqual({ datasets: 2, bytes: ipc.byteLength });
  });
});
