// Cross-validation runs over the Dexie schema (version 3): the RunStore the train worker writes a
// completed run through (one put, so a run is there whole or not at all), the reads the UI makes
// (per dataset, newest first, through liveQuery) and restore-on-read: a row written by an older or
// newer version of the app comes back in the current RunRecord shape, never throwing.
import type {
  BinaryOutOfFold,
  CurvePoints,
  RegressionOutOfFold,
  RunFold,
  RunMeanCurves,
  RunRecord,
  RunStore,
} from '../core/api/train-api';
import type { BackendName } from '../core/backend';
import { BenchtopError, toBenchtopError } from '../core/errors';
import { parseRecipe, type Recipe } from '../core/recipe';
import { isQuotaError } from './datasets';
import { arr, num, obj, str } from './loose';
import type { BenchtopDB } from './schema';

function nums(v: unknown): number[] {
  return Array.isArray(v) || ArrayBuffer.isView(v)
    ? Array.from(v as ArrayLike<unknown>, (x) => num(x, NaN))
    : [];
}
function numberRecord(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'number') out[k] = x;
  return out;
}
function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

const BACKENDS: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** The recipe of a stored run or model: parsed when this version reads it, else kept as it was. */
export function restoreStoredRecipe(v: unknown): Recipe {
  try {
    return parseRecipe(v);
  } catch {
    // A newer format or a step this version does not know: the run still lists, with what it has.
    const o = obj(v);
    return {
      ...(o as Partial<Recipe>),
      format: 'benchtop.recipe',
      version: 1,
      target: typeof o.target === 'string' ? o.target : null,
      task: o.task === 'classification' || o.task === 'regression' ? o.task : null,
      roles: {
        ignored: arr(obj(o.roles).ignored).filter((c): c is string => typeof c === 'string'),
      },
      steps: arr(o.steps) as Recipe['steps'],
      seed: num(o.seed, 0),
    };
  }
}

function curve(v: unknown): CurvePoints {
  const o = obj(v);
  return { x: nums(o.x), y: nums(o.y) };
}

function restoreFold(v: unknown, i: number): RunFold {
  const o = obj(v);
  const fold: RunFold = {
    fold: num(o.fold, i + 1),
    index: num(o.index, i),
    repeat: num(o.repeat, 0),
    trainRows: num(o.trainRows, 0),
    fittedRows: num(o.fittedRows, num(o.trainRows, 0)),
    testRows: num(o.testRows, 0),
    scoredRows: num(o.scoredRows, num(o.testRows, 0)),
    metrics: numberRecord(o.metrics),
    undefined: stringRecord(o.undefined),
    seconds: num(o.seconds, 0),
    iterations: num(o.iterations, 0),
    converged: o.converged === true,
    stopReason: str(o.stopReason, ''),
    lossCurve: nums(o.lossCurve),
  };
  if (o.valLossCurve !== undefined) fold.valLossCurve = nums(o.valLossCurve);
  return fold;
}

function restoreMeanCurves(v: unknown): RunMeanCurves {
  const o = obj(v);
  const roc = obj(o.roc);
  const pr = obj(o.pr);
  return {
    class: num(o.class, 0),
    label: str(o.label, String(num(o.class, 0))),
    roc: { ...curve(roc), std: nums(roc.std) },
    pr: { ...curve(pr), std: nums(pr.std) },
  };
}

function typed<T extends Uint8Array | Float32Array>(v: unknown, make: (a: number[]) => T): T {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return make(nums(v));
  return make(Array.isArray(v) ? nums(v) : []);
}

function restoreOutOfFold(v: unknown): BinaryOutOfFold | RegressionOutOfFold | null {
  const o = obj(v);
  if (o.kind === 'binary') {
    const truth =
      o.truth instanceof Uint8Array ? o.truth : typed(o.truth, (a) => Uint8Array.from(a));
    const score =
      o.score instanceof Float32Array ? o.score : typed(o.score, (a) => Float32Array.from(a));
    if (truth.length !== score.length) return null;
    const best = obj(o.best);
    if (!best.f1 || !best.youden) return null;
    return {
      kind: 'binary',
      truth,
      score,
      rows: num(o.rows, truth.length),
      best: best as unknown as BinaryOutOfFold['best'],
    };
  }
  if (o.kind === 'regression') {
    const actual =
      o.actual instanceof Float32Array ? o.actual : typed(o.actual, (a) => Float32Array.from(a));
    const predicted =
      o.predicted instanceof Float32Array
        ? o.predicted
        : typed(o.predicted, (a) => Float32Array.from(a));
    if (actual.length !== predicted.length) return null;
    return { kind: 'regression', actual, predicted, rows: num(o.rows, actual.length) };
  }
  return null;
}

/**
 * A stored run in the current shape. Missing fields get neutral defaults (no folds, no curves,
 * NaN metrics are kept as NaN); nothing here throws, so one odd row never hides the others.
 */
export function restoreRun(row: unknown): RunRecord {
  const r = obj(row);
  const recipe = restoreStoredRecipe(r.recipe);
  const model = obj(r.model);
  const sampler = obj(r.sampler);
  const backend = obj(r.backend);
  const timings = obj(r.timings);
  const labels = obj(r.labels);
  const task =
    r.task === 'regression' || r.task === 'classification'
      ? r.task
      : (recipe.task ?? 'classification');
  const metrics: RunRecord['metrics'] = {};
  for (const [name, m] of Object.entries(obj(r.metrics))) {
    const o = obj(m);
    metrics[name] = { mean: num(o.mean, NaN), std: num(o.std, NaN), folds: num(o.folds, 0) };
  }
  const validation = obj(r.validation);
  const backendName = BACKENDS.includes(backend.name as BackendName)
    ? (backend.name as BackendName)
    : 'cpu';
  return {
    id: str(r.id, ''),
    datasetId: str(r.datasetId, ''),
    datasetName: str(r.datasetName, ''),
    datasetSha256: str(r.datasetSha256, ''),
    createdAt: num(r.createdAt, 0),
    recipe,
    recipeName: str(r.recipeName, recipe.name ?? 'Unsaved recipe'),
    task,
    target: str(r.target, recipe.target ?? ''),
    model: {
      kind: str(model.kind, 'logreg') as RunRecord['model']['kind'],
      params: obj(model.params) as RunRecord['model']['params'],
    },
    modelTitle: str(r.modelTitle, str(model.kind, 'model')),
    sampler:
      typeof sampler.kind === 'string'
        ? { kind: sampler.kind, params: obj(sampler.params) as RunRecord['model']['params'] }
        : null,
    validation: {
      ...(validation as Partial<RunRecord['validation']>),
      kind: (typeof validation.kind === 'string'
        ? validation.kind
        : 'kfold') as RunRecord['validation']['kind'],
      folds: num(validation.folds, 5),
      shuffle: validation.shuffle !== false,
      repeats: num(validation.repeats, 1),
      testSize: num(validation.testSize, 0.2),
      stratify: validation.stratify !== false,
      gap: num(validation.gap, 0),
    },
    seed: num(r.seed, recipe.seed),
    labels: Array.isArray(labels.labels)
      ? {
          labels: arr(labels.labels).map((l) => String(l)),
          counts: nums(labels.counts),
          positive: typeof labels.positive === 'number' ? labels.positive : null,
        }
      : null,
    positive: typeof r.positive === 'string' ? r.positive : null,
    features: arr(r.features).filter((f): f is string => typeof f === 'string'),
    metrics,
    pooled: numberRecord(r.pooled),
    folds: arr(r.folds).map(restoreFold),
    confusion: Array.isArray(r.confusion) ? r.confusion.map((row) => nums(row)) : null,
    curves: arr(r.curves).map(restoreMeanCurves),
    foldCurves: arr(r.foldCurves).map((v) => {
      const o = obj(v);
      return {
        fold: num(o.fold, 1),
        class: num(o.class, 0),
        roc: curve(o.roc),
        pr: curve(o.pr),
      };
    }),
    outOfFold: restoreOutOfFold(r.outOfFold),
    backend: {
      name: backendName,
      reason: str(backend.reason, ''),
      ...(typeof backend.threads === 'boolean' ? { threads: backend.threads } : {}),
    },
    timings: {
      seconds: num(timings.seconds, 0),
      loadSeconds: num(timings.loadSeconds, 0),
      stages: numberRecord(timings.stages),
    },
    excluded: num(r.excluded, 0),
    notes: arr(r.notes).filter((n): n is string => typeof n === 'string'),
  };
}

function newestFirst(a: RunRecord, b: RunRecord): number {
  return b.createdAt - a.createdAt || a.id.localeCompare(b.id);
}

/** The runs of a dataset, newest first. */
export async function listRuns(db: BenchtopDB, datasetId: string): Promise<RunRecord[]> {
  const rows: unknown[] = await db.runs.where('datasetId').equals(datasetId).toArray();
  return rows.map(restoreRun).sort(newestFirst);
}

export async function getRun(db: BenchtopDB, id: string): Promise<RunRecord | undefined> {
  const row: unknown = await db.runs.get(id);
  return row === undefined ? undefined : restoreRun(row);
}

/** Deletes a run. Deleting one that is already gone is not an error. */
export async function deleteRun(db: BenchtopDB, id: string): Promise<void> {
  try {
    await db.runs.delete(id);
  } catch (err) {
    throw toBenchtopError(err, 'Could not delete the run');
  }
}

/** The RunStore the core train API writes through (in the train worker). */
export function createDexieRunStore(db: BenchtopDB): RunStore {
  return {
    async putRun(run: RunRecord): Promise<void> {
      try {
        await db.runs.put(run);
      } catch (err) {
        if (isQuotaError(err)) {
          throw new BenchtopError(
            'quota-exceeded',
            "The browser's storage is full, so the run could not be kept. Delete datasets, runs or models you no longer need, or free disk space, and run it again. Nothing was stored.",
          );
        }
        throw toBenchtopError(err, 'Could not store the run');
      }
    },
    listRuns: (datasetId) => listRuns(db, datasetId),
    deleteRun: (id) => deleteRun(db, id),
  };
}
