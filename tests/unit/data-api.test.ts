// The data worker's API, one test body run over two transports (as DuckDB-WASM tests its
// bindings): in-process, and through comlink over a MessageChannel, which catches anything that
// is not cloneable (results, errors, progress). Storage is the real Dexie store on fake-indexeddb;
// the data are real vega-datasets files.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { createDataApi, type DatasetMeta } from '../../src/core/api/data-api';
import type { IngestProgress } from '../../src/core/ingest/types';
import { blobSource } from '../../src/core/ingest/blob-source';
import { blobSource as blobSourceFromIndex } from '../../src/core/ingest/index';
import {
  createDexieDatasetStore,
  deleteDataset,
  listDatasets,
  openBenchtopDb,
  type BenchtopDB,
} from '../../src/db';
import { createDataWorkerApi, type DataWorkerApi } from '../../workers/data.worker';
import { expectUserError, inProcess, overComlink, rejection, type Transport } from './transports';

const DATA = 'node_modules/vega-datasets/data';
const WEATHER = readFileSync(`${DATA}/seattle-weather.csv`);
const FLIGHTS_ALL = readFileSync(`${DATA}/flights-200k.arrow`);
/** The first 20,000 flights, as an Arrow IPC file (keeps the test light on 2 cores). */
const FLIGHTS = tableToIPC(tableFromIPC(FLIGHTS_ALL).slice(0, 20_000), 'file');

function file(bytes: Uint8Array, name: string): File {
  return new File([new Uint8Array(bytes)], name);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('blobSource', () => {
  it('is exported from the ingest entry point', () => {
    expect(blobSourceFromIndex).toBe(blobSource);
  });

  it('streams a real file, restartably, and releases the stream when a reader stops early', async () => {
    const source = blobSource(new Blob([WEATHER]), 'seattle-weather.csv');
    expect(source.size).toBe(48_219); // vega-datasets' datapackage.json: "bytes": 48219
    const read = async () => {
      const parts: Uint8Array[] = [];
      for await (const chunk of source.chunks()) parts.push(chunk);
      return Buffer.concat(parts);
    };
    // A reader that only sniffs the first bytes, then stops.
    for await (const chunk of source.chunks()) {
      expect(Buffer.from(chunk.subarray(0, 4)).toString()).toBe('date');
      break;
    }
    const first = await read();
    const second = await read();
    expect(sha256(first)).toBe(sha256(WEATHER));
    expect(sha256(second)).toBe(sha256(WEATHER));
  });

  it('reads an empty blob as no chunks', async () => {
    const chunks: Uint8Array[] = [];
    for await (const c of blobSource(new Blob([]), 'empty.csv').chunks()) chunks.push(c);
    expect(chunks).toEqual([]);
  });
});

/**
 * Hands the worker API a File that streams the way Chromium's File.stream() does: in 4 KB chunks,
 * each read a separate task. Node's in-memory Blob streams resolve without ever giving the event
 * loop a turn, so through a MessageChannel a cancel message could not arrive mid-import, which is
 * not how a browser behaves. Everything else about the worker API is used as is.
 */
function withBrowserLikeFiles(api: DataWorkerApi): DataWorkerApi {
  return {
    ...api,
    importFile: async (jobId, file, options, onProgress) => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const name = ('name' in file && file.name) || options?.fileName || 'data';
      const browserLike = new File([bytes], name);
      // A fresh stream per call: ByteSource.chunks() restarts by asking for a new stream.
      browserLike.stream = () => {
        let offset = 0;
        return new ReadableStream<Uint8Array<ArrayBuffer>>({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            if (offset >= bytes.byteLength) return controller.close();
            controller.enqueue(bytes.slice(offset, offset + 4096));
            offset += 4096;
          },
        });
      };
      return api.importFile(jobId, browserLike, options, onProgress);
    },
  };
}

const transports: [string, (api: DataWorkerApi) => Transport<DataWorkerApi>][] = [
  ['in-process', (api) => inProcess(withBrowserLikeFiles(api))],
  ['comlink over a MessageChannel', (api) => overComlink(withBrowserLikeFiles(api))],
];

describe.each(transports)('data API (%s)', (_label, connect) => {
  let db: BenchtopDB;
  let t: Transport<DataWorkerApi>;
  let ids = 0;

  beforeEach(() => {
    db = openBenchtopDb('benchtop-api-test', { indexedDB: new IDBFactory(), IDBKeyRange });
    const core = createDataApi({
      store: createDexieDatasetStore(db),
      now: () => 1_700_000_000_000 + ids,
      newId: () => `ds-${++ids}`,
    });
    t = connect(createDataWorkerApi(core));
  });

  afterEach(() => {
    t.close();
    db.close();
  });

  async function importFile(
    bytes: Uint8Array,
    name: string,
    onProgress: (p: IngestProgress) => void = () => undefined,
    jobId = 'job',
  ): Promise<DatasetMeta> {
    // fileName: Node's MessagePort clones a File as a nameless Blob (browsers keep the name).
    return t.api.importFile(jobId, file(bytes, name), { fileName: name }, t.callback(onProgress));
  }

  it('imports a real CSV: rows, columns, kinds, hash, profile, progress; stores exactly that', async () => {
    const phases = new Set<string>();
    const meta = await importFile(WEATHER, 'seattle-weather.csv', (p) => phases.add(p.phase));

    expect(meta).toMatchObject({
      id: 'ds-1',
      name: 'seattle-weather',
      rows: 1461, // pandas 1.5.3 read_csv(...).shape == (1461, 6)
      cols: 6,
      source: { name: 'seattle-weather.csv', size: 48_219, sha256: sha256(WEATHER), format: 'csv' },
    });
    expect(meta.schema.map((c) => [c.name, c.kind])).toEqual([
      ['date', 'date'],
      ['precipitation', 'number'],
      ['temp_max', 'number'],
      ['temp_min', 'number'],
      ['wind', 'number'],
      ['weather', 'categorical'],
    ]);
    const weather = meta.profile.columns.find((c) => c.name === 'weather');
    // pandas 1.5.3: df.weather.value_counts()
    expect(weather?.top.slice(0, 5)).toEqual([
      { value: 'rain', count: 641 },
      { value: 'sun', count: 640 },
      { value: 'fog', count: 101 },
      { value: 'drizzle', count: 53 },
      { value: 'snow', count: 26 },
    ]);
    const tempMax = meta.profile.columns.find((c) => c.name === 'temp_max');
    // pandas 1.5.3 df.temp_max.describe(): mean 16.439083, std 7.349758, min -1.6, max 35.6
    expect(tempMax?.mean).toBeCloseTo(16.439083, 5);
    expect(tempMax?.std).toBeCloseTo(7.349758, 5);
    expect([tempMax?.min, tempMax?.max]).toEqual([-1.6, 35.6]);

    // Progress crossed the transport, and the storing phase was reported.
    expect(phases.has('storing')).toBe(true);

    // What came back is exactly what was stored, and the bytes decode to the same table.
    const stored = await listDatasets(db);
    expect(stored).toEqual([meta]);
    const bytes = (await db.datasetBytes.get(meta.id))?.bytes;
    expect(bytes?.byteLength).toBe(meta.storedBytes);
    expect(tableFromIPC(bytes!).numRows).toBe(1461);
  });

  it('imports a real Arrow file and pages its rows', async () => {
    const meta = await importFile(FLIGHTS, 'flights-20k.arrow');
    expect(meta).toMatchObject({ rows: 20_000, cols: 3, source: { format: 'arrow' } });
    expect(meta.schema.map((c) => [c.name, c.kind])).toEqual([
      ['delay', 'integer'],
      ['distance', 'integer'],
      ['time', 'number'],
    ]);

    const expected = tableFromIPC(FLIGHTS);
    const page = await t.api.rows(meta.id, 100, 5);
    expect(page.start).toBe(100);
    expect(page.columns).toEqual(['delay', 'distance', 'time']);
    expect(page.rows).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      const row = expected.get(100 + i)!.toJSON();
      expect(page.rows[i][0]).toBe(row.delay);
      expect(page.rows[i][1]).toBe(row.distance);
      expect(page.rows[i][2]).toBeCloseTo(row.time as number, 5);
    }
    // A page past the end is cut short; one beyond it is empty.
    expect((await t.api.rows(meta.id, 19_998, 10)).rows).toHaveLength(2);
    expect((await t.api.rows(meta.id, 25_000, 10)).rows).toEqual([]);
  });

  it('pages a CSV dataset with display-ready cells', async () => {
    const meta = await importFile(WEATHER, 'seattle-weather.csv');
    const first = await t.api.rows(meta.id, 0, 2);
    expect(first.columns).toEqual([
      'date',
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
      'weather',
    ]);
    // The file's first rows: 2012-01-01,0.0,12.8,5.0,4.7,drizzle / 2012-01-02,10.9,10.6,2.8,4.5,rain
    expect(first.rows[0].slice(1)).toEqual([0, 12.8, 5, 4.7, 'drizzle']);
    expect(first.rows[1].slice(1)).toEqual([10.9, 10.6, 2.8, 4.5, 'rain']);
    // Dates arrive as epoch milliseconds for the UI to format.
    expect(first.rows[0][0]).toBe(Date.UTC(2012, 0, 1));
    const last = await t.api.rows(meta.id, 1460, 5);
    expect(last.rows).toEqual([[Date.UTC(2015, 11, 31), 0, 5.6, -2.1, 3.5, 'sun']]);
  });

  it('after a delete and evict, rows of that dataset are a not-found error', async () => {
    const meta = await importFile(FLIGHTS, 'flights-20k.arrow');
    await t.api.rows(meta.id, 0, 1); // decoded and cached
    await deleteDataset(db, meta.id);
    await t.api.evict(meta.id);
    expectUserError(
      await rejection(t.api.rows(meta.id, 0, 1)),
      'not-found',
      /not in this browser's storage/,
    );
  });

  it('cancelling from the progress callback stores nothing, and the API keeps working', async () => {
    const kept = await importFile(FLIGHTS, 'flights-20k.arrow');
    let cancelledAt: string | undefined;
    const err = await rejection(
      importFile(
        WEATHER,
        'seattle-weather.csv',
        (p) => {
          if (cancelledAt === undefined) {
            cancelledAt = p.phase;
            void t.api.cancel('job-2');
          }
        },
        'job-2',
      ),
    );
    expect(cancelledAt).toBeDefined();
    expectUserError(err, 'cancelled', /cancelled\. Nothing was stored/);
    expect((await listDatasets(db)).map((d) => d.id)).toEqual([kept.id]);
    expect(await db.datasetBytes.count()).toBe(1);

    // The job id is free again, and a new import under it goes through.
    const again = await importFile(WEATHER, 'seattle-weather.csv', () => undefined, 'job-2');
    expect(again.rows).toBe(1461);
  });

  it('broken files fail with a useful BenchtopError and leave stored datasets intact', async () => {
    const kept = await importFile(WEATHER, 'seattle-weather.csv');
    const cases: [Uint8Array, string, string, RegExp][] = [
      [new Uint8Array(0), 'empty.csv', 'empty-file', /empty\.csv is empty/],
      // A truncated Arrow file (apache-arrow throws a bare TypeError on these unless wrapped).
      [
        FLIGHTS.subarray(0, Math.floor(FLIGHTS.byteLength / 2)),
        'flights-half.arrow',
        'bad-arrow',
        /flights-half\.arrow/,
      ],
      // A binary file renamed .csv: the icon PNG.
      [readFileSync('public/icons/icon-192.png'), 'photo.csv', 'binary-file', /photo\.csv/],
    ];
    for (const [bytes, name, code, message] of cases) {
      const err = await rejection(importFile(bytes, name));
      expectUserError(err, code, message);
      expect(err.message).not.toMatch(/TypeError|Cannot read properties/);
    }
    expect((await listDatasets(db)).map((d) => d.id)).toEqual([kept.id]);
    expect(await db.datasetBytes.count()).toBe(1);
    expect((await t.api.rows(kept.id, 0, 1)).rows[0][5]).toBe('drizzle');
  });

  it('a type override re-stores the dataset under the same id', async () => {
    const meta = await importFile(WEATHER, 'seattle-weather.csv');
    const updated = await t.api.setColumnKind(meta.id, 'temp_max', 'categorical');
    expect(updated.id).toBe(meta.id);
    expect(updated.schema.find((c) => c.name === 'temp_max')?.kind).toBe('categorical');
    const stored = await listDatasets(db);
    expect(stored).toHaveLength(1);
    expect(stored[0].schema.find((c) => c.name === 'temp_max')?.kind).toBe('categorical');
    expect(stored[0].storedBytes).toBe(updated.storedBytes);

    const err = await rejection(t.api.setColumnKind(meta.id, 'no-such-column', 'number'));
    expect(err).toMatchObject({ name: 'BenchtopError' });
    expect(err.message).toMatch(/no-such-column/);
  });
});

describe('progress throttling in the worker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forwards every phase change and the last figure of each phase, but not a flood', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const total = 48_219;
    // A stand-in core that reports progress the way a fast reader does: per 64 bytes, in a burst.
    const core = {
      importData: async (
        _job: string,
        _src: unknown,
        _opts: unknown,
        onProgress?: (p: IngestProgress) => void,
      ) => {
        for (let done = 64; done <= total; done += 64)
          onProgress?.({ phase: 'reading', done, total });
        onProgress?.({ phase: 'reading', done: total, total });
        onProgress?.({ phase: 'profiling', done: 0, total: 1461 });
        onProgress?.({ phase: 'storing', done: 0, total: 100 });
        onProgress?.({ phase: 'storing', done: 100, total: 100 });
        return { id: 'x' } as DatasetMeta;
      },
    } as unknown as Parameters<typeof createDataWorkerApi>[0];
    const seen: IngestProgress[] = [];
    await createDataWorkerApi(core).importFile('j', new File([WEATHER], 'w.csv'), {}, (p) => {
      seen.push(p);
    });
    await vi.runAllTimersAsync();
    // 754 reading reports collapse to the first and the last; each later phase shows up.
    expect(seen).toEqual([
      { phase: 'reading', done: 64, total },
      { phase: 'reading', done: total, total },
      { phase: 'profiling', done: 0, total: 1461 },
      { phase: 'storing', done: 0, total: 100 },
      { phase: 'storing', done: 100, total: 100 },
    ]);
  });
});
