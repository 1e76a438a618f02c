// The UI's handle on the train worker: a comlink proxy typed by the core train API, so fitting,
// resampling and scoring never run on the main thread. The worker picks its tfjs backend before it
// can answer, so `ready` resolves once it has (or rejects with why it could not start). Only types
// come from the API module.
import * as Comlink from 'comlink';
import type { TrainApi } from '../../core/api/train-api';
import type { BundleApi } from '../../core/api/bundle-api';

/** The train worker exposes the train API and the bundle API (export / import / predict) merged. */
export type TrainClient = Comlink.Remote<TrainApi & BundleApi>;

export interface TrainClientHandle {
  /** Resolves with the API once the worker has chosen its backend. */
  ready: Promise<TrainClient>;
  /** Wraps a callback so the worker can call it across the message channel. */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  terminate(): void;
}

/**
 * Starts the train worker. `onCrash` hears about a worker that failed to load or threw outside a
 * call (calls in flight would otherwise wait forever).
 */
export function createTrainClient(onCrash?: (message: string) => void): TrainClientHandle {
  const worker = new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'benchtop-train',
  });
  let api: TrainClient | null = null;
  const ready = new Promise<TrainClient>((resolve, reject) => {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; message?: string } | null;
      if (data?.type === 'benchtop-train-ready') {
        worker.removeEventListener('message', onMessage);
        api = Comlink.wrap<TrainApi & BundleApi>(worker);
        resolve(api);
      } else if (data?.type === 'benchtop-train-failed') {
        worker.removeEventListener('message', onMessage);
        reject(
          new Error(`The training worker could not start: ${data.message ?? 'unknown reason'}`),
        );
      }
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const message = event.message || 'the training worker could not start';
      reject(new Error(message));
      onCrash?.(message);
    });
  });
  // A rejected `ready` nobody awaited yet must not be reported as unhandled.
  ready.catch(() => undefined);
  return {
    ready,
    callback: (fn) => Comlink.proxy(fn),
    terminate() {
      api?.[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
