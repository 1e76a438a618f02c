// Bundles and the signing key on fake-indexeddb: schema version 4 (upgrading a version-3 database
// keeps its models), the bundle store (row and zip bytes in one transaction: a failed or
// over-quota bytes write leaves no row), the key store (a non-extractable ECDSA key pair stored as
// CryptoKey objects still signs after a round trip through IndexedDB), and restore-on-read of rows
// with missing fields (defaults from the manifest, never a throw).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import type { BundleRecord } from '../../src/core/api/bundle-api';
import type { BundleManifest } from '../../src/core/bundle';
import { generateSigningKey, publicKeyId, exportPublicKey } from '../../src/core/bundle';
import { openBenchtopDb, type BenchtopDB } from '../../src/db';
import {
  createDexieBundleStore,
  createDexieKeyStore,
  createDexieModelSource,
  deleteBundle,
  listBundles,
  restoreBundle,
} from '../../src/db/bundles';
import { expectFailedBytesWriteStoresNothing, indexNames } from './db-checks';

let indexedDB: IDBFactory;
let db: BenchtopDB;
beforeEach(() => {
  indexedDB = new IDBFactory();
  db = openBenchtopDb('benchtop-bundles', { indexedDB, IDBKeyRange });
});
afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

const MANIFEST = {
  format: 'benchtop.bundle',
  version: 1,
  model: { name: 'weather', version: '1.2.0', description: null, spec: {}, task: 'classification' },
  created: '2025-03-01T12:00:00.000Z',
  target: {
    name: 'weather',
    kind: 'categorical',
    labels: ['rain', 'sun'],
    counts: [1, 2],
    positive: null,
  },
  quantization: { dtype: 'uint8', pruning: null },
} as unknown as BundleManifest;

function recordOf(id: string, createdAt: number): BundleRecord {
  return {
    id,
    name: 'weather',
    version: '1.2.0',
    createdAt,
    created: MANIFEST.created,
    fileName: 'weather-1.2.0.benchtop.zip',
    size: 8,
    sha256: 'a'.repeat(64),
    task: 'classification',
    target: 'weather',
    labels: ['rain', 'sun'],
    quantization: 'uint8',
    manifest: MANIFEST,
    modelCard: '# weather',
    verification: {
      hashesOk: true,
      files: 9,
      formatVersion: 1,
      signed: false,
      keyId: null,
      publicKey: null,
      ownKey: false,
      summary: 'Verified: 9 files match their sha256; not signed.',
    },
  };
}

describe('schema version 4', () => {
  it('adds bundles (name, createdAt), bundleBytes and keys', async () => {
    await db.open();
    expect(db.verno).toBe(4);
    const names = (t: string) => indexNames(db, t);
    expect(names('bundles')).toEqual(['createdAt', 'name']);
    expect(names('bundleBytes')).toEqual([]);
    expect(names('keys')).toEqual([]);
    expect(db.table('keys').schema.primKey.name).toBe('id');
  });

  it('upgrades a version-3 database: its models and weights are kept', async () => {
    db.close();
    const v3 = new Dexie('benchtop-bundles', { indexedDB, IDBKeyRange });
    v3.version(1).stores({ datasets: 'id, createdAt, name', datasetBytes: 'id' });
    v3.version(2).stores({ recipes: 'id, datasetId, name, updatedAt' });
    v3.version(3).stores({
      runs: 'id, datasetId, createdAt',
      models: 'id, datasetId, runId, createdAt',
      modelBytes: 'id',
    });
    await v3.table('models').put({ id: 'm1', datasetId: 'd1', name: 'final', weightBytes: 3 });
    await v3.table('modelBytes').put({ id: 'm1', bytes: Uint8Array.from([1, 2, 3]) });
    v3.close();
    db = openBenchtopDb('benchtop-bundles', { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(4);
    const source = createDexieModelSource(db);
    expect((await source.getModel('m1'))?.name).toBe('final');
    expect(Array.from((await source.getModelBytes('m1'))!)).toEqual([1, 2, 3]);
    expect(await source.getModel('nope')).toBeUndefined();
    expect(await listBundles(db)).toEqual([]);
  });
});

describe('bundle store', () => {
  it('stores the row and its bytes together, lists newest first and deletes both', async () => {
    const store = createDexieBundleStore(db);
    const big = Uint8Array.from({ length: 64 }, (_, i) => i);
    // A view into a bigger buffer: only its own bytes are stored.
    await store.putBundle(recordOf('b1', 1), big.subarray(8, 16));
    await store.putBundle(recordOf('b2', 2), Uint8Array.from([9]));
    expect((await store.listBundles()).map((b) => b.id)).toEqual(['b2', 'b1']);
    const bytes = await store.getBundleBytes('b1');
    expect(Array.from(bytes!)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(bytes!.buffer.byteLength).toBe(8);
    expect(await store.getBundle('b1')).toEqual(recordOf('b1', 1));
    await deleteBundle(db, 'b1');
    await store.deleteBundle('missing');
    expect(await db.bundles.count()).toBe(1);
    expect(await db.bundleBytes.count()).toBe(1);
  });

  it('a failed or over-quota bytes write leaves no bundle row', async () => {
    const store = createDexieBundleStore(db);
    await expectFailedBytesWriteStoresNothing({
      rows: db.bundles,
      bytes: db.bundleBytes,
      put: (id) => store.putBundle(recordOf(id, 1), new Uint8Array(8)),
      quota: /the bundle "weather" needs 8 bytes.*Nothing was stored/,
      failure: /^Could not store the bundle "weather"/,
    });
  });
});

describe('restoreBundle', () => {
  it('fills a sparse row from its manifest and never throws', () => {
    const r = restoreBundle({ id: 'old', manifest: MANIFEST, createdAt: 5 });
    expect(r).toMatchObject({
      id: 'old',
      name: 'weather',
      version: '1.2.0',
      created: MANIFEST.created,
      task: 'classification',
      target: 'weather',
      labels: ['rain', 'sun'],
      quantization: 'uint8',
      modelCard: '',
      verification: { hashesOk: true, signed: false, keyId: null, ownKey: false },
    });
    expect(() => restoreBundle(null)).not.toThrow();
    expect(restoreBundle('junk')).toMatchObject({
      id: '',
      name: 'Untitled model',
      quantization: 'none',
    });
  });
});

describe('key store', () => {
  it('keeps a non-extractable ECDSA pair that still signs after IndexedDB', async () => {
    const keys = createDexieKeyStore(db);
    const pair = await generateSigningKey();
    expect(pair.privateKey.extractable).toBe(false);
    const keyId = await publicKeyId(pair.publicKey);
    await keys.putKey({
      id: 'signing',
      keys: pair,
      publicKey: await exportPublicKey(pair.publicKey, 'jwk'),
      keyId,
      createdAt: 1,
    });
    const back = (await keys.getKey('signing'))!;
    expect(back.keyId).toBe(keyId);
    const data = new TextEncoder().encode('manifest');
    const params = { name: 'ECDSA', hash: 'SHA-256' };
    const sig = await crypto.subtle.sign(params, back.keys.privateKey, data);
    expect(await crypto.subtle.verify(params, pair.publicKey, sig, data)).toBe(true);
    expect(await keys.getKey('other')).toBeUndefined();
  });
});
