// The stored-dataset reads the prep, balance, train and bundle APIs share (src/core/api/
// stored-dataset.ts): vega-datasets' seattle-weather.csv imported through the data API into an
// in-memory store, then read back: metadata with a not-found message in the caller's words, the
// decoded frame equal to decoding the stored bytes directly, kept until the data changes (a new
// schema decodes again and drops what was derived from the old frame), evicted by id, and the two
// ways a read fails (bytes gone; bytes that are not Arrow).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { createDataApi, type DatasetMeta, type DatasetStore } from '../../src/core/api/data-api';
import { frameCache, quietly, readDatasetMeta } from '../../src/core/api/stored-dataset';
import { createPrepApi } from '../../src/core/api/prep-api';
import { createBalanceApi, DEFAULT_LIMITS } from '../../src/core/api/balance-api';
import { frameFromTable } from '../../src/core/data/frame';
import { bytesSource } from '../../src/core/ingest/index';

const WEATHER = new Uint8Array(readFileSync('node_modules/vega-datasets/data/seattle-weather.csv'));

function memoryStore() {
  const metas = new Map<string, DatasetMeta>();
  const bytes = new Map<string, Uint8Array>();
  let reads = 0;
  const store: DatasetStore = {
    async putDataset(meta, ipc) {
      metas.set(meta.id, meta);
      bytes.set(meta.id, ipc);
    },
    getDataset: async (id) => metas.get(id),
    getDatasetBytes: async (id) => {
      reads++;
      return bytes.get(id);
    },
  };
  return { store, bytes, reads: () => reads };
}

async function imported() {
  const mem = memoryStore();
  const api = createDataApi({ store: mem.store, now: () => 1_700_000_000_000, newId: () => 'w1' });
  const meta = await api.importData('import', bytesSource('seattle-weather.csv', WEATHER));
  return { ...mem, meta };
}

describe('stored datasets', () => {
  it('reads the metadata, or says the dataset is gone in the default or the caller’s words', async () => {
    const { store, meta } = await imported();
    expect(await readDatasetMeta(store, 'w1')).toBe(meta);
    await expect(readDatasetMeta(store, 'nope')).rejects.toMatchObject({
      code: 'not-found',
      message: "Dataset nope is not in this browser's storage any more.",
    });
    await expect(
      readDatasetMeta(store, 'nope', (id) => `The dataset ${id} is gone. Choose another one.`),
    ).rejects.toMatchObject({
      code: 'not-found',
      message: 'The dataset nope is gone. Choose another one.',
    });
  });

  it('decodes the stored bytes once and keeps the frame until the data changes', async () => {
    const { store, bytes, meta, reads } = await imported();
    let decoded = 0;
    const frames = frameCache(store, { onDecode: () => decoded++ });
    const first = await frames.frame(meta);
    const direct = frameFromTable(tableFromIPC(bytes.get('w1')!), meta.schema);
    expect(first.frame.rows).toBe(1461);
    expect(first.frame.columns.map((c) => c.name)).toEqual(direct.columns.map((c) => c.name));
    for (const [i, c] of first.frame.columns.entries()) {
      expect(c.kind).toBe(direct.columns[i].kind);
    }
    expect(first.key.startsWith('w1\n')).toBe(true);
    expect(await frames.frame(meta)).toBe(first);
    expect([reads(), decoded]).toEqual([1, 1]);

    // A type override re-stores the same id with other kinds: decoded again, derived caches dropped.
    const recast: DatasetMeta = {
      ...meta,
      schema: meta.schema.map((c) => (c.name === 'weather' ? { ...c, kind: 'text' } : c)),
    };
    expect(recast.schema).not.toEqual(meta.schema);
    const second = await frames.frame(recast);
    expect(second).not.toBe(first);
    expect(second.key).not.toBe(first.key);
    expect(second.frame.columns.find((c) => c.name === 'weather')!.kind).toBe('text');
    expect([reads(), decoded]).toEqual([2, 2]);

    expect(frames.evict('other')).toBe(false);
    expect(frames.evict('w1')).toBe(true);
    expect(frames.evict('w1')).toBe(false);
    await frames.frame(recast);
    expect([reads(), decoded]).toEqual([3, 3]);
  });

  it('one cache shared by the recipe and class-balance previews decodes the data once', async () => {
    const { store, meta, reads } = await imported();
    const frames = frameCache(store);
    let drops = 0;
    frames.onDrop(() => drops++);
    const prep = createPrepApi({ store, now: () => 1_700_000_000_000, newId: () => 'x' }, frames);
    const balance = createBalanceApi({ store }, DEFAULT_LIMITS, frames);
    const counts = await balance.classBalance('w1', 'weather');
    expect(counts.classes.map((c) => c.count).reduce((a, b) => a + b, 0)).toBe(1461);
    const recipe = await prep.autoRecipe('w1', 'weather');
    await prep.previewRecipe('p1', 'w1', recipe);
    await balance.classBalance('w1', 'weather');
    expect(reads()).toBe(1);
    // Each decode and a delete's evict tell every user to drop what it derived from the frame.
    expect(drops).toBe(1);
    balance.evict('w1');
    expect(drops).toBe(2);
    await prep.previewRecipe('p2', 'w1', recipe);
    expect(reads()).toBe(2);
    expect(meta.id).toBe('w1');
  });

  it('missing bytes name the dataset; bytes that are not Arrow are named only when asked', async () => {
    const { store, bytes, meta } = await imported();
    bytes.delete('w1');
    await expect(frameCache(store).frame(meta)).rejects.toMatchObject({
      code: 'not-found',
      message:
        'The data of "seattle-weather" is missing from this browser\'s storage. Import the file again.',
    });
    bytes.set('w1', new TextEncoder().encode('date,weather\n2012-01-01,rain\n'));
    const raw = await frameCache(store)
      .frame(meta)
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(Error);
    expect((raw as { name: string }).name).not.toBe('BenchtopError');
    await expect(frameCache(store, { nameReadFailures: true }).frame(meta)).rejects.toMatchObject({
      name: 'BenchtopError',
      message: expect.stringMatching(/^Could not read the stored data of "seattle-weather"/),
    });
  });

  it('quietly: a failing progress callback never fails the job', async () => {
    const seen: number[] = [];
    const report = quietly((n: number) => {
      seen.push(n);
      throw new Error('the page went away');
    });
    report(1);
    report(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual([1, 2]);
    expect(() => quietly<number>(undefined)(3)).not.toThrow();
  });
});
