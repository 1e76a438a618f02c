// Cross-validation (DESIGN.md §2, "nothing is fitted on data it will be scored on"): the rows are
// split into folds as indices first; then, for each fold, the recipe's steps are fitted on the
// training rows only (filters run there only), the optional sampler resamples the prepared
// training frame, the model is trained on it, and the fitted steps are replayed on the untouched
// test rows with `inference: true` (no filters: every test row is kept) before scoring. Test rows
// without a target are left out of the score. The model comes through the ModelTrainer interface,
// so this loop runs (and is tested) without tfjs; the tfjs models plug in behind it. One fold is
// one call of `runFold`; a `runFolds` hook may run those calls elsewhere (the CLI's worker threads)
// from the plan as plain data, so the per-fold code is the same wherever it runs.
import { BenchtopError, cancelled, toBenchtopError } from '../errors';
import { findColumn, isNumericColumn, takeRows, type Frame, type FrameColumn } from '../data/frame';
import {
  addConfusion,
  classificationReport,
  regressionReport,
  type ClassificationReport,
  type ConfusionMatrix,
  type RegressionReport,
} from '../metrics';
import { applyRecipe, fitRecipe, type FittedRecipe } from '../recipe/run';
import type { Recipe } from '../recipe/recipe';
import { createRng } from '../rng';
import {
  makeFolds,
  parseValidationSpec,
  type Fold,
  type FoldPlan,
  type KeyColumn,
  type SplitInputs,
  type ValidationSpec,
} from '../split';
import { encodeTarget, labelMapping, regressionTarget, type LabelMapping } from './labels';
import { toMatrix } from './matrix';
import { meanCurves, summarize, type MeanClassCurves, type MetricSummary } from './summary';

export type Task = 'classification' | 'regression';

/** What a model trains on (the same shape as src/core/models' TrainingData). */
export interface TrainingData {
  /** rows × cols, row-major. */
  X: Float32Array;
  rows: number;
  cols: number;
  /** Classification: class indices 0..classes-1. Regression: the target values. */
  y: Int32Array | Float64Array;
  /** Classification: the number of classes. */
  classes?: number;
  featureNames: readonly string[];
  classNames?: readonly string[];
  targetName: string;
  /** Per-row loss weights (class weights from the 'class-weights' sampler); absent = all 1. */
  sampleWeight?: Float64Array;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  valLoss?: number;
}

export interface TrainerOptions {
  seed: number;
  onEpoch?: (report: EpochReport) => void;
  isCancelled?: () => boolean;
}

/** A model fitted on one training fold. */
export interface FoldModel {
  /** Classification: rows × classes probabilities, row-major. Regression: one value per row. */
  predict(X: Float32Array, rows: number): Promise<Float64Array> | Float64Array;
  dispose(): void;
}

/** Trains a model on a prepared training fold; the tfjs models implement it (src/core/models). */
export interface ModelTrainer {
  fit(data: TrainingData, options: TrainerOptions): Promise<FoldModel>;
}

export interface ResampleContext {
  seed: number;
  rng: () => number;
  /** 0-based fold number (over all repeats); -1 for the final model on every row. */
  fold: number;
  isCancelled?: () => boolean;
}

/** A resampled training frame, with per-row loss weights when the sampler gives them. */
export interface ResampleOutput {
  frame: Frame;
  /** One weight per row of `frame` (class weights), multiplied into the model's loss. */
  sampleWeight?: Float64Array;
}

/**
 * Resamples the prepared training frame (never the test rows). The sampler registry plugs in here
 * (src/core/evaluate/run.ts's samplerHook). Returning a bare Frame means no weights.
 */
export type ResampleHook = (
  frame: Frame,
  target: string,
  ctx: ResampleContext,
) => Frame | ResampleOutput | Promise<Frame | ResampleOutput>;

export type Stage = 'split' | 'prepare' | 'resample' | 'train' | 'score' | 'done';

export interface CvProgress {
  stage: Stage;
  /** 1-based fold number over all repeats (0 while splitting). */
  fold: number;
  folds: number;
}

export interface CrossValidateOptions {
  trainer: ModelTrainer;
  /** Defaults to recipe.validation, then to stratified 5-fold (classification) or 5-fold. */
  validation?: ValidationSpec | Record<string, unknown>;
  /** Binary tasks: the label scored as positive (default: the minority class). */
  positive?: string;
  resample?: ResampleHook;
  /** Predefined folds: the fold-id column (overrides validation.column). Never a feature. */
  foldColumn?: string;
  onProgress?: (p: CvProgress) => void;
  /** Live loss curves: fold is 1-based. */
  onEpoch?: (fold: number, report: EpochReport) => void;
  /** Checked between folds and stages (and passed to the trainer). */
  isCancelled?: () => boolean;
  /**
   * Runs the folds somewhere else (the CLI's worker threads, src/cli/fold-worker.ts): given the
   * plan as plain data, it must run `runFold` on each fold, with the same model, sampler and seed
   * as `trainer` and `resample`, and return the outcomes in the plan's order. Without it the folds
   * run here, one after another. Progress, loss curves and cancellation go through `hooks`.
   */
  runFolds?: FoldRunner;
}

/**
 * What the folds of one cross-validation share, as plain data (typed arrays and JSON), so it can
 * cross to a worker: the data, the recipe, the folds' row indices, the label mapping and the
 * columns that are not features.
 */
export interface FoldRunPlan {
  frame: Frame;
  recipe: Recipe;
  target: string;
  folds: Fold[];
  mapping: LabelMapping | null;
  exclude: string[];
}

/** Per-fold hooks: progress and loss curves of the fold, and the cancel check. */
export type FoldHooks = Pick<CrossValidateOptions, 'onProgress' | 'onEpoch' | 'isCancelled'>;

export type FoldRunner = (plan: FoldRunPlan, hooks: FoldHooks) => Promise<FoldOutcome[]>;

/** One fold's result and the model's input columns (the same in every fold). */
export interface FoldOutcome {
  result: FoldResult;
  features: string[];
}

export interface FoldResult {
  /** 0-based fold within its repeat, and the repeat. */
  index: number;
  repeat: number;
  trainRows: number;
  /** Training rows the model saw (after filters and resampling). */
  fittedRows: number;
  testRows: number;
  /** Test rows scored (those with a target). */
  scoredRows: number;
  report: ClassificationReport | RegressionReport;
  /** Row numbers (of the input frame) that were scored, and their predictions (row-major). */
  scored: Int32Array;
  predictions: Float64Array;
}

export interface CrossValidationResult {
  task: Task;
  validation: ValidationSpec;
  target: string;
  features: string[];
  /** Classification: class index -> label, counts, the positive class. */
  labels: LabelMapping | null;
  folds: FoldResult[];
  /** Every metric's mean ± std (ddof = 0) over folds. */
  metrics: Record<string, MetricSummary>;
  /** Classification: summed over all folds (and repeats). */
  confusion: ConfusionMatrix | null;
  /** Classification: per-class (binary: the positive class) mean ROC and PR curves over folds. */
  curves: MeanClassCurves[];
  /** Metrics of all out-of-fold predictions pooled together (pooled ROC / PR curves too). */
  pooled: ClassificationReport | RegressionReport;
  /** Rows in no fold (no fold id, group or date). */
  excluded: number;
  notes: string[];
}

function cancelledCv(): BenchtopError {
  return cancelled('The cross-validation');
}

/** "Fold 2 of 5: ..." before a message, so a person knows where it happened. */
function inFold<T>(fold: number, folds: number, what: string, fn: () => Promise<T>): Promise<T> {
  return fn().catch((err: unknown) => {
    const e = toBenchtopError(err, `Fold ${fold} of ${folds} (${what})`);
    if (e.code === 'cancelled' || e.details.fold !== undefined) throw e;
    const message = e.message.startsWith(`Fold ${fold} of`)
      ? e.message
      : `Fold ${fold} of ${folds} (${what}): ${e.message}`;
    throw new BenchtopError(e.code, message, { ...e.details, fold });
  });
}

function keyColumn(frame: Frame, name: string, role: string): KeyColumn {
  const c = findColumn(frame, name);
  if (!c) {
    throw new BenchtopError(
      'invalid-argument',
      `The ${role} column '${name}' is not in this dataset.`,
      { column: name },
    );
  }
  return isNumericColumn(c) ? c.values : { codes: c.codes, categories: c.categories };
}

function dateValues(frame: Frame, name: string): Float64Array {
  const c = findColumn(frame, name);
  if (!c) {
    throw new BenchtopError(
      'invalid-argument',
      `The date column '${name}' is not in this dataset.`,
      { column: name },
    );
  }
  if (!isNumericColumn(c)) {
    throw new BenchtopError(
      'invalid-argument',
      `A time-series split orders rows by '${name}', but it is ${c.kind}: change its type to date (or a number such as a year) first.`,
      { column: name },
    );
  }
  return c.values;
}

/** The validation to use: the option, the recipe's, or the default for the task. */
export function resolveValidation(
  recipe: Recipe,
  task: Task,
  options: Pick<CrossValidateOptions, 'validation' | 'foldColumn'>,
): ValidationSpec {
  if (options.foldColumn !== undefined) {
    return parseValidationSpec({
      ...(options.validation ?? {}),
      kind: 'predefined',
      column: options.foldColumn,
    });
  }
  const raw = options.validation ??
    recipe.validation ?? { kind: task === 'classification' ? 'stratified-kfold' : 'kfold' };
  return parseValidationSpec(raw);
}

/** Derives a per-fold seed, so each fold's model and sampler draw different numbers. */
export function foldSeed(seed: number, fold: number): number {
  return (seed ^ Math.imul(fold + 1, 0x85ebca6b)) >>> 0;
}

/** The target column of `frame`; a BenchtopError naming it when the dataset has no such column. */
export function findTarget(frame: Frame, target: string): FrameColumn {
  const column = findColumn(frame, target);
  if (!column) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${target}' is not in this dataset. Choose another target.`,
      { column: target },
    );
  }
  return column;
}

/** The recipe's task, or the one its target implies (numbers: regression; else classification). */
export function inferTask(recipe: Recipe, targetColumn: FrameColumn): Task {
  return (
    recipe.task ??
    (isNumericColumn(targetColumn) && targetColumn.kind !== 'boolean'
      ? 'regression'
      : 'classification')
  );
}

/**
 * Columns that drive the split and so are never features: the group column of a group k-fold and
 * the fold-id column of predefined folds (a time-series date may be a feature: it is known at
 * prediction time). The final model leaves out the same ones, so it has the folds' features.
 */
export function splitColumns(validation: ValidationSpec, recipe: Recipe): string[] {
  if (validation.kind === 'group-kfold') {
    const name = validation.column ?? recipe.roles.group;
    return name === undefined ? [] : [name];
  }
  if (validation.kind === 'predefined' && validation.column !== undefined) {
    return [validation.column];
  }
  return [];
}

function isResampleOutput(v: Frame | ResampleOutput): v is ResampleOutput {
  return (v as Partial<ResampleOutput>).frame !== undefined;
}

/** Runs the resample hook and normalises what it returns. */
export async function runResample(
  hook: ResampleHook,
  frame: Frame,
  target: string,
  ctx: ResampleContext,
): Promise<ResampleOutput> {
  const out = await hook(frame, target, ctx);
  if (!isResampleOutput(out)) return { frame: out };
  if (out.sampleWeight && out.sampleWeight.length !== out.frame.rows) {
    throw new BenchtopError(
      'internal',
      `The sampler returned ${out.sampleWeight.length} row weights for ${out.frame.rows} rows.`,
    );
  }
  return out;
}

/**
 * The model's rows from a prepared (and resampled) training frame: rows whose target is still
 * missing are left out (a recipe without "Drop rows with a missing target"), the rest become the
 * float32 matrix, the encoded target and their weights. `where` prefixes messages ("Fold 2 of 5").
 */
export function trainingData(
  prepared: Frame,
  target: string,
  mapping: LabelMapping | null,
  exclude: readonly string[],
  sampleWeight: Float64Array | undefined,
  where: string,
): TrainingData {
  const preparedTarget = findColumn(prepared, target);
  if (!preparedTarget) {
    throw new BenchtopError(
      'invalid-argument',
      `${where}: a preparation step removed the target column '${target}'. Take it out of the step's columns.`,
      { column: target },
    );
  }
  const yAll = mapping ? encodeTarget(preparedTarget, mapping) : regressionTarget(preparedTarget);
  const has = (v: number) => (mapping ? v >= 0 : v === v);
  let kept = 0;
  for (let i = 0; i < prepared.rows; i++) if (has(yAll[i])) kept++;
  if (kept === 0) {
    throw new BenchtopError(
      'no-rows',
      `${where}: no training row is left with a target after the preparation steps.`,
    );
  }
  // Usually every row has its target (auto-prepare drops the others): then nothing is gathered.
  let keep: Int32Array | undefined;
  if (kept < prepared.rows) {
    keep = new Int32Array(kept);
    for (let i = 0, k = 0; i < prepared.rows; i++) if (has(yAll[i])) keep[k++] = i;
  }
  const m = toMatrix(prepared, target, { exclude, ...(keep ? { rows: keep } : {}) });
  // encodeTarget's array is new (kept as is); regressionTarget's is the column's own (copied).
  const y = mapping
    ? keep
      ? Int32Array.from(keep, (i) => yAll[i])
      : yAll
    : keep
      ? Float64Array.from(keep, (i) => yAll[i])
      : Float64Array.from(yAll);
  return {
    X: m.X,
    rows: m.rows,
    cols: m.cols,
    y,
    ...(mapping ? { classes: mapping.labels.length, classNames: mapping.labels } : {}),
    featureNames: m.features,
    targetName: target,
    ...(sampleWeight
      ? { sampleWeight: keep ? Float64Array.from(keep, (i) => sampleWeight[i]) : sampleWeight }
      : {}),
  };
}

/** What every fold reads: the plan, and the encoded target of every row. */
export interface FoldContext extends FoldRunPlan {
  /** Classification: class index per row (-1 = missing). Regression: the values (NaN = missing). */
  yAll: Int32Array | Float64Array;
}

/** The fold context of a plan (a worker builds it from the plan it received). */
export function foldContext(plan: FoldRunPlan): FoldContext {
  const column = findTarget(plan.frame, plan.target);
  const yAll = plan.mapping ? encodeTarget(column, plan.mapping) : regressionTarget(column);
  return { ...plan, yAll };
}

/** The model and the sampler a fold uses. */
export interface FoldStages {
  trainer: ModelTrainer;
  resample?: ResampleHook;
}

/**
 * Runs fold `f` (0-based over all repeats) of the plan: the recipe's steps fitted on its training
 * rows, the sampler, the model, then the fitted steps replayed on its untouched test rows and the
 * rows with a target scored. The one per-fold code path: crossValidate calls it in process, the
 * CLI's fold workers call it on their folds.
 */
export async function runFold(
  ctx: FoldContext,
  f: number,
  stages: FoldStages,
  hooks: FoldHooks = {},
): Promise<FoldOutcome> {
  const { frame, recipe, target, mapping, exclude, yAll } = ctx;
  const total = ctx.folds.length;
  const k = mapping ? mapping.labels.length : 1;
  const checkCancel = (): void => {
    if (hooks.isCancelled?.()) throw cancelledCv();
  };
  const fold = ctx.folds[f];
  const number = f + 1;
  const progress = (stage: Stage): void => {
    checkCancel();
    hooks.onProgress?.({ stage, fold: number, folds: total });
  };
  progress('prepare');
  const trainFrame = takeRows(frame, fold.train);
  const fitted: FittedRecipe = await inFold(number, total, 'preparing the training rows', () =>
    fitRecipe(trainFrame, recipe, { beforeStep: checkCancel }),
  );
  let resampled: ResampleOutput = { frame: fitted.frame };
  if (stages.resample) {
    progress('resample');
    const seed = foldSeed(recipe.seed, f);
    const resample = stages.resample;
    resampled = await inFold(number, total, 'resampling the training rows', () =>
      runResample(resample, fitted.frame, target, {
        seed,
        rng: createRng(seed),
        fold: f,
        isCancelled: hooks.isCancelled,
      }),
    );
  }

  progress('train');
  const train = await inFold(number, total, 'building the training matrix', async () =>
    trainingData(
      resampled.frame,
      target,
      mapping,
      exclude,
      resampled.sampleWeight,
      `Fold ${number} of ${total}`,
    ),
  );
  const model = await inFold(number, total, 'training the model', () =>
    stages.trainer.fit(train, {
      seed: foldSeed(recipe.seed, f),
      onEpoch: hooks.onEpoch ? (r) => hooks.onEpoch!(number, r) : undefined,
      isCancelled: hooks.isCancelled,
    }),
  );
  let predictions: Float64Array;
  let scored: Int32Array;
  let yTest: Int32Array | Float64Array;
  try {
    progress('score');
    const testFrame = takeRows(frame, fold.test);
    const testPrepared = await inFold(number, total, 'preparing the test rows', async () =>
      applyRecipe(testFrame, fitted, { inference: true }),
    );
    // Score only test rows that have a target (the test fold is never filtered, so its rows line
    // up with fold.test one to one). Usually all of them: then the matrix takes every row as is.
    const local = new Int32Array(fold.test.length);
    let kept = 0;
    for (let j = 0; j < fold.test.length; j++) {
      const v = yAll[fold.test[j]];
      if (mapping ? v >= 0 : v === v) local[kept++] = j;
    }
    const every = kept === fold.test.length;
    const test = await inFold(number, total, 'building the test matrix', async () =>
      toMatrix(testPrepared, target, {
        exclude,
        ...(every ? {} : { rows: local.subarray(0, kept) }),
        features: train.featureNames,
      }),
    );
    predictions = await inFold(number, total, 'predicting the test rows', async () =>
      model.predict(test.X, test.rows),
    );
    scored = every
      ? fold.test.slice()
      : Int32Array.from(local.subarray(0, kept), (j) => fold.test[j]);
    yTest = mapping
      ? Int32Array.from(scored, (i) => yAll[i])
      : Float64Array.from(scored, (i) => yAll[i]);
  } finally {
    model.dispose();
  }
  const expected = scored.length * (mapping ? k : 1);
  if (predictions.length !== expected) {
    throw new BenchtopError(
      'internal',
      `Fold ${number} of ${total}: the model returned ${predictions.length} values for ${scored.length} rows (expected ${expected}).`,
    );
  }
  if (scored.length === 0) {
    throw new BenchtopError(
      'no-rows',
      `Fold ${number} of ${total} has no test row with a target to score.`,
      { fold: number },
    );
  }
  const report = mapping
    ? classificationReport(yTest as Int32Array, predictions, k, {
        positive: mapping.positive ?? undefined,
        names: mapping.labels,
      })
    : regressionReport(yTest, predictions);
  return {
    result: {
      index: fold.index,
      repeat: fold.repeat,
      trainRows: fold.train.length,
      fittedRows: train.rows,
      testRows: fold.test.length,
      scoredRows: scored.length,
      report,
      scored,
      predictions,
    },
    features: [...train.featureNames],
  };
}

export async function crossValidate(
  frame: Frame,
  recipe: Recipe,
  options: CrossValidateOptions,
): Promise<CrossValidationResult> {
  const target = recipe.target;
  if (target === null) {
    throw new BenchtopError(
      'invalid-argument',
      'Choose a target column to predict before cross-validating.',
    );
  }
  const targetColumn = findTarget(frame, target);
  const task: Task = inferTask(recipe, targetColumn);
  const checkCancel = (): void => {
    if (options.isCancelled?.()) throw cancelledCv();
  };
  const validation = resolveValidation(recipe, task, options);

  // Label mapping over the whole dataset: every fold scores the same class indices.
  const mapping = task === 'classification' ? labelMapping(targetColumn, options.positive) : null;
  const yAll = mapping ? encodeTarget(targetColumn, mapping) : regressionTarget(targetColumn);

  // Columns that drive the split are not features.
  const exclude = splitColumns(validation, recipe);
  const inputs: SplitInputs = { rows: frame.rows, classNames: mapping?.labels, columns: {} };
  if (mapping) inputs.y = yAll as Int32Array;
  if (validation.kind === 'group-kfold') {
    const name = validation.column ?? recipe.roles.group;
    if (name !== undefined) {
      inputs.groups = keyColumn(frame, name, 'group');
      inputs.columns!.groups = name;
    }
  } else if (validation.kind === 'time-series') {
    const name = validation.column ?? recipe.roles.date;
    if (name !== undefined) {
      inputs.dates = dateValues(frame, name);
      inputs.columns!.dates = name;
    }
  } else if (validation.kind === 'predefined') {
    const name = validation.column;
    if (name !== undefined) {
      inputs.foldIds = keyColumn(frame, name, 'fold');
      inputs.columns!.foldIds = name;
    }
  }
  if (task === 'regression' && validation.kind.includes('stratified')) {
    throw new BenchtopError(
      'invalid-argument',
      `A ${validation.kind} split keeps class proportions, which a regression target does not have: use 'kfold'.`,
    );
  }
  options.onProgress?.({ stage: 'split', fold: 0, folds: 0 });
  const plan: FoldPlan = makeFolds(validation, inputs, recipe.seed);
  const total = plan.folds.length;
  const notes = [...plan.notes];
  const k = mapping ? mapping.labels.length : 1;
  const foldPlan: FoldRunPlan = {
    frame,
    recipe,
    target,
    folds: plan.folds,
    mapping,
    exclude,
  };
  const hooks: FoldHooks = {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
    ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
  };
  let outcomes: FoldOutcome[];
  if (options.runFolds) {
    outcomes = await options.runFolds(foldPlan, hooks);
    if (outcomes.length !== total) {
      throw new BenchtopError(
        'internal',
        `The fold runner returned ${outcomes.length} folds of ${total}.`,
      );
    }
  } else {
    const ctx: FoldContext = { ...foldPlan, yAll };
    const stages: FoldStages = {
      trainer: options.trainer,
      ...(options.resample ? { resample: options.resample } : {}),
    };
    outcomes = [];
    for (let f = 0; f < total; f++) outcomes.push(await runFold(ctx, f, stages, hooks));
  }
  const results = outcomes.map((o) => o.result);
  const features = total > 0 ? outcomes[total - 1].features : [];

  checkCancel();
  options.onProgress?.({ stage: 'done', fold: total, folds: total });
  const names = Object.keys(results[0].report.metrics);
  const metrics: Record<string, MetricSummary> = {};
  for (const name of names) metrics[name] = summarize(results.map((r) => r.report.metrics[name]));
  for (const name of names) {
    if (metrics[name].folds < results.length) {
      const why = results.map((r) => r.report.undefined[name]).find((w) => w !== undefined);
      notes.push(
        `${name} is undefined in ${results.length - metrics[name].folds} of ${results.length} folds${why ? ` (${why})` : ''}; its mean is over the other folds.`,
      );
    }
  }
  // Pooled out-of-fold predictions (rows of a repeated CV appear once per repeat).
  const pooledRows = results.reduce((s, r) => s + r.scored.length, 0);
  const pooledPred = new Float64Array(pooledRows * (mapping ? k : 1));
  const pooledY = mapping ? new Int32Array(pooledRows) : new Float64Array(pooledRows);
  let at = 0;
  for (const r of results) {
    pooledPred.set(r.predictions, at * (mapping ? k : 1));
    r.scored.forEach((i, j) => (pooledY[at + j] = yAll[i]));
    at += r.scored.length;
  }
  let confusion: ConfusionMatrix | null = null;
  let curves: MeanClassCurves[] = [];
  let pooled: ClassificationReport | RegressionReport;
  if (mapping) {
    const reports = results.map((r) => r.report as ClassificationReport);
    confusion = reports.map((r) => r.confusion).reduce(addConfusion);
    curves = meanCurves(reports.map((r) => r.curves));
    pooled = classificationReport(pooledY as Int32Array, pooledPred, k, {
      positive: mapping.positive ?? undefined,
      names: mapping.labels,
    });
  } else {
    pooled = regressionReport(pooledY, pooledPred);
  }
  return {
    task,
    validation,
    target,
    features,
    labels: mapping,
    folds: results,
    metrics,
    confusion,
    curves,
    pooled,
    excluded: plan.excluded,
    notes,
  };
}
