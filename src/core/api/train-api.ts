// The training API behind the train worker (issue 5): cross-validate a recipe's model on a stored
// dataset and keep the result as a run, list / delete runs, train the final model on every row and
// keep its tfjs artifacts, switch the compute backend, and cancel(jobId). Storage and the tfjs
// module (backend already chosen) are injected, so this file stays pure and the same body runs
// in-process, through comlink and in Node on the wasm backend.
//
// What crosses the boundary is plain cloneable data: a RunRecord (metrics mean ± std, per-fold
// figures and loss curves, thinned ROC / PR curves, the confusion matrix, out-of-fold predictions
// for the threshold chooser or the residuals plot, timings, backend, seed). A run is written once,
// when it completes: a cancelled or failed run stores nothing. Cancellation is checked between
// stages and folds (each stage boundary yields to the event loop so a cancel message can land) and
// by the model between epochs.
import { BenchtopError, toBenchtopError } from '../errors';
import {
  activateBackend,
  BACKEND_NAMES,
  planBackends,
  type ActiveBackend,
  type BackendName,
  type BackendOverride,
  type BackendPlan,
  type DetectedBackends,
} from '../backend';
import { findColumn, type Frame } from '../data/frame';
import {
  crossValidate as runCrossValidation,
  defaultModel,
  encodeTarget,
  findTarget,
  inferTask,
  resolveValidation,
  regressionTarget,
  type CrossValidationResult,
  type CvProgress,
  type FoldModel,
  type LabelMapping,
  type MetricSummary,
  type ModelTrainer,
  type ResampleHook,
  samplerHook,
  type Stage,
  trainFinal as trainFinalModel,
} from '../evaluate';
import { chooseThreshold, type ThresholdMetrics } from '../metrics';
import {
  fitModel,
  getModel,
  listModels,
  parseModelSpec,
  saveModelArtifacts,
  type EpochReport,
  type ModelParamSpec,
  type ModelSpec,
  type Tf,
  type TrainInfo,
} from '../models';
import { parseRecipe, type Recipe, type Task } from '../recipe';
import {
  describeSamplers,
  getSampler,
  parseSamplerSpec,
  type SamplerInfo,
  type SamplerSpec,
} from '../resample';
import { VALIDATION_KINDS, type ValidationSpec } from '../split';
import type { FittedStep, JsonObject } from '../steps';
import type { DatasetStore } from './data-api';
import {
  frameCache,
  quietly,
  readDatasetMeta,
  yieldToEventLoop,
  type FrameCache,
} from './stored-dataset';

// ---- stored shapes -----------------------------------------------------------------------------

/** A curve as plain numbers (thinned for storage): x = fpr / recall, y = tpr / precision. */
export interface CurvePoints {
  x: number[];
  y: number[];
}

/** A class's mean ROC and PR curves over folds (on a fixed grid), with the per-point std. */
export interface RunMeanCurves {
  class: number;
  label: string;
  roc: CurvePoints & { std: number[] };
  pr: CurvePoints & { std: number[] };
}

/** One fold's curves of one class (binary: the positive class). */
export interface RunFoldCurves {
  fold: number;
  class: number;
  roc: CurvePoints;
  pr: CurvePoints;
}

export interface RunFold {
  /** 1-based over all repeats, as the progress reports it. */
  fold: number;
  index: number;
  repeat: number;
  trainRows: number;
  fittedRows: number;
  testRows: number;
  scoredRows: number;
  metrics: Record<string, number>;
  /** Why a metric is NaN in this fold. */
  undefined: Record<string, string>;
  seconds: number;
  iterations: number;
  converged: boolean;
  stopReason: string;
  lossCurve: number[];
  valLossCurve?: number[];
}

/** Binary tasks: pooled out-of-fold scores of the positive class, for the threshold chooser. */
export interface BinaryOutOfFold {
  kind: 'binary';
  /** 1 where the row's true class is the positive class. */
  truth: Uint8Array;
  /** p(positive) of each scored row. */
  score: Float32Array;
  /** Rows pooled (before any thinning for storage). */
  rows: number;
  best: { f1: ThresholdMetrics & { value: number }; youden: ThresholdMetrics & { value: number } };
}

export interface RegressionOutOfFold {
  kind: 'regression';
  actual: Float32Array;
  predicted: Float32Array;
  rows: number;
}

export interface RunTimings {
  /** Whole job, loading the data included. */
  seconds: number;
  loadSeconds: number;
  /** Seconds per stage summed over folds. */
  stages: Partial<Record<Stage, number>>;
}

export interface RunBackend {
  name: BackendName;
  reason: string;
  threads?: boolean;
}

/** A completed cross-validation, as stored in IndexedDB and shown in the Train tab. */
export interface RunRecord {
  id: string;
  datasetId: string;
  datasetName: string;
  datasetSha256: string;
  createdAt: number;
  /** The recipe as run, with its model, validation and sampler filled in. */
  recipe: Recipe;
  recipeName: string;
  task: Task;
  target: string;
  model: ModelSpec;
  modelTitle: string;
  sampler: SamplerSpec | null;
  validation: ValidationSpec;
  seed: number;
  labels: LabelMapping | null;
  /** Binary: the label scored as positive. */
  positive: string | null;
  features: string[];
  metrics: Record<string, MetricSummary>;
  /** Metrics of all out-of-fold predictions pooled. */
  pooled: Record<string, number>;
  folds: RunFold[];
  /** Classification: counts summed over folds (rows: true class, columns: predicted). */
  confusion: number[][] | null;
  curves: RunMeanCurves[];
  foldCurves: RunFoldCurves[];
  outOfFold: BinaryOutOfFold | RegressionOutOfFold | null;
  backend: RunBackend;
  timings: RunTimings;
  /** Rows in no fold (no fold id / group / date). */
  excluded: number;
  notes: string[];
}

/** A final model: its tfjs artifacts (minus the weight bytes, stored apart) and its lineage. */
export interface ModelRecord {
  id: string;
  name: string;
  datasetId: string;
  datasetName: string;
  /** sha256 of the original file the dataset came from. */
  datasetSha256: string;
  /** The run this model's recipe was cross-validated in (null: trained without one). */
  runId: string | null;
  createdAt: number;
  recipe: Recipe;
  task: Task;
  target: string;
  model: ModelSpec;
  sampler: SamplerSpec | null;
  labels: LabelMapping | null;
  positive: string | null;
  features: string[];
  /** The fitted transform steps (filters included; inference skips them), state as stored. */
  fittedSteps: FittedStep[];
  /** model.json: modelTopology, format, weightsManifest... */
  modelJson: JsonObject;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightBytes: number;
  trainRows: number;
  info: TrainInfo;
  backend: RunBackend;
  seconds: number;
}

/** What the train API needs from storage. Each put is one transaction: all or nothing. */
export interface RunStore {
  putRun(run: RunRecord): Promise<void>;
  listRuns(datasetId: string): Promise<RunRecord[]>;
  deleteRun(id: string): Promise<void>;
}

export interface ModelStore {
  /** The model row and its weight bytes in one transaction. */
  putModel(model: ModelRecord, weights: Uint8Array): Promise<void>;
  listModels(datasetId: string): Promise<ModelRecord[]>;
  deleteModel(id: string): Promise<void>;
}

export interface TrainApiDeps {
  datasets: Pick<DatasetStore, 'getDataset' | 'getDatasetBytes'>;
  runs: RunStore;
  models: ModelStore;
  /** tfjs-core with the backend packages registered and one already active. */
  tf: Tf;
  /** What the worker found on this device (re-planned on setBackend). */
  detected: DetectedBackends;
  /** The backend the worker activated, and the override that chose it. */
  active: ActiveBackend;
  override?: BackendOverride;
  /**
   * False when the wasm backend runs single-threaded even though the page is cross-origin
   * isolated (the worker turned tfjs's threads off): what the UI says about wasm follows it.
   */
  wasmThreads?: boolean;
  /** Wall clock (ms) for createdAt. */
  now: () => number;
  /** Monotonic clock (ms) for timings; defaults to performance.now. */
  clock?: () => number;
  newId: () => string;
  /**
   * The decoded-frame cache to read datasets through; the train worker passes the one its bundle
   * API reads through too, so a dataset is decoded and held once (default: a cache of its own).
   */
  frames?: FrameCache;
}

// ---- progress ----------------------------------------------------------------------------------

export interface TrainProgress {
  stage: Stage | 'load' | 'store';
  fold: number;
  folds: number;
}

/** Loss points of one fold, sent in batches (a fold of L-BFGS reports hundreds of iterations). */
export interface EpochBatch {
  fold: number;
  points: EpochReport[];
}

export interface FinalProgress {
  phase: 'loading' | 'preparing' | 'resampling' | 'training' | 'saving' | 'storing';
  /** Training: the last loss points since the previous message. */
  points?: EpochReport[];
}

export interface BackendInfo {
  active: RunBackend;
  override: BackendOverride;
  plan: BackendPlan;
  /** Every backend tried before the active one, with what went wrong. */
  failed: { name: BackendName; error: string }[];
  detected: DetectedBackends;
  /** What the override select offers. */
  choices: BackendOverride[];
}

export interface CvOptions {
  /** Override the recipe's model / validation / sampler (null: no sampler). */
  model?: unknown;
  validation?: unknown;
  sampler?: unknown;
  /** Binary tasks: the label scored as positive (default: the minority class). */
  positive?: string;
}

export interface FinalOptions {
  /** The run whose recipe this is, for the model's lineage. */
  runId?: string;
  positive?: string;
  name?: string;
}

/** What the Train tab offers: model kinds with their settings, samplers, validation kinds. */
export interface TrainCatalog {
  models: {
    kind: string;
    task: Task;
    title: string;
    description: string;
    params: Record<string, ModelParamSpec>;
    defaults: JsonObject;
  }[];
  samplers: SamplerInfo[];
  validations: string[];
}

/** At most one progress message per this many ms (throttled; stage changes always go). */
export const TRAIN_PROGRESS_INTERVAL_MS = 100;
/** Per-fold curves keep at most this many points each. */
export const CURVE_POINTS = 200;
/** Out-of-fold predictions kept with a run (a stride sample beyond that). */
export const OUT_OF_FOLD_ROWS = 50_000;
/** Loss points kept per fold. */
const LOSS_POINTS = 2_000;

/**
 * Batches loss points: at most one message per interval, the rest held back and flushed at the
 * end of a fold (so no point is lost and a fast L-BFGS cannot flood the main thread).
 */
function epochBatcher(send: (b: EpochBatch) => void, clock: () => number) {
  let fold = 0;
  let points: EpochReport[] = [];
  let last = -Infinity;
  const flush = () => {
    if (points.length > 0) send({ fold, points });
    points = [];
    last = clock();
  };
  return {
    push(f: number, p: EpochReport) {
      if (f !== fold) {
        flush();
        fold = f;
      }
      points.push(p);
      if (clock() - last >= TRAIN_PROGRESS_INTERVAL_MS) flush();
    },
    flush,
  };
}

/** Keeps at most `max` points: every n-th plus the last, so the curve's ends stay exact. */
export function thin(x: ArrayLike<number>, y: ArrayLike<number>, max = CURVE_POINTS): CurvePoints {
  const n = x.length;
  if (n <= max) return { x: Array.from(x), y: Array.from(y) };
  const step = (n - 1) / (max - 1);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < max; i++) {
    const j = Math.round(i * step);
    xs.push(x[j]);
    ys.push(y[j]);
  }
  return { x: xs, y: ys };
}

/** Row positions 0..n-1, or an even stride of `max` of them. */
function sampleRows(n: number, max: number): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

function checkModelTask(model: ModelSpec, task: Task): void {
  const def = getModel(model.kind);
  if (def.task !== task) {
    const fits = listModels()
      .filter((m) => m.task === task)
      .map((m) => m.title.toLowerCase());
    throw new BenchtopError(
      'invalid-argument',
      `${def.title} is a ${def.task} model, but this recipe's task is ${task}. Choose ${fits.join(' or ')}, or change the task.`,
      { model: model.kind, task },
    );
  }
}

/** A sampler on a regression recipe: there are no classes to rebalance. */
function samplerForRegression(sampler: SamplerSpec): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `${getSampler(sampler.kind).title} rebalances classes, and this recipe's task is regression. Choose no sampler.`,
  );
}

/**
 * The sampler stage of a run: core's samplerHook (class weights become per-row sample weights
 * computed on the fold's training rows), after one event-loop turn so a cancel can land first.
 */
function samplingStage(
  sampler: SamplerSpec,
  task: Task,
  tf: Tf,
  isCancelled: () => boolean,
): ResampleHook {
  if (task !== 'classification') throw samplerForRegression(sampler);
  const hook = samplerHook(sampler, tf);
  return async (frame, target, ctx) => {
    await yieldToEventLoop();
    if (isCancelled()) throw cancelledRun();
    return hook(frame, target, { ...ctx, isCancelled });
  };
}

/**
 * The serialised error a job rejects with. A cancel can land in any stage (the model's own
 * "Training was cancelled"), so every cancellation reads the same: what stopped, nothing stored.
 */
function asUserError(err: unknown, context: string, job: string) {
  const e = toBenchtopError(err, context);
  return (e.code === 'cancelled' ? cancelledRun(job) : e).toJSON();
}

function cancelledRun(what = 'The cross-validation'): BenchtopError {
  return new BenchtopError('cancelled', `${what} was cancelled. Nothing was stored.`);
}

function curvePoints(c: { x: Float64Array; y: Float64Array; std: Float64Array }) {
  return { x: Array.from(c.x), y: Array.from(c.y), std: Array.from(c.std) };
}

/** Plain JSON of a value that may be a Svelte proxy or carry undefined fields. */
function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The words the plan used for threaded wasm, replaced when the worker turned threads off. */
const THREADED = '(threaded: cross-origin isolated)';

export function createTrainApi(deps: TrainApiDeps) {
  const cancelledJobs = new Set<string>();
  const clock = deps.clock ?? (() => performance.now());
  const honest = (a: ActiveBackend): ActiveBackend =>
    deps.wasmThreads === false && a.name === 'wasm'
      ? {
          ...a,
          threads: false,
          reason: a.reason.replace(
            THREADED,
            '(single-threaded: tfjs’s threaded wasm cannot start in a bundled module worker)',
          ),
        }
      : a;
  let active = honest(deps.active);
  let override: BackendOverride = deps.override ?? 'auto';
  let running = 0;
  const frames = deps.frames ?? frameCache(deps.datasets, { nameReadFailures: true });

  async function loadData(datasetId: string) {
    const meta = await readDatasetMeta(deps.datasets, datasetId);
    return { meta, frame: (await frames.frame(meta)).frame };
  }

  function backendNow(): RunBackend {
    return {
      name: active.name,
      reason: active.reason,
      ...(active.threads !== undefined ? { threads: active.threads } : {}),
    };
  }

  function info(): BackendInfo {
    return {
      active: backendNow(),
      override,
      plan: planBackends(deps.detected, override),
      failed: active.failed.map((f) => ({ ...f })),
      detected: plain(deps.detected),
      choices: ['auto', ...BACKEND_NAMES],
    };
  }

  /** The recipe with its stages resolved: model, validation, sampler (options override). */
  function resolveStages(recipeJson: unknown, options: CvOptions, frame: Frame) {
    const recipe = parseRecipe(plain(recipeJson));
    if (recipe.target === null) {
      throw new BenchtopError(
        'invalid-argument',
        'Choose a target column in the recipe before training: a model needs something to predict.',
      );
    }
    const task = inferTask(recipe, findTarget(frame, recipe.target));
    const modelJson = options.model !== undefined ? options.model : recipe.model;
    const model = modelJson ? parseModelSpec(plain(modelJson)) : defaultModel(task);
    checkModelTask(model, task);
    const samplerJson = options.sampler !== undefined ? options.sampler : recipe.sampler;
    const sampler = samplerJson ? parseSamplerSpec(plain(samplerJson)) : null;
    // An override (null: the task's default) replaces the recipe's validation.
    const validationJson =
      options.validation !== undefined ? options.validation : recipe.validation;
    const validation = resolveValidation(
      { ...recipe, validation: validationJson ? (plain(validationJson) as JsonObject) : null },
      task,
      {},
    );
    const full: Recipe = {
      ...recipe,
      task,
      model: model as unknown as JsonObject,
      sampler: sampler as unknown as JsonObject | null,
      validation: validation as unknown as JsonObject,
    };
    return { recipe: full, task, target: recipe.target, model, sampler, validation };
  }

  function beginJob(): void {
    running++;
  }
  function endJob(jobId: string): void {
    running--;
    cancelledJobs.delete(jobId);
  }

  return {
    /** The active backend, why it was chosen, and what else was detected. */
    backendInfo(): BackendInfo {
      return info();
    },

    /**
     * Re-plans with `override` first and activates the first backend that really starts (the
     * automatic order follows as the fallback). Refused while a job runs.
     */
    async setBackend(choice: BackendOverride): Promise<BackendInfo> {
      try {
        if (choice !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(choice)) {
          throw new BenchtopError(
            'invalid-argument',
            `There is no compute backend '${String(choice)}'. Choose auto, ${BACKEND_NAMES.join(', ')}.`,
          );
        }
        if (running > 0) {
          throw new BenchtopError(
            'invalid-argument',
            'A training job is running on the current backend. Wait for it to finish, or cancel it, then switch.',
          );
        }
        const plan = planBackends(deps.detected, choice);
        active = honest(await activateBackend(deps.tf, plan.order));
        override = choice;
        return info();
      } catch (err) {
        throw toBenchtopError(err, 'Could not switch the compute backend').toJSON();
      }
    },

    /** Model kinds with their settings, samplers, validation kinds: what the Train tab offers. */
    catalog(): TrainCatalog {
      return {
        models: listModels().map((m) => ({
          kind: m.kind,
          task: m.task,
          title: m.title,
          description: m.description,
          params: plain(m.params) as Record<string, ModelParamSpec>,
          defaults: plain(m.defaults),
        })),
        samplers: describeSamplers().map(plain),
        validations: [...VALIDATION_KINDS],
      };
    },

    /**
     * Cross-validates the recipe's steps, sampler and model on a stored dataset and stores the
     * run when (and only when) it completes. `jobId` comes first, as everywhere: cancel(jobId)
     * stops it between stages and epochs.
     */
    async crossValidate(
      jobId: string,
      datasetId: string,
      recipeJson: unknown,
      options: CvOptions = {},
      onProgress?: (p: TrainProgress) => unknown,
      onEpoch?: (b: EpochBatch) => unknown,
    ): Promise<RunRecord> {
      const isCancelled = () => cancelledJobs.has(jobId);
      const progress = quietly(onProgress);
      const batcher = epochBatcher(quietly(onEpoch), clock);
      beginJob();
      const started = clock();
      try {
        progress({ stage: 'load', fold: 0, folds: 0 });
        const { meta, frame } = await loadData(datasetId);
        const loadSeconds = (clock() - started) / 1000;
        await yieldToEventLoop();
        if (isCancelled()) throw cancelledRun();
        const stages = resolveStages(recipeJson, options, frame);
        const { recipe, task, target, model, sampler } = stages;
        // Per fold, in call order: what the model did (iterations, loss curve).
        const infos: TrainInfo[] = [];
        const foldSeconds: number[] = [];
        const trainer: ModelTrainer = {
          async fit(data, opts): Promise<FoldModel> {
            await yieldToEventLoop();
            if (isCancelled()) throw cancelledRun();
            // Class weights arrive as data.sampleWeight, computed on the fold's training rows.
            const trained = await fitModel(deps.tf, model, data, {
              seed: opts.seed,
              onEpoch: opts.onEpoch,
              isCancelled,
              now: clock,
            });
            infos.push(trained.info);
            return trained;
          },
        };

        const stageSeconds: Partial<Record<Stage, number>> = {};
        let stageAt = clock();
        let stageNow: Stage | null = null;
        let foldNow = 0;
        let foldAt = clock();
        const result: CrossValidationResult = await runCrossValidation(frame, recipe, {
          trainer,
          validation: stages.validation,
          ...(options.positive !== undefined ? { positive: options.positive } : {}),
          ...(sampler ? { resample: samplingStage(sampler, task, deps.tf, isCancelled) } : {}),
          isCancelled,
          onProgress: (p: CvProgress) => {
            const t = clock();
            if (stageNow)
              stageSeconds[stageNow] = (stageSeconds[stageNow] ?? 0) + (t - stageAt) / 1000;
            stageNow = p.stage;
            stageAt = t;
            if (p.fold !== foldNow) {
              if (foldNow > 0) foldSeconds[foldNow - 1] = (t - foldAt) / 1000;
              foldNow = p.fold;
              foldAt = t;
            }
            if (p.stage === 'train' || p.stage === 'done') batcher.flush();
            progress({ stage: p.stage, fold: p.fold, folds: p.folds });
          },
          onEpoch: (fold, r) => batcher.push(fold, r),
        });
        batcher.flush();
        if (foldNow > 0 && foldSeconds[foldNow - 1] === undefined)
          foldSeconds[foldNow - 1] = (clock() - foldAt) / 1000;

        await yieldToEventLoop();
        if (isCancelled()) throw cancelledRun();
        const run = buildRun(result, {
          id: deps.newId(),
          meta: { id: meta.id, name: meta.name, sha256: meta.source.sha256 },
          createdAt: deps.now(),
          recipe,
          model,
          sampler,
          infos,
          foldSeconds,
          backend: backendNow(),
          timings: { seconds: (clock() - started) / 1000, loadSeconds, stages: stageSeconds },
          truth: result.labels
            ? encodeTarget(findColumn(frame, target)!, result.labels)
            : regressionTarget(findColumn(frame, target)!),
        });
        progress({ stage: 'store', fold: result.folds.length, folds: result.folds.length });
        await deps.runs.putRun(run);
        return run;
      } catch (err) {
        throw asUserError(err, 'Could not cross-validate', 'The cross-validation');
      } finally {
        endJob(jobId);
      }
    },

    /** The stored runs of a dataset, newest first. */
    async listRuns(datasetId: string): Promise<RunRecord[]> {
      try {
        return await deps.runs.listRuns(datasetId);
      } catch (err) {
        throw toBenchtopError(err, 'Could not read the stored runs').toJSON();
      }
    },

    async deleteRun(id: string): Promise<void> {
      try {
        await deps.runs.deleteRun(id);
      } catch (err) {
        throw toBenchtopError(err, 'Could not delete the run').toJSON();
      }
    },

    /**
     * Fits the recipe's steps, sampler and model on every row of the dataset and stores the model:
     * tfjs artifacts (model.json, weight specs, weight bytes), fitted steps, label mapping, recipe,
     * lineage. Stores nothing when cancelled or failed.
     */
    async trainFinal(
      jobId: string,
      datasetId: string,
      recipeJson: unknown,
      onProgress?: (p: FinalProgress) => unknown,
      options: FinalOptions = {},
    ): Promise<ModelRecord> {
      const isCancelled = () => cancelledJobs.has(jobId);
      const progress = quietly(onProgress);
      const check = async () => {
        await yieldToEventLoop();
        if (isCancelled()) throw cancelledRun('Training the final model');
      };
      beginJob();
      const started = clock();
      let trained: Awaited<ReturnType<typeof fitModel>> | null = null;
      try {
        progress({ phase: 'loading' });
        const { meta, frame } = await loadData(datasetId);
        await check();
        const { recipe, task, target, model, sampler } = resolveStages(recipeJson, {}, frame);
        if (sampler && task !== 'classification') throw samplerForRegression(sampler);
        // The same final fit as the CLI's `benchtop train` (src/core/evaluate/run.ts): steps on
        // every row, the sampler, the model, with the same seeds and the same features.
        let pending: EpochReport[] = [];
        let sentAt = -Infinity;
        const final = await trainFinalModel(deps.tf, frame, recipe, {
          ...(options.positive !== undefined ? { positive: options.positive } : {}),
          isCancelled,
          beforeStage: async (stage: 'prepare' | 'resample' | 'train') => {
            progress({
              phase:
                stage === 'prepare'
                  ? 'preparing'
                  : stage === 'resample'
                    ? 'resampling'
                    : 'training',
            });
            await check();
          },
          onEpoch: (r: EpochReport) => {
            pending.push(r);
            if (clock() - sentAt >= TRAIN_PROGRESS_INTERVAL_MS) {
              progress({ phase: 'training', points: pending });
              pending = [];
              sentAt = clock();
            }
          },
        });
        trained = final.model;
        if (pending.length > 0) progress({ phase: 'training', points: pending });
        await check();
        progress({ phase: 'saving' });
        const mapping = final.labels;
        const artifacts = await saveModelArtifacts(deps.tf, trained.model);
        const info = trained.info;
        trained.dispose();
        trained = null;
        await check();
        const positive =
          mapping && mapping.positive !== null ? mapping.labels[mapping.positive] : null;
        const record: ModelRecord = {
          id: deps.newId(),
          name:
            options.name?.trim() ||
            `${getModel(model.kind).title} · ${recipe.name ?? 'recipe'} · ${meta.name}`,
          datasetId: meta.id,
          datasetName: meta.name,
          datasetSha256: meta.source.sha256,
          runId: options.runId ?? null,
          createdAt: deps.now(),
          recipe,
          task,
          target,
          model,
          sampler,
          labels: mapping,
          positive,
          features: final.features,
          fittedSteps: final.fitted.fitted,
          modelJson: artifacts.modelJson,
          weightSpecs: artifacts.weightSpecs.map((w) => ({
            name: w.name,
            shape: [...w.shape],
            dtype: w.dtype,
          })),
          weightBytes: artifacts.weightData.byteLength,
          trainRows: final.fittedRows,
          info,
          backend: backendNow(),
          seconds: (clock() - started) / 1000,
        };
        progress({ phase: 'storing' });
        await deps.models.putModel(record, new Uint8Array(artifacts.weightData));
        return record;
      } catch (err) {
        throw asUserError(err, 'Could not train the final model', 'Training the final model');
      } finally {
        trained?.dispose();
        endJob(jobId);
      }
    },

    async listModels(datasetId: string): Promise<ModelRecord[]> {
      try {
        return await deps.models.listModels(datasetId);
      } catch (err) {
        throw toBenchtopError(err, 'Could not read the stored models').toJSON();
      }
    },

    async deleteModel(id: string): Promise<void> {
      try {
        await deps.models.deleteModel(id);
      } catch (err) {
        throw toBenchtopError(err, 'Could not delete the model').toJSON();
      }
    },

    /** tfjs's tensor count (tests and the bench check that runs leave nothing behind). */
    memory(): { numTensors: number; numBytes: number } {
      const m = deps.tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },

    /** Asks a running job to stop; it rejects with a 'cancelled' error and stores nothing. */
    cancel(jobId: string): void {
      cancelledJobs.add(jobId);
    },

    /** Forgets the decoded frame of a dataset (after a delete or re-import). */
    evict(id: string): void {
      frames.evict(id);
    },
  };
}

export type TrainApi = ReturnType<typeof createTrainApi>;

// ---- the run summary ---------------------------------------------------------------------------

interface RunContext {
  id: string;
  meta: { id: string; name: string; sha256: string };
  createdAt: number;
  recipe: Recipe;
  model: ModelSpec;
  sampler: SamplerSpec | null;
  infos: TrainInfo[];
  foldSeconds: number[];
  backend: RunBackend;
  timings: RunTimings;
  /** The encoded target of every input row (class index or value), as crossValidate scored it. */
  truth: Int32Array | Float64Array;
}

/** The cloneable, storable summary of a cross-validation result. */
export function buildRun(result: CrossValidationResult, ctx: RunContext): RunRecord {
  const labels = result.labels;
  const labelOf = (c: number) => labels?.labels[c] ?? String(c);
  const folds: RunFold[] = result.folds.map((f, i) => {
    const info = ctx.infos[i];
    const fold: RunFold = {
      fold: i + 1,
      index: f.index,
      repeat: f.repeat,
      trainRows: f.trainRows,
      fittedRows: f.fittedRows,
      testRows: f.testRows,
      scoredRows: f.scoredRows,
      metrics: { ...f.report.metrics },
      undefined: { ...f.report.undefined },
      seconds: ctx.foldSeconds[i] ?? 0,
      iterations: info?.iterations ?? 0,
      converged: info?.converged ?? false,
      stopReason: info?.stopReason ?? '',
      lossCurve: (info?.lossCurve ?? []).slice(0, LOSS_POINTS),
    };
    if (info?.valLossCurve) fold.valLossCurve = info.valLossCurve.slice(0, LOSS_POINTS);
    return fold;
  });
  const foldCurves: RunFoldCurves[] = [];
  result.folds.forEach((f, i) => {
    if (f.report.task !== 'classification') return;
    for (const c of f.report.curves) {
      foldCurves.push({
        fold: i + 1,
        class: c.class,
        roc: thin(c.roc.fpr, c.roc.tpr),
        pr: thin(c.pr.recall, c.pr.precision),
      });
    }
  });
  let outOfFold: RunRecord['outOfFold'] = null;
  const k = labels ? labels.labels.length : 1;
  const pooledRows = result.folds.reduce((s, f) => s + f.scored.length, 0);
  if (labels && k === 2 && labels.positive !== null) {
    const pos = labels.positive;
    const yAll: number[] = [];
    const proba: number[] = [];
    for (const f of result.folds) {
      f.scored.forEach((row, j) => {
        yAll.push(ctx.truth[row]);
        proba.push(f.predictions[j * 2], f.predictions[j * 2 + 1]);
      });
    }
    const y = Int32Array.from(yAll);
    const p = Float64Array.from(proba);
    const best = (criterion: 'f1' | 'youden') => {
      const { criterion: _c, ...rest } = chooseThreshold(y, p, 2, pos, criterion);
      return rest;
    };
    const keep = sampleRows(pooledRows, OUT_OF_FOLD_ROWS);
    outOfFold = {
      kind: 'binary',
      truth: Uint8Array.from(keep, (i) => (y[i] === pos ? 1 : 0)),
      score: Float32Array.from(keep, (i) => p[i * 2 + pos]),
      rows: pooledRows,
      best: { f1: best('f1'), youden: best('youden') },
    };
  } else if (!labels) {
    const actual: number[] = [];
    const predicted: number[] = [];
    for (const f of result.folds) {
      f.scored.forEach((row, j) => {
        actual.push(ctx.truth[row]);
        predicted.push(f.predictions[j]);
      });
    }
    const keep = sampleRows(pooledRows, OUT_OF_FOLD_ROWS);
    outOfFold = {
      kind: 'regression',
      actual: Float32Array.from(keep, (i) => actual[i]),
      predicted: Float32Array.from(keep, (i) => predicted[i]),
      rows: pooledRows,
    };
  }
  const positive = labels && labels.positive !== null ? labels.labels[labels.positive] : null;
  return {
    id: ctx.id,
    datasetId: ctx.meta.id,
    datasetName: ctx.meta.name,
    datasetSha256: ctx.meta.sha256,
    createdAt: ctx.createdAt,
    recipe: ctx.recipe,
    recipeName: ctx.recipe.name ?? 'Unsaved recipe',
    task: result.task,
    target: result.target,
    model: ctx.model,
    modelTitle: getModel(ctx.model.kind).title,
    sampler: ctx.sampler,
    validation: result.validation,
    seed: ctx.recipe.seed,
    labels,
    positive,
    features: result.features,
    metrics: result.metrics,
    pooled: { ...result.pooled.metrics },
    folds,
    confusion: result.confusion,
    curves: result.curves.map((c) => ({
      class: c.class,
      label: labelOf(c.class),
      roc: curvePoints(c.roc),
      pr: curvePoints(c.pr),
    })),
    foldCurves,
    outOfFold,
    backend: ctx.backend,
    timings: ctx.timings,
    excluded: result.excluded,
    notes: result.notes,
  };
}

/** Re-exported for the worker and the UI. */
export type { ActiveBackend, BackendOverride, DetectedBackends };
