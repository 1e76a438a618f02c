// A fold worker of `benchtop cv --jobs N` (Node worker_threads; started by ./fold-pool.ts). It
// starts tfjs once, takes a cross-validation plan as plain data (the frame's columns over shared
// memory, the recipe, the folds' row indices, the label mapping, the model and sampler specs) and
// runs core's runFold on each fold it takes from the shared schedule: the very function the
// in-process path calls, so a fold gives the same numbers here as there. Progress and loss curves
// go back as messages; an error goes back as the BenchtopError's plain form. No logic of its own
// beyond the wiring.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendOverride } from '../core/backend';
import { toBenchtopError } from '../core/errors';
import {
  foldContext,
  runFold,
  type FoldContext,
  type FoldStages,
} from '../core/evaluate/cross-validate';
import { samplerHook, tfTrainer } from '../core/evaluate/run';
import { nodeTf } from '../core/models/node-tf';
import {
  frameFromShared,
  stopFrom,
  takeFold,
  type FromWorker,
  type ToWorker,
  type WorkerStart,
} from './fold-protocol';

const port = parentPort;
if (!port) throw new Error('fold-worker.ts runs inside a worker thread (see fold-pool.ts).');
const post = (m: FromWorker): void => port.postMessage(m);
const start = workerData as WorkerStart;

/** Takes folds from the shared schedule until none is left, sending each outcome back. */
async function runFolds(ctx: FoldContext, stages: FoldStages, m: ToWorker): Promise<void> {
  for (let f = takeFold(m.schedule); f !== null; f = takeFold(m.schedule)) {
    try {
      const outcome = await runFold(ctx, f, stages, {
        onProgress: (p) => post({ type: 'progress', progress: p }),
        ...(m.epochs ? { onEpoch: (fold, report) => post({ type: 'epoch', fold, report }) } : {}),
      });
      // Copied, not transferred: a fold's predictions are small, and a model may return a view.
      post({ type: 'done', f, outcome });
    } catch (err) {
      stopFrom(m.schedule, f);
      const e = toBenchtopError(err, `Fold ${f + 1}`);
      post({ type: 'error', f, error: { code: e.code, message: e.message, details: e.details } });
    }
  }
}

try {
  const { tf, backend } = await nodeTf(start.backend as BackendOverride);
  if (start.backend !== 'auto' && backend.name !== start.backend) {
    throw new Error(`the ${start.backend} backend did not start (tfjs is on ${backend.name})`);
  }
  port.on('message', (m: ToWorker) => {
    const ctx = foldContext({
      frame: frameFromShared(m.frame),
      recipe: m.recipe,
      target: m.target,
      folds: m.folds,
      mapping: m.mapping,
      exclude: m.exclude,
    });
    const stages: FoldStages = {
      trainer: tfTrainer(tf, m.model),
      ...(m.sampler ? { resample: samplerHook(m.sampler, tf) } : {}),
    };
    void runFolds(ctx, stages, m);
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
