// The UI's handle on the data worker: a comlink proxy typed by the worker's own API, so parsing,
// profiling and Arrow never run on the main thread. Only types come from the worker module.
import * as Comlink from 'comlink';
import type { DataWorkerFullApi } from '../../../workers/data.worker';
import type { IngestProgress } from '../../core/ingest/types';

export type DataClient = Comlink.Remote<DataWorkerFullApi>;

export interface DataClientHandle {
  api: DataClient;
  /** Wraps a progress callback so the worker can call it across the message channel. */
  progress<P = IngestProgress>(callback: (p: P) => void): (p: P) => void;
  terminate(): void;
}

/**
 * Starts the data worker. `onCrash` hears about a worker that failed to load or threw outside a
 * call (calls in flight would otherwise wait forever).
 */
export function createDataClient(onCrash?: (message: string) => void): DataClientHandle {
  const worker = new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), {
    type: 'module',
    name: 'benchtop-data',
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onCrash?.(event.message || 'the data worker could not start');
  });
  const api = Comlink.wrap<DataWorkerFullApi>(worker);
  return {
    api,
    progress: (callback) => Comlink.proxy(callback),
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
