// A fold worker of `benchtop cv --jobs N` (Node worker_threads; started by ./fold-pool.ts). It
// starts tfjs once, takes a cross-validation plan as plain data (the frame's columns over shared
// memory, the recipe, the folds' row indices, the label mapping, the model and sampler specs) and
// runs core's runFold on each fold it is sent: the very function the in-process path calls, so a
// fold gives the same numbers here as there. Progress and loss curves go back as messages; an
// error goes back as the BenchtopError's plain form. No logic of its own beyond the wiring.
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
import { frameFromShared, type FromWorker, type ToWorker, type WorkerStart } from './fold-protocol';

const port = parentPort;
if (!port) throw new Error('fold-worker.ts runs inside a worker thread (see fold-pool.ts).');
const post = (m: FromWorker): void => port.postMessage(m);
const start = workerData as WorkerStart;

let ctx: FoldContext | null = null;
let stages: FoldStages | null = null;
let epochs = false;

try {
  const { tf, backend } = await nodeTf(start.backend as BackendOverride);
  if (start.backend !== 'auto' && backend.name !== start.backend) {
    throw new Error(`the ${start.backend} backend did not start (tfjs is on ${backend.name})`);
  }
  port.on('message', (m: ToWorker) => {
    if (m.type === 'plan') {
      ctx = foldContext({
        frame: frameFromShared(m.frame),
        recipe: m.recipe,
        target: m.target,
        folds: m.folds,
        mapping: m.mapping,
        exclude: m.exclude,
      });
      stages = {
        trainer: tfTrainer(tf, m.model),
        ...(m.sampler ? { resample: samplerHook(m.sampler, tf) } : {}),
      };
      epochs = m.epochs;
      return;
    }
    const f = m.f;
    if (!ctx || !stages) {
      post({ type: 'error', f, error: { code: 'internal', message: 'No plan.', details: {} } });
      return;
    }
    runFold(ctx, f, stages, {
      onProgress: (p) => post({ type: 'progress', progress: p }),
      ...(epochs ? { onEpoch: (fold, report) => post({ type: 'epoch', fold, report }) } : {}),
    }).then(
      // Copied, not transferred: a fold's predictions are small, and a model may return a view.
      (outcome) => post({ type: 'done', f, outcome }),
      (err: unknown) => {
        const e = toBenchtopError(err, `Fold ${f + 1}`);
        post({ type: 'error', f, error: { code: e.code, message: e.message, details: e.details } });
      },
    );
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
