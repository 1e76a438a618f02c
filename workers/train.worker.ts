// The train worker: a thin entry point (DESIGN.md §3, §4). It registers tfjs-core's backends
// (webgpu, wasm with its .wasm files served by Vite, webgl through OffscreenCanvas, cpu), detects
// what this device has, plans and activates a backend through src/core/backend.ts, opens the
// Dexie database (runs, models and their weight bytes are written from here) and exposes the core
// train API, merged with the bundle API (export / import / predict, which need tfjs too), over
// comlink. Every piece of logic lives in src/core/api/train-api.ts and bundle-api.ts.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { activateBackend, planBackends, type DetectedBackends } from '../src/core/backend';
import { createTrainApi } from '../src/core/api/train-api';
import { createBundleApi } from '../src/core/api/bundle-api';
import { frameCache } from '../src/core/api/stored-dataset';
import { createDexieDatasetStore, openBenchtopDb } from '../src/db';
import { createDexieModelStore } from '../src/db/models';
import { createDexieRunStore } from '../src/db/runs';
import {
  createDexieBundleStore,
  createDexieKeyStore,
  createDexieModelSource,
} from '../src/db/bundles';

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

async function detect(): Promise<DetectedBackends> {
  let webgpu = { available: false, isFallbackAdapter: false };
  try {
    const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (adapter) {
      webgpu = {
        available: true,
        isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      };
    }
  } catch {
    // No adapter (or WebGPU refused here): the plan says so and moves on.
  }
  let webgl = false;
  try {
    webgl =
      typeof OffscreenCanvas !== 'undefined' &&
      new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
  } catch {
    webgl = false;
  }
  return {
    webgpu,
    wasm: typeof WebAssembly === 'object',
    webgl,
    isolated: globalThis.crossOriginIsolated === true,
  };
}

async function start() {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  const detected = await detect();
  // tfjs's threaded wasm starts its pthread workers from the source text of its module factory;
  // in a minified bundle that text refers to names outside it ("e is not defined", tfjs#4107), so
  // the threaded build cannot start here. SIMD wasm single-threaded is used instead, and said so.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const active = await activateBackend(tf, planBackends(detected).order);
  const db = openBenchtopDb();
  const newId = () => crypto.randomUUID();
  // One decoded copy of a dataset serves training and the bundle API's predictions and exports
  // (a 1M x 30 frame is ~240 MB: two caches held it twice); the train API's evict drops it.
  const datasets = createDexieDatasetStore(db);
  const frames = frameCache(datasets, { nameReadFailures: true });
  Comlink.expose({
    ...createTrainApi({
      datasets,
      runs: createDexieRunStore(db),
      models: createDexieModelStore(db),
      tf,
      detected,
      active,
      wasmThreads: false,
      now: Date.now,
      newId,
      frames,
    }),
    ...createBundleApi({
      datasets,
      models: createDexieModelSource(db),
      bundles: createDexieBundleStore(db),
      keys: createDexieKeyStore(db),
      tf,
      now: Date.now,
      newId,
      transfer: Comlink.transfer,
      frames,
    }),
  });
}

// Inside a worker only. Comlink drops calls that arrive before expose(), and choosing a backend is
// async, so the client waits for the 'ready' (or 'failed') message before its first call.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  start().then(
    () => self.postMessage({ type: 'benchtop-train-ready' }),
    (err: unknown) =>
      self.postMessage({
        type: 'benchtop-train-failed',
        message: err instanceof Error ? err.message : String(err),
      }),
  );
}
