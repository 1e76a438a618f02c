// Runs and models on fake-indexeddb: schema version 3 (upgrading a version-2 database keeps its
// datasets and recipes), the run store (put / list newest first / delete), the model store (row
// and weight bytes in one transaction: a failed or over-quota bytes write leaves no model row),
// and restore-on-read of rows an older or newer version wrote (defaults, never a throw).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import type { ModelRecord, RunRecord } from '../../src/core/api/train-api';
import { parseRecipe } from '../../src/core/recipe';
import { openBenchtopDb, type BenchtopDB } from '../../src/db';
import {
  createDexieModelStore,
  deleteModel,
  getModelBytes,
  listModels,
  restoreModel,
} from '../../src/db/models';
import { createDexieRunStore, getRun, listRuns, restoreRun } from '../../src/db/runs';
import { listRecipes } from '../../src/db/recipes';
import { expectFailedBytesWriteStoresNothing, indexNames } from './db-checks';

const RECIPE = parseRecipe({
  format: 'benchtop.recipe',
  version: 1,
  name: 'weather auto',
  target: 'weather',
  task: 'classification',
  roles: { ignored: [] },
  steps: [{ kind: 'scale.standard', params: { columns: ['wind'] } }],
  model: { kind: 'logreg', params: { C: 1 } },
  seed: 3,
});

/** A run as the train API writes it (figures hand-made; the API test checks real ones). */
function runOf(id: string, datasetId: string, createdAt: number): RunRecord {
  return restoreRun({
    id,
    datasetId,
    datasetName: 'seattle-weather',
    datasetSha256: 'abc',
    createdAt,
    recipe: RECIPE,
    recipeName: 'weather auto',
    task: 'classification',
    target: 'weather',
    model: { kind: 'logreg', params: { C: 1 } },
    modelTitle: 'Logistic regression',
    sampler: null,
    validation: {
      kind: 'stratified-kfold',
      folds: 2,
      shuffle: true,
      repeats: 3,
      testSize: 0.2,
      stratify: true,
      gap: 0,
    },
    seed: 3,
    labels: { labels: ['no', 'yes'], counts: [6, 4], positive: 1 },
    positive: 'yes',
    features: ['wind'],
    metrics: {
      accuracy: { mean: 0.8, std: 0.1, folds: 2 },
      roc_auc: { mean: NaN, std: NaN, folds: 0 },
    },
    pooled: { accuracy: 0.8 },
    folds: [],
    confusion: [
      [5, 1],
      [1, 3],
    ],
    curves: [],
    foldCurves: [],
    outOfFold: {
      kind: 'binary',
      truth: Uint8Array.from([0, 1, 1]),
      score: Float32Array.from([0.1, 0.8, 0.4]),
      rows: 3,
      best: { f1: { threshold: 0.4 }, youden: { threshold: 0.4 } },
    },
    backend: { name: 'wasm', reason: 'WebAssembly is available', threads: false },
    timings: { seconds: 1.5, loadSeconds: 0.1, stages: { train: 1 } },
    excluded: 0,
    notes: [],
  });
}

function modelOf(id: string, datasetId: string): ModelRecord {
  return restoreModel({
    id,
    name: 'final',
    datasetId,
    datasetName: 'seattle-weather',
    datasetSha256: 'abc',
    runId: 'r1',
    createdAt: 10,
    recipe: RECIPE,
    task: 'classification',
    target: 'weather',
    model: { kind: 'logreg', params: { C: 1 } },
    modelJson: { format: 'layers-model' },
    weightSpecs: [{ name: 'dense/kernel', shape: [1, 1], dtype: 'float32' }],
    weightBytes: 8,
  });
}

let indexedDB: IDBFactory;
let db: BenchtopDB;
beforeEach(() => {
  indexedDB = new IDBFactory();
  db = openBenchtopDb('benchtop-runs', { indexedDB, IDBKeyRange });
});
afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

describe('schema version 3', () => {
  it('adds runs, models and modelBytes with their indexes', async () => {
    await db.open();
    expect(db.verno).toBe(4);
    const names = (t: string) => indexNames(db, t);
    expect(names('runs')).toEqual(['createdAt', 'datasetId']);
    expect(names('models')).toEqual(['createdAt', 'datasetId', 'runId']);
    expect(names('modelBytes')).toEqual([]);
  });

  it('upgrades a version-2 database: its datasets and recipes are kept', async () => {
    db.close();
    const v2 = new Dexie('benchtop-runs', { indexedDB, IDBKeyRange });
    v2.version(1).stores({ datasets: 'id, createdAt, name', datasetBytes: 'id' });
    v2.version(2).stores({ recipes: 'id, datasetId, name, updatedAt' });
    await v2.table('datasets').put({ id: 'd1', name: 'weather', createdAt: 1 });
    await v2
      .table('recipes')
      .put({ id: 'r1', datasetId: 'd1', name: 'a', recipe: RECIPE, updatedAt: 2 });
    v2.close();
    db = openBenchtopDb('benchtop-runs', { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(4);
    expect((await listRecipes(db, 'd1')).map((r) => r.recipe)).toEqual([RECIPE]);
    expect(await db.datasets.count()).toBe(1);
    expect(await listRuns(db, 'd1')).toEqual([]);
  });
});

describe('runs', () => {
  it('stores, lists per dataset newest first, reads and deletes', async () => {
    const store = createDexieRunStore(db);
    await store.putRun(runOf('a', 'd1', 1));
    await store.putRun(runOf('b', 'd1', 3));
    await store.putRun(runOf('c', 'd2', 2));
    const list = await store.listRuns('d1');
    expect(list.map((r) => r.id)).toEqual(['b', 'a']);
    // Typed arrays and NaN survive the store.
    expect(list[0]).toEqual(runOf('b', 'd1', 3));
    expect(list[0].outOfFold).toMatchObject({
      kind: 'binary',
      score: Float32Array.from([0.1, 0.8, 0.4]),
    });
    expect(list[0].metrics.roc_auc.mean).toBeNaN();
    expect((await getRun(db, 'c'))?.datasetId).toBe('d2');
    await store.deleteRun('a');
    await store.deleteRun('a'); // already gone: not an error
    expect((await store.listRuns('d1')).map((r) => r.id)).toEqual(['b']);
  });

  it('restores rows with missing or odd fields without throwing', () => {
    for (const row of [undefined, null, 7, 'x', [], {}, { id: 3, metrics: 'no', folds: {} }]) {
      const run = restoreRun(row);
      expect(run.folds).toEqual([]);
      expect(run.metrics).toEqual({});
      expect(run.outOfFold).toBeNull();
      expect(run.backend.name).toBe('cpu');
    }
    const old = restoreRun({
      id: 'old',
      datasetId: 'd1',
      recipe: { format: 'benchtop.recipe', version: 99, target: 'y', steps: [], seed: 1 },
      metrics: { accuracy: { mean: 0.7 } },
      folds: [{ metrics: { accuracy: 0.7 }, trainRows: 8 }],
      outOfFold: { kind: 'binary', truth: [1, 0], score: [0.5] }, // lengths differ: dropped
    });
    expect(old.recipe.target).toBe('y'); // a newer recipe format is kept as it was
    expect(old.recipeName).toBe('Unsaved recipe');
    expect(old.metrics.accuracy).toEqual({ mean: 0.7, std: NaN, folds: 0 });
    expect(old.folds[0]).toMatchObject({ fold: 1, trainRows: 8, fittedRows: 8, lossCurve: [] });
    expect(old.outOfFold).toBeNull();
  });

  it('a quota error is a clear message and stores nothing', async () => {
    const store = createDexieRunStore(db);
    vi.spyOn(db.runs, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await expect(store.putRun(runOf('q', 'd1', 1))).rejects.toMatchObject({
      code: 'quota-exceeded',
      message: expect.stringMatching(/storage is full.*Nothing was stored/),
    });
    vi.restoreAllMocks();
    expect(await listRuns(db, 'd1')).toEqual([]);
  });
});

describe('models', () => {
  it('stores the row and its weight bytes together, lists and deletes both', async () => {
    const store = createDexieModelStore(db);
    const weights = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    // A view into a bigger buffer: only its own bytes are stored.
    const big = new Uint8Array(64);
    big.set(weights, 16);
    await store.putModel(modelOf('m1', 'd1'), big.subarray(16, 24));
    expect(await store.listModels('d1')).toEqual([modelOf('m1', 'd1')]);
    const bytes = (await getModelBytes(db, 'm1'))!;
    expect(Array.from(bytes)).toEqual(Array.from(weights));
    expect(bytes.buffer.byteLength).toBe(8);
    await deleteModel(db, 'm1');
    expect(await listModels(db, 'd1')).toEqual([]);
    expect(await getModelBytes(db, 'm1')).toBeUndefined();
  });

  it('a failed or over-quota bytes write leaves no model row', async () => {
    const store = createDexieModelStore(db);
    await expectFailedBytesWriteStoresNothing({
      rows: db.models,
      bytes: db.modelBytes,
      put: (id) => store.putModel(modelOf(id, 'd1'), new Uint8Array(8)),
      quota: /the model "final" needs 8 bytes.*Nothing was stored/,
      failure: /^Could not store the model "final"/,
    });
  });

  it('restores rows with missing fields without throwing', () => {
    const m = restoreModel({ id: 'x' });
    expect(m).toMatchObject({
      id: 'x',
      name: 'Untitled model',
      runId: null,
      fittedSteps: [],
      weightSpecs: [],
      labels: null,
      backend: { name: 'cpu' },
    });
    expect(restoreModel(null).info.lossCurve).toEqual([]);
  });
});
