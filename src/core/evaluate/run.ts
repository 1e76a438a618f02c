// The one entry point the CLI (`benchtop cv` / `train`) and the train worker's API call: a recipe's
// model, sampler and validation resolved to specs (defaults by task), the sampler registry turned
// into crossValidate's resample hook (class weights become per-row loss weights), the tfjs model
// trainer plugged in, and the final model trained on every row exactly as a training fold is
// (steps fitted, filters run, sampler applied) so its features and labels match the folds'.
// Pure core: the caller passes tfjs with its backend already chosen (src/core/backend.ts).
import { BenchtopError, cancelled } from '../errors';
import type { Frame } from '../data/frame';
import {
  fitModel,
  modelTrainer,
  parseModelSpec,
  type ModelSpec,
  type Tf,
  type TrainedModel,
} from '../models';
import { MODEL_TASKS, modelsFor, type Recipe } from '../recipe/recipe';
import { fitRecipe, recipeInput, type FittedRecipe } from '../recipe/run';
import { parseSamplerSpec, resample, type SamplerSpec } from '../resample';
import { createRng } from '../rng';
import type { ValidationSpec } from '../split';
import type { JsonObject } from '../steps/types';
import {
  crossValidate,
  findTarget,
  foldSeed,
  inferTask,
  resolveValidation,
  runResample,
  splitColumns,
  trainingData,
  type CrossValidateOptions,
  type CrossValidationResult,
  type EpochReport,
  type FoldRunner,
  type FoldStages,
  type ModelTrainer,
  type ResampleHook,
  type ResampleOutput,
  type Task,
} from './cross-validate';
import { labelMapping, type LabelMapping } from './labels';

/** The model a task uses when the recipe names none: scikit-learn's usual first choices. */
export function defaultModel(task: Task): ModelSpec {
  return parseModelSpec({ kind: task === 'classification' ? 'logreg' : 'linear' });
}

/** What a run uses, every setting filled in. */
export interface RunStages {
  task: Task;
  model: ModelSpec;
  sampler: SamplerSpec | null;
  validation: ValidationSpec;
}

export interface StageOverrides {
  /** Replaces recipe.model (e.g. `benchtop cv --model mlp`). */
  model?: ModelSpec | JsonObject;
  /** Replaces recipe.sampler; null = no sampler even if the recipe has one. */
  sampler?: SamplerSpec | JsonObject | null;
  /** Replaces recipe.validation. */
  validation?: ValidationSpec | JsonObject;
  /** Predefined folds from this column (overrides the validation). */
  foldColumn?: string;
}

/**
 * The recipe's model, sampler and validation (or the overrides) checked and filled in, and
 * checked against the task of `frame`'s target. Call it before any work: a bad setting is a
 * BenchtopError naming it.
 */
export function resolveStages(
  frame: Frame,
  recipe: Recipe,
  overrides: StageOverrides = {},
): RunStages {
  const target = recipe.target;
  if (target === null) {
    throw new BenchtopError('invalid-argument', 'Choose a target column to predict first.');
  }
  const task = inferTask(recipe, findTarget(frame, target));
  const modelJson = overrides.model ?? recipe.model ?? null;
  const model = modelJson === null ? defaultModel(task) : parseModelSpec(modelJson);
  if (MODEL_TASKS[model.kind] !== task) {
    throw new BenchtopError(
      'invalid-argument',
      `The model '${model.kind}' is for ${MODEL_TASKS[model.kind]}, but predicting '${target}' is ${task}: use ${modelsFor(task)}.`,
      { column: target, kind: model.kind },
    );
  }
  const samplerJson =
    overrides.sampler !== undefined ? overrides.sampler : (recipe.sampler ?? null);
  const sampler = samplerJson === null ? null : parseSamplerSpec(samplerJson);
  if (sampler && task === 'regression') {
    throw new BenchtopError(
      'invalid-argument',
      `The sampler '${sampler.kind}' rebalances classes, but '${target}' is a regression target: leave the sampler out.`,
      { column: target },
    );
  }
  const validation = resolveValidation(recipe, task, {
    ...(overrides.validation ? { validation: overrides.validation } : {}),
    ...(overrides.foldColumn !== undefined ? { foldColumn: overrides.foldColumn } : {}),
  });
  return { task, model, sampler, validation };
}

/**
 * crossValidate's resample hook for a sampler spec: runs it on the prepared training frame with
 * the fold's seed. 'class-weights' keeps the rows and hands its per-row weights to the model.
 */
export function samplerHook(spec: SamplerSpec | JsonObject, tf?: Tf): ResampleHook {
  const parsed = parseSamplerSpec(spec);
  return (frame, target, ctx) => {
    const r = resample(frame, parsed, {
      target,
      seed: ctx.seed,
      // The neighbour search uses tensors when it pays (src/core/resample/neighbours.ts).
      ...(tf ? { tf } : {}),
      ...(ctx.isCancelled ? { isCancelled: ctx.isCancelled } : {}),
    });
    return r.sampleWeight ? { frame: r.frame, sampleWeight: r.sampleWeight } : { frame: r.frame };
  };
}

/**
 * crossValidate's ModelTrainer over src/core/models (the per-fold model is a TrainedModel):
 * src/core/models' modelTrainer, which is that plug-in.
 */
export function tfTrainer(tf: Tf, spec: ModelSpec): ModelTrainer {
  return modelTrainer(tf, spec);
}

/** Throws when nothing but the target (and split columns) would reach the steps. */
function checkSomeFeature(frame: Frame, recipe: Recipe, stages: RunStages): void {
  const skip = new Set([recipe.target, ...splitColumns(stages.validation, recipe)]);
  if (recipeInput(frame, recipe).columns.every((c) => skip.has(c.name))) {
    throw new BenchtopError(
      'invalid-argument',
      `Every feature was dropped: only the target '${recipe.target}' is left for the model. Keep at least one column (un-ignore it, or drop fewer columns).`,
    );
  }
}

export interface RunCrossValidationOptions
  extends
    StageOverrides,
    Pick<CrossValidateOptions, 'positive' | 'onProgress' | 'onEpoch' | 'isCancelled'> {
  /** Milliseconds for `seconds` (defaults to performance.now). */
  now?: () => number;
  /**
   * Runs the folds elsewhere (the CLI's worker threads): given the resolved model and sampler
   * specs and the in-process trainer / sampler, returns crossValidate's runFolds hook.
   */
  foldRunner?: (
    specs: { model: ModelSpec; sampler: SamplerSpec | null },
    local: FoldStages,
  ) => FoldRunner;
}

export interface RunCrossValidationResult extends CrossValidationResult {
  model: ModelSpec;
  sampler: SamplerSpec | null;
  /** tf.getBackend() during the run. */
  backend: string;
  seconds: number;
}

/**
 * Cross-validates `recipe` on `frame` with its model (default: logreg / linear), sampler and
 * validation (default: stratified 5-fold / 5-fold), or the overrides. Every fold's tensors are
 * freed before the next fold starts.
 */
export async function runCrossValidation(
  tf: Tf,
  frame: Frame,
  recipe: Recipe,
  options: RunCrossValidationOptions = {},
): Promise<RunCrossValidationResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const stages = resolveStages(frame, recipe, options);
  checkSomeFeature(frame, recipe, stages);
  const local: FoldStages = {
    trainer: tfTrainer(tf, stages.model),
    ...(stages.sampler ? { resample: samplerHook(stages.sampler, tf) } : {}),
  };
  const result = await crossValidate(frame, recipe, {
    ...local,
    validation: stages.validation,
    ...(options.foldRunner
      ? { runFolds: options.foldRunner({ model: stages.model, sampler: stages.sampler }, local) }
      : {}),
    ...(options.positive !== undefined ? { positive: options.positive } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
    ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
  });
  return {
    ...result,
    model: stages.model,
    sampler: stages.sampler,
    backend: tf.getBackend(),
    seconds: (now() - started) / 1000,
  };
}

export interface TrainFinalOptions extends Omit<StageOverrides, 'foldColumn'> {
  /** Predefined folds' column: left out of the features, as in the folds. */
  foldColumn?: string;
  /** Binary tasks: the positive class (default: the minority class). */
  positive?: string;
  onEpoch?: (report: EpochReport) => void;
  isCancelled?: () => boolean;
  /**
   * Called before each stage: 'prepare' before every step, then 'resample' (with a sampler) and
   * 'train'. May be async (a worker yields there so a cancel message can land, and reports the
   * stage) and may throw to stop.
   */
  beforeStage?: (stage: 'prepare' | 'resample' | 'train') => void | Promise<void>;
}

export interface FinalModel {
  task: Task;
  target: string;
  /** The steps fitted on every row (filters run); replay them with applyRecipe / applySteps. */
  fitted: FittedRecipe;
  model: TrainedModel;
  modelSpec: ModelSpec;
  sampler: SamplerSpec | null;
  /** Classification: class index -> label (the model's output columns), counts, positive. */
  labels: LabelMapping | null;
  /** The model's input columns, in order (the prepared frame's columns). */
  features: string[];
  /** Rows in the data, rows the model was fitted on (after filters and resampling). */
  rows: number;
  fittedRows: number;
  /** The seed the model and sampler used (as fold -1 of the recipe's seed). */
  seed: number;
  notes: string[];
}

/**
 * Trains the final model on every row of `frame`, as a training fold is trained: the steps are
 * fitted, filters run, the sampler resamples, the model is fitted. The caller owns `model` and
 * must dispose() it.
 */
export async function trainFinal(
  tf: Tf,
  frame: Frame,
  recipe: Recipe,
  options: TrainFinalOptions = {},
): Promise<FinalModel> {
  const stages = resolveStages(frame, recipe, options);
  checkSomeFeature(frame, recipe, stages);
  const target = recipe.target as string;
  const column = findTarget(frame, target);
  const mapping = stages.task === 'classification' ? labelMapping(column, options.positive) : null;
  const checkCancel = (): void => {
    if (options.isCancelled?.()) throw cancelled('The training');
  };
  const fitted = await fitRecipe(frame, recipe, {
    beforeStep: async () => {
      await options.beforeStage?.('prepare');
      checkCancel();
    },
  });
  const seed = foldSeed(recipe.seed, -1);
  const notes: string[] = [];
  let prepared: ResampleOutput = { frame: fitted.frame };
  if (stages.sampler) {
    await options.beforeStage?.('resample');
    prepared = await runResample(samplerHook(stages.sampler, tf), fitted.frame, target, {
      seed,
      rng: createRng(seed),
      fold: -1,
      ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
    });
  }
  checkCancel();
  const data = trainingData(
    prepared.frame,
    target,
    mapping,
    splitColumns(stages.validation, recipe),
    prepared.sampleWeight,
    'Training on every row',
  );
  if (data.rows < fitted.frame.rows) {
    notes.push(`${fitted.frame.rows - data.rows} rows without a target were left out.`);
  }
  await options.beforeStage?.('train');
  checkCancel();
  const model = await fitModel(tf, stages.model, data, {
    seed,
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
    ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
  });
  if (!model.info.converged) notes.push(`The model did not converge: ${model.info.stopReason}.`);
  return {
    task: stages.task,
    target,
    fitted,
    model,
    modelSpec: stages.model,
    sampler: stages.sampler,
    labels: mapping,
    features: [...data.featureNames],
    rows: frame.rows,
    fittedRows: data.rows,
    seed,
    notes,
  };
}
