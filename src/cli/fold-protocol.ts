// The messages between `benchtop cv --jobs N`'s fold pool (./fold-pool.ts) and its workers
// (./fold-worker.ts), and the frame over shared memory: each column's typed array is copied once
// into a SharedArrayBuffer, so every worker reads the same bytes instead of a copy of its own
// (100k rows x 31 columns is 25 MB). Frames are never written in place (steps build new columns),
// so sharing them is safe.
import type { Frame, FrameColumn } from '../core/data/frame';
import type { ErrorCode, ErrorDetails } from '../core/errors';
import type { CvProgress, EpochReport, FoldOutcome } from '../core/evaluate/cross-validate';
import type { LabelMapping } from '../core/evaluate/labels';
import type { ModelSpec } from '../core/models';
import type { Recipe } from '../core/recipe/recipe';
import type { SamplerSpec } from '../core/resample';
import type { Fold } from '../core/split';

/** A frame whose columns live in SharedArrayBuffers (structured clone shares, never copies them). */
export interface SharedFrame {
  rows: number;
  columns: FrameColumn[];
}

const shared = new WeakMap<Frame, SharedFrame>();

function toShared<T extends Float64Array | Int32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = (
    a instanceof Float64Array
      ? new Float64Array(new SharedArrayBuffer(a.byteLength))
      : new Int32Array(new SharedArrayBuffer(a.byteLength))
  ) as T;
  out.set(a);
  return out;
}

/** The frame over shared memory (made once per frame: `train` runs its CV and more on one). */
export function shareFrame(frame: Frame): SharedFrame {
  let s = shared.get(frame);
  if (!s) {
    s = {
      rows: frame.rows,
      columns: frame.columns.map((c) =>
        'values' in c ? { ...c, values: toShared(c.values) } : { ...c, codes: toShared(c.codes) },
      ),
    };
    shared.set(frame, s);
  }
  return s;
}

/** A worker's Frame over the shared columns (no copy). */
export function frameFromShared(s: SharedFrame): Frame {
  return { rows: s.rows, columns: s.columns };
}

/**
 * The folds' schedule, shared by this thread and the workers: [the next fold to take, the first
 * fold not to start]. Each thread takes its next fold itself (Atomics), so no thread waits for a
 * busy main thread to hand it one. A failing fold lowers the stop to itself: as in process, the
 * folds after the first failure are never started.
 */
export function makeSchedule(total: number): Int32Array {
  const s = new Int32Array(new SharedArrayBuffer(8));
  s[1] = total;
  return s;
}

/** The next fold for the calling thread, or null when there is none left to start. */
export function takeFold(schedule: Int32Array): number | null {
  const f = Atomics.add(schedule, 0, 1);
  return f < Atomics.load(schedule, 1) ? f : null;
}

/** No fold from `f` on is started any more. */
export function stopFrom(schedule: Int32Array, f: number): void {
  let stop = Atomics.load(schedule, 1);
  while (f < stop) {
    const was = Atomics.compareExchange(schedule, 1, stop, f);
    if (was === stop) return;
    stop = was;
  }
}

/** workerData of a fold worker. */
export interface WorkerStart {
  /** tfjs backend: 'wasm', 'cpu' or 'auto'. */
  backend: string;
}

export type ToWorker = {
  type: 'plan';
  frame: SharedFrame;
  recipe: Recipe;
  target: string;
  folds: Fold[];
  mapping: LabelMapping | null;
  exclude: string[];
  model: ModelSpec;
  sampler: SamplerSpec | null;
  /** Send loss curves (only when someone listens). */
  epochs: boolean;
  /** makeSchedule's array: the worker takes folds from it until none is left. */
  schedule: Int32Array;
};

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'progress'; progress: CvProgress }
  | { type: 'epoch'; fold: number; report: EpochReport }
  | { type: 'done'; f: number; outcome: FoldOutcome }
  | {
      type: 'error';
      f: number;
      error: { code: ErrorCode; message: string; details: ErrorDetails };
    };
