// Final models over the Dexie schema (version 3): the ModelStore the train worker writes through
// (the model row and its weight bytes in ONE transaction through src/db/storage.ts, as datasets
// and bundles are, so a failed or over-quota write leaves nothing half-stored), the reads the UI
// makes (per dataset, newest first) and restore-on-read, which fills defaults and never throws.
import type { ModelRecord, ModelStore } from '../core/api/train-api';
import type { BackendName } from '../core/backend';
import type { FittedStep } from '../core/steps';
import { restoreStoredRecipe } from './runs';
import { arr, num, obj, str } from './loose';
import type { BenchtopDB } from './schema';
import { deleteRowWithBytes, putRowWithBytes, storageFullError } from './storage';

const BACKENDS: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** A stored model in the current shape; missing fields get neutral defaults, nothing throws. */
export function restoreModel(row: unknown): ModelRecord {
  const r = obj(row);
  const recipe = restoreStoredRecipe(r.recipe);
  const model = obj(r.model);
  const sampler = obj(r.sampler);
  const labels = obj(r.labels);
  const info = obj(r.info);
  const backend = obj(r.backend);
  return {
    id: str(r.id, ''),
    name: str(r.name, 'Untitled model'),
    datasetId: str(r.datasetId, ''),
    datasetName: str(r.datasetName, ''),
    datasetSha256: str(r.datasetSha256, ''),
    runId: typeof r.runId === 'string' ? r.runId : null,
    createdAt: num(r.createdAt, 0),
    recipe,
    task:
      r.task === 'regression' || r.task === 'classification'
        ? r.task
        : (recipe.task ?? 'classification'),
    target: str(r.target, recipe.target ?? ''),
    model: {
      kind: str(model.kind, 'logreg') as ModelRecord['model']['kind'],
      params: obj(model.params) as ModelRecord['model']['params'],
    },
    sampler:
      typeof sampler.kind === 'string'
        ? { kind: sampler.kind, params: obj(sampler.params) as ModelRecord['model']['params'] }
        : null,
    labels: Array.isArray(labels.labels)
      ? {
          labels: arr(labels.labels).map((l) => String(l)),
          counts: arr(labels.counts).map((n) => num(n, 0)),
          positive: typeof labels.positive === 'number' ? labels.positive : null,
        }
      : null,
    positive: typeof r.positive === 'string' ? r.positive : null,
    features: arr(r.features).filter((f): f is string => typeof f === 'string'),
    fittedSteps: arr(r.fittedSteps) as FittedStep[],
    modelJson: obj(r.modelJson) as ModelRecord['modelJson'],
    weightSpecs: arr(r.weightSpecs).map((w) => {
      const o = obj(w);
      return {
        name: str(o.name, ''),
        shape: arr(o.shape).map((n) => num(n, 0)),
        dtype: str(o.dtype, 'float32'),
      };
    }),
    weightBytes: num(r.weightBytes, 0),
    trainRows: num(r.trainRows, 0),
    info: {
      iterations: num(info.iterations, 0),
      converged: info.converged === true,
      stopReason: str(info.stopReason, ''),
      finalLoss: num(info.finalLoss, NaN),
      seconds: num(info.seconds, 0),
      backend: str(info.backend, ''),
      lossCurve: arr(info.lossCurve).map((n) => num(n, NaN)),
      ...(Array.isArray(info.valLossCurve)
        ? { valLossCurve: info.valLossCurve.map((n: unknown) => num(n, NaN)) }
        : {}),
    },
    backend: {
      name: BACKENDS.includes(backend.name as BackendName) ? (backend.name as BackendName) : 'cpu',
      reason: str(backend.reason, ''),
      ...(typeof backend.threads === 'boolean' ? { threads: backend.threads } : {}),
    },
    seconds: num(r.seconds, 0),
  };
}

/** The models trained on a dataset, newest first. */
export async function listModels(db: BenchtopDB, datasetId: string): Promise<ModelRecord[]> {
  const rows: unknown[] = await db.models.where('datasetId').equals(datasetId).toArray();
  return rows
    .map(restoreModel)
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

/** A model's weights.bin bytes, or undefined when they are not stored. */
export async function getModelBytes(db: BenchtopDB, id: string): Promise<Uint8Array | undefined> {
  const row = await db.modelBytes.get(id);
  return row?.bytes;
}

/** Deletes a model's row and bytes together. Deleting a missing model is not an error. */
export async function deleteModel(db: BenchtopDB, id: string): Promise<void> {
  await deleteRowWithBytes(db, db.models, db.modelBytes, id, 'Could not delete the model');
}

/** The ModelStore the core train API writes through (in the train worker). */
export function createDexieModelStore(db: BenchtopDB): ModelStore {
  return {
    async putModel(model: ModelRecord, weights: Uint8Array): Promise<void> {
      await putRowWithBytes(db, db.models, db.modelBytes, model, weights, {
        quota: (neededBytes) =>
          storageFullError(
            `the model "${model.name}"`,
            neededBytes,
            'Delete datasets or models you no longer need, or free disk space, and train it again.',
          ),
        failure: `Could not store the model "${model.name}"`,
      });
    },
    listModels: (datasetId) => listModels(db, datasetId),
    deleteModel: (id) => deleteModel(db, id),
  };
}
