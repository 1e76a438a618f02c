// The data worker: a thin entry point (DESIGN.md §3). It wires the pure core data API to Dexie
// storage and exposes it over comlink. Parsing, profiling and the big IndexedDB write all happen
// here, off the main thread; the UI only receives metadata and pages of rows.
import * as Comlink from 'comlink';
import { createDataApi, type ImportOptions } from '../src/core/api/data-api';
import type { ColumnKind } from '../src/core/data/schema';
import { blobSource } from '../src/core/ingest/blob-source';
import type { IngestProgress } from '../src/core/ingest/types';
import { createDexieDatasetStore, openBenchtopDb } from '../src/db';

const core = createDataApi({
  store: createDexieDatasetStore(openBenchtopDb()),
  now: Date.now,
  newId: () => crypto.randomUUID(),
});

/** At most one progress message per this many ms, so a fast reader cannot flood the main thread. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Forwards progress at most every PROGRESS_INTERVAL_MS, always when the phase changes (so the UI
 * sees every phase), and once more after a quiet interval (so the last figure of a phase is not
 * lost). Failures of the callback (page gone) must not fail the import.
 */
function throttled(onProgress: (p: IngestProgress) => unknown): (p: IngestProgress) => void {
  let last = -Infinity;
  let lastPhase: IngestProgress['phase'] | undefined;
  let pending: IngestProgress | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (p: IngestProgress) => {
    last = performance.now();
    lastPhase = p.phase;
    pending = undefined;
    void Promise.resolve()
      .then(() => onProgress(p))
      .catch(() => undefined);
  };
  return (p) => {
    const wait = PROGRESS_INTERVAL_MS - (performance.now() - last);
    if (p.phase !== lastPhase || wait <= 0) {
      clearTimeout(timer);
      timer = undefined;
      send(p);
      return;
    }
    pending = p;
    timer ??= setTimeout(() => {
      timer = undefined;
      if (pending) send(pending);
    }, wait);
  };
}

const api = {
  /** Reads a File as a stream, profiles it and stores it; resolves with the stored metadata. */
  importFile(
    jobId: string,
    file: File,
    options: ImportOptions,
    onProgress: (p: IngestProgress) => unknown,
  ) {
    return core.importData(jobId, blobSource(file, file.name), options, throttled(onProgress));
  },
  cancel(jobId: string): void {
    core.cancel(jobId);
  },
  rows(id: string, start: number, count: number) {
    return core.rows(id, start, count);
  },
  setColumnKind(id: string, column: string, kind: ColumnKind) {
    return core.setColumnKind(id, column, kind);
  },
  evict(id: string): void {
    core.evict(id);
  },
};

export type DataWorkerApi = typeof api;

Comlink.expose(api);
