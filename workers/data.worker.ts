// The data worker: a thin entry point (DESIGN.md §3). It wires the pure core data API to Dexie
// storage and exposes it over comlink. Parsing, profiling and the big IndexedDB write all happen
// here, off the main thread; the UI only receives metadata and pages of rows.
// `createDataWorkerApi` is exported so the API tests run this exact surface in Node, in-process
// and through a MessageChannel; the wiring at the bottom only runs inside a real worker.
import * as Comlink from 'comlink';
import { createDataApi, type DataApi, type ImportOptions } from '../src/core/api/data-api';
import { createPrepApi, type PrepApi, type PrepProgress } from '../src/core/api/prep-api';
import { frameCache } from '../src/core/api/stored-dataset';
import {
  DEFAULT_LIMITS,
  createBalanceApi,
  type BalanceApi,
  type BalanceProgress,
  type ScatterView,
} from '../src/core/api/balance-api';
import type { AutoRecipeOptions, PreviewOptions } from '../src/core/recipe';
import type { ColumnKind } from '../src/core/data/schema';
import { blobSource } from '../src/core/ingest/blob-source';
import type { IngestProgress } from '../src/core/ingest/types';
import { createDexieDatasetStore, openBenchtopDb } from '../src/db';
import { throttleProgress } from '../src/core/api/progress';

export { PROGRESS_INTERVAL_MS } from '../src/core/api/progress';

export type ImportFileOptions = ImportOptions & {
  /**
   * The file's name when `file` arrives without one. Browsers clone a File with its name; Node's
   * MessagePort clones it as a plain Blob, so the API tests pass the name here too.
   */
  fileName?: string;
};

/** The surface the UI calls through comlink. Every argument and result is cloneable. */
export function createDataWorkerApi(core: DataApi) {
  return {
    /** Reads a File as a stream, profiles it and stores it; resolves with the stored metadata. */
    importFile(
      jobId: string,
      file: File | Blob,
      options: ImportFileOptions = {},
      onProgress: (p: IngestProgress) => unknown = () => undefined,
    ) {
      const { fileName, ...importOptions } = options;
      const name = ('name' in file && file.name) || fileName || 'data';
      return core.importData(
        jobId,
        blobSource(file, name),
        importOptions,
        throttleProgress(onProgress),
      );
    },
    /** Asks a running import to stop; it rejects with a `cancelled` error and stores nothing. */
    cancel(jobId: string): void {
      core.cancel(jobId);
    },
    rows(id: string, start: number, count: number) {
      return core.rows(id, start, count);
    },
    setColumnKind(id: string, column: string, kind: ColumnKind) {
      return core.setColumnKind(id, column, kind);
    },
    /** Forgets the decoded table the preview pages through (call after delete or re-import). */
    evict(id: string): void {
      core.evict(id);
    },
  };
}

export type DataWorkerApi = ReturnType<typeof createDataWorkerApi>;

/** A progress callback whose failures (the page went away) never fail the job it reports on. */
function quietly(onProgress: (p: PrepProgress) => unknown) {
  return (p: PrepProgress) =>
    void Promise.resolve()
      .then(() => onProgress(p))
      .catch(() => undefined);
}

/** Recipes (issue 3): auto-prepare, step previews, applying a recipe as a new dataset. */
export function createPrepWorkerApi(prep: PrepApi) {
  return {
    autoRecipe(datasetId: string, target: string, options?: AutoRecipeOptions) {
      return prep.autoRecipe(datasetId, target, options);
    },
    suggestRoles(datasetId: string, target: string | null = null) {
      return prep.suggestRoles(datasetId, target);
    },
    previewRecipe(
      jobId: string,
      datasetId: string,
      recipe: unknown,
      options?: Omit<PreviewOptions, 'seed'>,
      onProgress: (p: PrepProgress) => unknown = () => undefined,
    ) {
      return prep.previewRecipe(jobId, datasetId, recipe, options, quietly(onProgress));
    },
    applyRecipe(
      datasetId: string,
      recipe: unknown,
      name: string,
      jobId?: string,
      onProgress: (p: PrepProgress) => unknown = () => undefined,
    ) {
      return prep.applyRecipe(datasetId, recipe, name, jobId, quietly(onProgress));
    },
  };
}

export type PrepWorkerApi = ReturnType<typeof createPrepWorkerApi>;

/**
 * Class balance (issue 4): the target's classes, and a preview of the recipe's sampler. Progress
 * is sent by core as it happens (the sampler's loops are synchronous); `cancelFlag` is an
 * Int32Array over a SharedArrayBuffer the page sets to stop the sampler mid-way.
 */
export function createBalanceWorkerApi(balance: BalanceApi) {
  return {
    classBalance(datasetId: string, target: string) {
      return balance.classBalance(datasetId, target);
    },
    previewSampler(
      jobId: string,
      datasetId: string,
      recipe: unknown,
      view?: ScatterView,
      onProgress: (p: BalanceProgress) => unknown = () => undefined,
      cancelFlag?: Int32Array,
    ) {
      return balance.previewSampler(jobId, datasetId, recipe, view, onProgress, cancelFlag);
    },
  };
}

export type BalanceWorkerApi = ReturnType<typeof createBalanceWorkerApi>;

/**
 * Everything the data worker exposes: the data, recipe and class-balance APIs, and one cancel /
 * evict that reaches all of them (a job id is unique across them).
 */
export function createFullDataWorkerApi(core: DataApi, prep: PrepApi, balance: BalanceApi) {
  return {
    ...createDataWorkerApi(core),
    ...createPrepWorkerApi(prep),
    ...createBalanceWorkerApi(balance),
    cancel(jobId: string): void {
      core.cancel(jobId);
      prep.cancel(jobId);
      balance.cancel(jobId);
    },
    evict(id: string): void {
      core.evict(id);
      prep.evict(id);
      balance.evict(id);
    },
  };
}

export type DataWorkerFullApi = ReturnType<typeof createFullDataWorkerApi>;

// Inside a worker only (not when a test imports this module): open storage and expose the API.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const deps = {
    store: createDexieDatasetStore(openBenchtopDb()),
    now: Date.now,
    newId: () => crypto.randomUUID(),
  };
  // One decoded copy of the dataset serves the recipe previews and the class-balance previews
  // (a 1M x 30 frame is ~240 MB: two caches held it twice).
  const frames = frameCache(deps.store);
  Comlink.expose(
    createFullDataWorkerApi(
      createDataApi(deps),
      createPrepApi(deps, frames),
      createBalanceApi(deps, DEFAULT_LIMITS, frames),
    ),
  );
}
