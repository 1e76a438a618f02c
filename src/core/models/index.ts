// The models' public surface: the registry of model kinds, spec parsing (recipe / CLI JSON →
// a spec with every setting), `fitModel` (checks the data, fits, wraps the result) and the
// save / load of the stock tfjs artifacts. Cross-validation calls `fitModel` once per fold;
// every tensor a fit creates is freed by the time it returns, apart from the model's weights,
// which `TrainedModel.dispose()` frees.
import * as tfl from '@tensorflow/tfjs-layers';
import { BenchtopError, toBenchtopError } from '../errors';
import { createRng } from '../rng';
import type { JsonObject } from '../steps/types';
import { checkTrainingData } from './data';
import { linear } from './linear';
import { logreg } from './logreg';
import { mlp } from './mlp';
import { mlpRegressor } from './mlp-regressor';
import { checkModelParams, fillDefaults, invalidParams } from './params';
import type { ModelDefinition } from './registry-types';
import { loadedInfo, loadModelArtifacts, wrapModel, type ModelArtifacts } from './trained';
import type {
  FitOptions,
  ModelKind,
  ModelParamSpec,
  ModelSpec,
  ModelTask,
  Tf,
  TrainedModel,
  TrainInfo,
  TrainingData,
} from './types';

export type * from './types';
export type { ModelDefinition } from './registry-types';
export {
  saveModelArtifacts,
  loadModelArtifacts,
  WEIGHTS_FILE,
  type ModelArtifacts,
} from './trained';

const MODELS: readonly ModelDefinition[] = [
  logreg as unknown as ModelDefinition,
  linear as unknown as ModelDefinition,
  mlp as unknown as ModelDefinition,
  mlpRegressor as unknown as ModelDefinition,
];

export function listModels(): readonly ModelDefinition[] {
  return MODELS;
}

export function getModel(kind: string): ModelDefinition {
  const def = MODELS.find((m) => m.kind === kind);
  if (!def) {
    throw new BenchtopError(
      'invalid-argument',
      `There is no model '${kind}'. The models are ${MODELS.map((m) => `'${m.kind}'`).join(', ')}.`,
      { kind },
    );
  }
  return def;
}

export function modelTask(kind: ModelKind): ModelTask {
  return getModel(kind).task;
}

/**
 * Recipe or CLI JSON → a spec with every setting filled in. Missing settings take their defaults;
 * unknown settings, wrong types and out-of-range values are one BenchtopError listing them all.
 */
export function parseModelSpec(json: unknown): ModelSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BenchtopError(
      'invalid-argument',
      `A model must be a JSON object such as {"kind": "logreg", "params": {"C": 1}}.`,
    );
  }
  const { kind, params = {}, ...rest } = json as { kind?: unknown; params?: unknown };
  const extra = Object.keys(rest);
  if (extra.length > 0) {
    throw new BenchtopError(
      'invalid-argument',
      `A model has only 'kind' and 'params'; remove ${extra.map((k) => `'${k}'`).join(', ')}.`,
    );
  }
  if (typeof kind !== 'string') {
    throw new BenchtopError(
      'invalid-argument',
      `The model needs a 'kind': one of ${MODELS.map((m) => `'${m.kind}'`).join(', ')}.`,
    );
  }
  const def = getModel(kind);
  const specs = def.params as Record<string, ModelParamSpec>;
  const problems = checkModelParams(specs, params);
  if (problems.length > 0) throw invalidParams(def.title, problems);
  const filled = fillDefaults(def.defaults, params as JsonObject);
  const more = def.check?.(filled) ?? [];
  if (more.length > 0) throw invalidParams(def.title, more);
  return { kind: def.kind, params: filled };
}

/**
 * Fits `spec` on `data` with the tfjs backend the caller already chose. Seeded: the same spec,
 * data and seed give the same model on the same backend.
 */
export async function fitModel(
  tf: Tf,
  specJson: ModelSpec | JsonObject,
  data: TrainingData,
  options: FitOptions,
): Promise<TrainedModel> {
  const spec = parseModelSpec(specJson);
  const def = getModel(spec.kind);
  const checked = checkTrainingData(data, def.task);
  const now = options.now ?? (() => performance.now());
  const started = now();
  let result;
  try {
    result = await def.fit(tf, spec.params, checked, {
      seed: options.seed,
      rng: createRng(options.seed),
      onEpoch: options.onEpoch,
      isCancelled: options.isCancelled,
    });
  } catch (err) {
    throw toBenchtopError(err, `Could not train the ${def.title.toLowerCase()}`);
  }
  const info: TrainInfo = {
    iterations: result.iterations,
    converged: result.converged,
    stopReason: result.stopReason,
    finalLoss: result.finalLoss,
    seconds: (now() - started) / 1000,
    backend: tf.getBackend(),
    lossCurve: result.lossCurve,
    ...(result.valLossCurve ? { valLossCurve: result.valLossCurve } : {}),
  };
  return wrapModel(tf, spec, def.task, result.model, info);
}

/** A TrainedModel again from saved artifacts (a bundle, a stored run) and the spec it came from. */
export async function restoreTrainedModel(
  tf: Tf,
  specJson: ModelSpec | JsonObject,
  artifacts: ModelArtifacts,
  info?: TrainInfo,
): Promise<TrainedModel> {
  const spec = parseModelSpec(specJson);
  const def = getModel(spec.kind);
  const model: tfl.LayersModel = await loadModelArtifacts(tf, artifacts);
  return wrapModel(tf, spec, def.task, model, info ?? loadedInfo(tf));
}

/**
 * The trainer cross-validation calls once per fold (src/core/evaluate's ModelTrainer): the spec
 * is checked once, here, so a bad setting fails before any fold is prepared.
 */
export function modelTrainer(
  tf: Tf,
  specJson: ModelSpec | JsonObject,
): {
  spec: ModelSpec;
  task: ModelTask;
  fit(data: TrainingData, options: FitOptions): Promise<TrainedModel>;
} {
  const spec = parseModelSpec(specJson);
  return {
    spec,
    task: getModel(spec.kind).task,
    fit: (data, options) => fitModel(tf, spec, data, options),
  };
}
