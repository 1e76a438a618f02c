// The data worker as the prep and balance API tests open it for each test: a fresh Dexie store on
// fake-indexeddb, the full worker API (data + prep + balance, as workers/data.worker.ts exposes it)
// over the given transport, and vega-datasets' seattle-weather.csv imported through it as a File,
// as the app imports it.
import { readFileSync } from 'node:fs';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createDataApi, type DatasetMeta } from '../../src/core/api/data-api';
import { createPrepApi } from '../../src/core/api/prep-api';
import { createBalanceApi } from '../../src/core/api/balance-api';
import { createDexieDatasetStore, openBenchtopDb, type BenchtopDB } from '../../src/db';
import { createFullDataWorkerApi, type DataWorkerFullApi } from '../../workers/data.worker';
import type { Transport } from './transports';

export const WEATHER = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv');

export interface DataWorkerSetup {
  db: BenchtopDB;
  t: Transport<DataWorkerFullApi>;
  /** seattle-weather.csv as stored by the import. */
  weather: DatasetMeta;
}

/** Opens the store (named `<name>-<transport>`) and the worker API, and imports seattle-weather. */
export async function openDataWorker(
  make: (api: DataWorkerFullApi) => Transport<DataWorkerFullApi>,
  name: string,
): Promise<DataWorkerSetup> {
  let ids = 0;
  const db = openBenchtopDb(`${name}-${make.name}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const deps = {
    store: createDexieDatasetStore(db),
    now: () => 1_700_000_000_000 + ids,
    newId: () => `ds-${++ids}`,
  };
  const t = make(
    createFullDataWorkerApi(createDataApi(deps), createPrepApi(deps), createBalanceApi(deps)),
  );
  const weather = await t.api.importFile('import', new File([WEATHER], 'seattle-weather.csv'), {
    fileName: 'seattle-weather.csv',
  });
  return { db, t, weather };
}
