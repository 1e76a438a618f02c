// Saved recipes on fake-indexeddb: schema version 2 (upgrading a version-1 database keeps its
// datasets, bytes and all), save / update / list / delete, restore-on-read of rows a newer or older
// version wrote, and export / import as JSON text.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { BenchtopError } from '../../src/core/errors';
import { parseRecipe, serializeRecipe, type Recipe } from '../../src/core/recipe';
import { listDatasets, openBenchtopDb, type BenchtopDB } from '../../src/db';
import {
  deleteRecipe,
  exportRecipe,
  getRecipe,
  importRecipe,
  listRecipes,
  saveRecipe,
} from '../../src/db/recipes';
import { restoreRecipe } from '../../src/db/schema';

const RECIPE: Recipe = parseRecipe({
  format: 'benchtop.recipe',
  version: 1,
  target: 'weather',
  task: 'classification',
  roles: { ignored: ['date'] },
  steps: [
    { kind: 'impute.median', params: { columns: ['wind'], indicator: false } },
    { kind: 'scale.standard', params: { columns: ['wind', 'temp_max'] } },
  ],
  seed: 1,
});

let indexedDB: IDBFactory;
let db: BenchtopDB;
let clock = 1000;
const now = () => clock++;

beforeEach(() => {
  indexedDB = new IDBFactory();
  db = openBenchtopDb('benchtop-test', { indexedDB, IDBKeyRange });
});
afterEach(() => db.close());

async function thrown(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected an error');
}

describe('schema version 2', () => {
  it('adds recipes (id, indexed by datasetId, name, updatedAt)', async () => {
    await db.open();
    expect(db.verno).toBe(4);
    const recipes = db.table('recipes').schema;
    expect(recipes.primKey.name).toBe('id');
    expect(recipes.indexes.map((i) => i.name).sort()).toEqual(['datasetId', 'name', 'updatedAt']);
  });

  it('upgrades a version-1 database: datasets and their bytes are intact, recipes work', async () => {
    db.close();
    // A database as version 1 of the app wrote it (the schema of commit 9f0d96b).
    const v1 = new Dexie('benchtop-test', { indexedDB, IDBKeyRange });
    v1.version(1).stores({ datasets: 'id, createdAt, name', datasetBytes: 'id' });
    const ipc = tableToIPC(
      tableFromIPC(readFileSync('node_modules/vega-datasets/data/flights-200k.arrow')).slice(
        0,
        500,
      ),
      'file',
    );
    await v1.table('datasets').put({ id: 'd1', name: 'flights', createdAt: 5, rows: 500 });
    await v1.table('datasetBytes').put({ id: 'd1', bytes: ipc });
    expect(v1.verno).toBe(1);
    v1.close();

    db = openBenchtopDb('benchtop-test', { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(4);
    const datasets = await listDatasets(db);
    expect(datasets.map((d) => [d.id, d.name, d.rows])).toEqual([['d1', 'flights', 500]]);
    const bytes = (await db.datasetBytes.get('d1'))!.bytes;
    expect(tableFromIPC(bytes).numRows).toBe(500);
    expect(Array.from(bytes)).toEqual(Array.from(ipc));
    const id = await saveRecipe(db, { datasetId: 'd1', name: 'r', recipe: RECIPE }, now);
    expect((await listRecipes(db, 'd1')).map((r) => r.id)).toEqual([id]);
  });
});

describe('saving recipes', () => {
  it('saves, lists per dataset (newest change first), updates and deletes', async () => {
    const a = await saveRecipe(db, { datasetId: 'd1', name: ' first ', recipe: RECIPE }, now);
    const b = await saveRecipe(db, { datasetId: 'd1', name: 'second', recipe: RECIPE }, now);
    await saveRecipe(db, { datasetId: 'd2', name: 'other', recipe: RECIPE }, now);
    let list = await listRecipes(db, 'd1');
    expect(list.map((r) => r.name)).toEqual(['second', 'first']);
    expect(list[1].recipe).toEqual({ ...RECIPE, name: 'first' });

    // Updating keeps the id and creation time, moves it to the top.
    const changed = { ...RECIPE, seed: 99 };
    expect(
      await saveRecipe(db, { id: a, datasetId: 'd1', name: 'first v2', recipe: changed }, now),
    ).toBe(a);
    list = await listRecipes(db, 'd1');
    expect(list.map((r) => [r.id, r.name, r.recipe?.seed])).toEqual([
      [a, 'first v2', 99],
      [b, 'second', 1],
    ]);
    expect(list[0].createdAt).toBeLessThan(list[0].updatedAt);

    await deleteRecipe(db, b);
    await deleteRecipe(db, b); // already gone: fine
    expect((await listRecipes(db, 'd1')).map((r) => r.id)).toEqual([a]);
    expect(await getRecipe(db, b)).toBeUndefined();
    expect((await listRecipes(db, 'd2')).map((r) => r.name)).toEqual(['other']);
  });

  it('refuses a broken recipe, an empty name, and updating a deleted recipe; stores nothing', async () => {
    const broken = { ...RECIPE, steps: [{ kind: 'scale.quantum', params: {} }] };
    expect(
      (await thrown(saveRecipe(db, { datasetId: 'd1', name: 'x', recipe: broken }))).message,
    ).toMatch(/step 'scale.quantum' that this version of Benchtop does not know/);
    expect(
      (await thrown(saveRecipe(db, { datasetId: 'd1', name: '   ', recipe: RECIPE }))).message,
    ).toBe('A recipe needs a name: type at least one character.');
    const gone = await thrown(
      saveRecipe(db, { id: 'nope', datasetId: 'd1', name: 'x', recipe: RECIPE }),
    );
    expect(gone.code).toBe('not-found');
    expect(await db.recipes.count()).toBe(0);
  });
});

describe('restoreRecipe', () => {
  it('reads a row a newer version wrote, keeping it listed with the reason', async () => {
    await db.recipes.put({
      id: 'r9',
      datasetId: 'd1',
      name: 'from the future',
      recipe: { ...RECIPE, version: 3 } as unknown as Recipe,
      createdAt: 1,
      updatedAt: 2,
    });
    const [r] = await listRecipes(db, 'd1');
    expect(r).toMatchObject({ id: 'r9', name: 'from the future', recipe: null });
    expect(r.problem).toBe(
      'This recipe is format version 3; this version of Benchtop reads up to 1. Update Benchtop to open it.',
    );
  });

  it('fills defaults for a sparse row and refuses a row without an id', () => {
    const r = restoreRecipe({ id: 'x', recipe: { ...RECIPE, name: 'inside' } });
    expect(r).toMatchObject({ id: 'x', datasetId: '', name: 'inside', createdAt: 0, updatedAt: 0 });
    expect(r.recipe?.steps).toHaveLength(2);
    expect(() => restoreRecipe({ name: 'no id' })).toThrow(/has no id/);
  });
});

describe('export and import', () => {
  it('exports stable JSON text that imports back to the same recipe', () => {
    const text = exportRecipe(RECIPE);
    expect(text).toBe(serializeRecipe(RECIPE));
    expect(importRecipe(text)).toEqual(RECIPE);
    expect(() => importRecipe('not json')).toThrow(/not valid JSON/);
    expect(() => importRecipe('{"format":"benchtop.recipe","version":2}')).toThrow(
      'This recipe is format version 2; this version of Benchtop reads up to 1.',
    );
  });
});
