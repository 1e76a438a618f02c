// `benchtop cv`: cross-validates a recipe (a file exported from Benchtop, or auto-prepare for a
// target) on a data file with tfjs on wasm, and prints every metric's mean ± std and the per-fold
// scores, or with --json one object (DESIGN.md §7). All the work is src/core's
// (runCrossValidation); this file turns the command line into a recipe and its overrides, and
// prints. `benchtop train` (./train.ts) shares the command line through `loadJob` and the fold
// workers through `openJob` / `crossValidateJob`: with --jobs above 1 (the default on a machine
// with several cores) the folds run on worker threads (./fold-pool.ts), started while the data is
// read, with the same results as in process.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { BenchtopError } from '../core/errors';
import { frameOwningTable, findColumn, isNumericColumn, type Frame } from '../core/data/frame';
import type { ColumnProfile, DatasetProfile } from '../core/data/profile-types';
import type { ColumnSchema } from '../core/data/schema';
import { profileTable } from '../core/data/profile';
import { ingest } from '../core/ingest/index';
import type { ByteSource, IngestReport } from '../core/ingest/types';
import { DEFAULT_MISSING_TEXT, readingOptions } from '../core/ingest/reading-options';
import { autoRecipe, suggestRoles, type Recipe, type Task } from '../core/recipe';
import { MODEL_TASKS } from '../core/recipe/recipe';
import {
  runCrossValidation,
  type CvProgress,
  type RunCrossValidationResult,
  type StageOverrides,
} from '../core/evaluate';
import type { ActiveBackend, BackendOverride } from '../core/backend';
import { nodeTf } from '../core/models/node-tf';
import type { Tf } from '../core/models';
import { listSamplers } from '../core/resample';
import { VALIDATION_KINDS, parseValidationSpec } from '../core/split';
import type { JsonObject } from '../core/steps/types';
import { wholeNumberFlag } from './args';
import { FoldPool } from './fold-pool';
import { PrepareUsageError, readRecipe } from './prepare';

/** The options `cv` and `train` share (after the data file). */
export const JOB_OPTIONS = `  --target COL          the column to predict (needed without --recipe; with one, must match it)
  --recipe FILE         a recipe exported from Benchtop (default: auto-prepare for --target)
  --task T              auto-prepare: classification or regression (default: from the target)
  --model M             logreg (default for classification), mlp, linear (default for
                        regression) or mlp-regressor
  --C X                 logreg: inverse L2 strength (default 1, as scikit-learn)
  --alpha X             linear: ridge penalty (default 0); mlp / mlp-regressor: L2 penalty
  --validation V        stratified-kfold (default for classification), kfold (default for
                        regression), repeated-stratified-kfold, group-kfold, time-series, holdout
  --folds N             number of folds (default 5)
  --repeats N           repeated-stratified-kfold: repeats (implies it when --validation is not given)
  --sampler S           training folds only: smote, smote-nc, random-over, random-under, tomek,
                        class-weights, or none
  --fold-column COL     predefined folds: a fold id per row (never a feature)
  --group COL           group k-fold: rows sharing a value stay in one fold (never a feature)
  --date COL            time-series split: rows ordered by this date column
  --drop COL,...        leave these columns out of the features
  --positive LABEL      binary tasks: the class scored as positive (default: the minority class)
  --seed N              seed of the folds, the sampler and the model (default: the recipe's, or 0)
  --backend B           tfjs backend: wasm (default) or cpu
  --jobs N              run the folds N at a time: on this thread and N - 1 worker threads
                        (default: the number of cores, at most the number of folds; 1 for files
                        under 4 MB with logreg or linear, whose folds take less time than
                        starting a worker). 1 runs them one by one in this process. The results
                        are the same either way
  --delimiter D         CSV input: auto (default), comma, semicolon, tab or pipe
  --encoding E          CSV input: auto (default), utf-8 or windows-1252 (latin-1)
  --missing LIST        CSV input: values read as missing (default: "${DEFAULT_MISSING_TEXT}")`;

export const CV_USAGE = `Usage: benchtop cv <data> --target COL [options]

Cross-validates a model on <data>: for each fold, the recipe's steps (default: auto-prepare), the
sampler and the model are fitted on the training rows only and scored on the untouched test rows.
Prints every metric's mean ± std over the folds, then each fold's scores.

Options:
${JOB_OPTIONS}
  --json                print one JSON object: {task, folds, metrics: {<name>: {mean, std}},
                        perFold: [...], backend, seconds, ...}
  -h, --help            show this help
`;

/** The command-line values `cv` and `train` read (strings as node's parseArgs gives them). */
export interface JobArgs {
  data: string;
  target?: string;
  recipe?: string;
  task?: string;
  model?: string;
  C?: string;
  alpha?: string;
  validation?: string;
  folds?: string;
  repeats?: string;
  sampler?: string;
  foldColumn?: string;
  group?: string;
  date?: string;
  drop?: string;
  positive?: string;
  seed?: string;
  backend?: string;
  jobs?: string;
  delimiter?: string;
  encoding?: string;
  missing?: string;
}

/** parseArgs option declarations for JobArgs (main.ts spreads them into cv's and train's). */
export const JOB_ARG_OPTIONS = {
  target: { type: 'string' },
  recipe: { type: 'string' },
  task: { type: 'string' },
  model: { type: 'string' },
  C: { type: 'string' },
  alpha: { type: 'string' },
  validation: { type: 'string' },
  folds: { type: 'string' },
  repeats: { type: 'string' },
  sampler: { type: 'string' },
  'fold-column': { type: 'string' },
  group: { type: 'string' },
  date: { type: 'string' },
  drop: { type: 'string' },
  positive: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  jobs: { type: 'string' },
  delimiter: { type: 'string' },
  encoding: { type: 'string' },
  missing: { type: 'string' },
} as const;

/** JobArgs from parseArgs values (the one option whose name differs: --fold-column). */
export function jobArgs(data: string, values: Record<string, unknown>): JobArgs {
  const out: Record<string, string> = { data };
  for (const key of Object.keys(JOB_ARG_OPTIONS)) {
    const v = values[key];
    if (typeof v === 'string') out[key === 'fold-column' ? 'foldColumn' : key] = v;
  }
  return out as unknown as JobArgs;
}

const usage = (message: string) => new PrepareUsageError(message);

const wholeNumber = (flag: string, text: string, min: number, max: number): number =>
  wholeNumberFlag(flag, text, min, max, usage);

function positiveNumber(flag: string, text: string, allowZero: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw usage(`${flag} must be a number ${allowZero ? '0 or more' : 'above 0'} (got '${text}').`);
  }
  return n;
}

/** The model from --model / --C / --alpha over the recipe's, or undefined to keep the recipe's. */
function modelOverride(args: JobArgs, recipe: Recipe, task: Task): JsonObject | undefined {
  const kinds = Object.keys(MODEL_TASKS);
  if (args.model !== undefined && !kinds.includes(args.model)) {
    throw usage(`--model must be one of ${kinds.join(', ')} (got '${args.model}').`);
  }
  if (args.model === undefined && args.C === undefined && args.alpha === undefined) {
    return undefined;
  }
  const base = recipe.model ?? null;
  const kind =
    args.model ??
    (base && typeof base.kind === 'string'
      ? base.kind
      : task === 'classification'
        ? 'logreg'
        : 'linear');
  const params: JsonObject =
    args.model === undefined && base && typeof base.params === 'object' && base.params !== null
      ? { ...(base.params as JsonObject) }
      : {};
  if (args.C !== undefined) {
    if (kind !== 'logreg')
      throw usage(`--C applies to logreg only (the model is ${kind}); use --alpha.`);
    params.C = positiveNumber('--C', args.C, false);
  }
  if (args.alpha !== undefined) {
    if (kind === 'logreg') throw usage('--alpha does not apply to logreg; use --C.');
    params.alpha = positiveNumber('--alpha', args.alpha, true);
  }
  return { kind, params };
}

/** The validation from --validation / --folds / --repeats / --group / --date. */
function validationOverride(args: JobArgs, recipe: Recipe): JsonObject | undefined {
  let kind = args.validation;
  if (kind !== undefined && !(VALIDATION_KINDS as readonly string[]).includes(kind)) {
    throw usage(
      `--validation must be one of ${VALIDATION_KINDS.filter((k) => k !== 'predefined').join(', ')} (got '${kind}'); predefined folds come from --fold-column.`,
    );
  }
  if (kind === 'predefined') throw usage('predefined folds come from --fold-column COL.');
  if (kind === undefined) {
    if (args.repeats !== undefined) kind = 'repeated-stratified-kfold';
    else if (args.group !== undefined) kind = 'group-kfold';
    else if (args.date !== undefined) kind = 'time-series';
  }
  if (kind === 'time-series' && args.date === undefined && recipe.roles.date === undefined) {
    throw usage(
      'a time-series split orders the rows by a date column: name it with --date COL (or use another --validation).',
    );
  }
  if (kind === 'group-kfold' && args.group === undefined && recipe.roles.group === undefined) {
    throw usage(
      'a group k-fold split keeps the rows of a group in one fold: name the group column with --group COL.',
    );
  }
  if (args.repeats !== undefined && kind !== 'repeated-stratified-kfold') {
    throw usage('--repeats applies to --validation repeated-stratified-kfold.');
  }
  if (kind === undefined && args.folds === undefined) return undefined;
  const base = recipe.validation ?? null;
  const out: JsonObject =
    kind === undefined && base
      ? { ...base }
      : {
          kind:
            kind ??
            (recipe.task === 'regression' || recipe.task === null ? 'kfold' : 'stratified-kfold'),
        };
  if (args.folds !== undefined) {
    if (out.kind === 'holdout')
      throw usage('--folds does not apply to a holdout split (it has one).');
    out.folds = wholeNumber('--folds', args.folds, 2, 1000);
  }
  if (args.repeats !== undefined) out.repeats = wholeNumber('--repeats', args.repeats, 1, 100);
  if (out.kind === 'group-kfold' && args.group !== undefined) out.column = args.group;
  if (out.kind === 'time-series' && args.date !== undefined) out.column = args.date;
  return out;
}

function samplerOverride(args: JobArgs): JsonObject | null | undefined {
  if (args.sampler === undefined) return undefined;
  if (args.sampler === 'none') return null;
  const kinds = listSamplers().map((s) => s.kind as string);
  if (!kinds.includes(args.sampler)) {
    throw usage(`--sampler must be one of ${kinds.join(', ')} or none (got '${args.sampler}').`);
  }
  return { kind: args.sampler, params: {} };
}

function columnList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The profile auto-prepare's role and task suggestions read (src/core/recipe/roles.ts, auto.ts):
 * whole-number, category and text columns profiled in full (distinct counts, min / max and the
 * 'id-like' warnings decide identifiers, groups, high cardinality and a target's task), other
 * numeric columns (numbers, dates, booleans) only counted: roles read nothing else of them, and the
 * full profile sorts each of them (~0.3 s on 100k rows × 30 numbers, a tenth of a CV). Their
 * `unique` and statistics are NaN / null ("not computed"), so no comparison on them can pass.
 * tests/unit/cli-cv.test.ts checks that it gives the recipe of the full profile on real datasets.
 */
export function rolesProfile(
  table: Parameters<typeof profileTable>[0],
  schema: ColumnSchema[],
  frame: Frame,
  report?: IngestReport,
): DatasetProfile {
  const full = (c: ColumnSchema) =>
    c.kind === 'integer' || c.kind === 'categorical' || c.kind === 'text';
  const profiled = profileTable(table, schema.filter(full), report);
  const byName = new Map(profiled.columns.map((p) => [p.name, p]));
  const columns = schema.map((c): ColumnProfile => {
    const p = byName.get(c.name);
    if (p) return p;
    const column = findColumn(frame, c.name);
    let missing = 0;
    if (column && isNumericColumn(column)) {
      const v = column.values;
      for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) missing++;
    }
    return {
      name: c.name,
      kind: c.kind,
      count: frame.rows - missing,
      missing,
      unique: NaN,
      min: null,
      max: null,
      mean: null,
      std: null,
      q1: null,
      median: null,
      q3: null,
      top: [],
      histogram: null,
    };
  });
  return { rows: frame.rows, cols: schema.length, columns, warnings: profiled.warnings };
}

/** What `cv` and `train` run: the data, the recipe, the overrides. */
export interface Job {
  file: string;
  frame: Frame;
  recipe: Recipe;
  /** 'auto' or the recipe file. */
  recipeSource: string;
  overrides: StageOverrides;
  positive?: string;
  backend: BackendOverride;
  /** Worker threads for the folds (--jobs; 1 = in this process). */
  jobs: number;
}

/** What loadJob knows before it reads the data: enough to start the fold workers meanwhile. */
export interface JobStart {
  jobs: number;
  backend: BackendOverride;
  /** The number of folds as far as the command line and recipe tell (Infinity: unknown yet). */
  folds: number;
}

export interface LoadJobHooks {
  /** Called once the command line is checked and the data opened, just before it is read. */
  beforeRead?: (start: JobStart) => void;
}

/**
 * Below this size a file's folds with a fast model (logistic or linear regression) take less time
 * than starting a worker thread (~0.2-0.3 s here, tfjs included): they run in this process.
 */
const SMALL_FILE_BYTES = 4 * 1024 * 1024;

/** --jobs when not given: the cores, or 1 for a small file with a fast model. */
function defaultJobs(bytes: number, model: string | undefined): number {
  const fast = model === undefined || model === 'logreg' || model === 'linear';
  return fast && bytes < SMALL_FILE_BYTES ? 1 : availableParallelism();
}

/** How many folds the options and recipe ask for, before the data is read (a hint only). */
function foldsHint(args: JobArgs, recipe: Recipe | undefined): number {
  if (args.foldColumn !== undefined) return Infinity;
  try {
    const raw: JsonObject = { kind: 'stratified-kfold', ...(recipe?.validation ?? {}) };
    if (args.validation !== undefined) raw.kind = args.validation;
    else if (args.repeats !== undefined) raw.kind = 'repeated-stratified-kfold';
    if (args.folds !== undefined) raw.folds = Number(args.folds);
    if (args.repeats !== undefined) raw.repeats = Number(args.repeats);
    const v = parseValidationSpec(raw);
    if (v.kind === 'holdout') return 1;
    return v.kind === 'repeated-stratified-kfold' ? v.folds * v.repeats : v.folds;
  } catch {
    return Infinity;
  }
}

/** Reads the command line and the data into a Job; mistakes in the command line are usage errors. */
export async function loadJob(
  args: JobArgs,
  open: (path: string) => Promise<ByteSource>,
  hooks: LoadJobHooks = {},
): Promise<Job> {
  if (args.recipe === undefined && args.target === undefined) {
    throw usage('needs --target COL (the column to predict), or --recipe FILE.');
  }
  const task = args.task;
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw usage(`--task must be classification or regression (got '${task}').`);
  }
  if (args.recipe !== undefined && task !== undefined) {
    throw usage('--task applies to auto-prepare; edit the recipe instead.');
  }
  const seed =
    args.seed !== undefined ? wholeNumber('--seed', args.seed, 0, 0xffffffff) : undefined;
  const backend = args.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw usage(`--backend must be wasm or cpu (got '${backend}').`);
  }
  const jobsGiven = args.jobs !== undefined ? wholeNumber('--jobs', args.jobs, 1, 1024) : null;
  let reading;
  try {
    reading = readingOptions(args);
  } catch (err) {
    throw usage(err instanceof Error ? err.message : String(err));
  }
  const fromFile = args.recipe !== undefined ? await readRecipe(args.recipe) : undefined;
  if (fromFile && args.target !== undefined && fromFile.target !== args.target) {
    throw usage(
      `the recipe predicts ${fromFile.target === null ? 'no target' : `'${fromFile.target}'`}, but --target says '${args.target}'. Leave out --target, or use a recipe made for it.`,
    );
  }
  if (fromFile && fromFile.target === null) {
    throw usage('the recipe has no target: add --target COL, or set it in Benchtop.');
  }
  const drop = args.drop !== undefined ? columnList(args.drop) : [];
  // Columns that drive the split are never features.
  const splitOnly = [args.group, args.foldColumn].filter((c): c is string => c !== undefined);

  const source = await open(args.data);
  const jobs =
    jobsGiven ??
    defaultJobs(source.size, args.model ?? (fromFile?.model?.kind as string | undefined));
  hooks.beforeRead?.({ jobs, backend, folds: foldsHint(args, fromFile) });
  const result = await ingest(source, reading);
  const names = new Set(result.schema.map((c) => c.name));
  for (const [flag, list] of [
    ['--drop', drop],
    ['--group', args.group === undefined ? [] : [args.group]],
    ['--date', args.date === undefined ? [] : [args.date]],
    ['--fold-column', args.foldColumn === undefined ? [] : [args.foldColumn]],
  ] as const) {
    const missing = list.filter((c) => !names.has(c));
    if (missing.length > 0) {
      throw new BenchtopError(
        'invalid-argument',
        `${flag} names ${missing.map((c) => `'${c}'`).join(', ')}, which ${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${source.name}. Its columns are: ${[...names].join(', ')}.`,
      );
    }
  }
  const target = (fromFile?.target ?? args.target) as string;
  for (const [flag, col] of [
    ['--drop', drop.find((c) => c === target)],
    ['--group', args.group === target ? target : undefined],
    ['--fold-column', args.foldColumn === target ? target : undefined],
  ] as const) {
    if (col !== undefined) throw usage(`${flag} names the target '${target}' itself.`);
  }

  const frame = frameOwningTable(result.table, result.schema);
  let recipe: Recipe;
  if (fromFile) {
    recipe = structuredClone(fromFile);
    const ignored = new Set([...recipe.roles.ignored, ...drop, ...splitOnly]);
    recipe.roles = { ...recipe.roles, ignored: [...ignored] };
    if (seed !== undefined) recipe.seed = seed;
  } else {
    const profile = rolesProfile(result.table, result.schema, frame, result.report);
    const suggested = names.has(target)
      ? suggestRoles(result.schema, profile, target).ignored.map((s) => s.column)
      : [];
    recipe = autoRecipe(result.schema, profile, target, {
      ...(task !== undefined ? { task: task as Task } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ignored: [...new Set([...suggested, ...drop, ...splitOnly])].filter((c) => c !== target),
      name: `Auto: ${source.name}`,
    });
  }
  if (args.group !== undefined) recipe.roles.group = args.group;
  if (args.date !== undefined) recipe.roles.date = args.date;
  const targetColumn = findColumn(frame, target);
  const taskNow: Task =
    recipe.task ??
    (targetColumn && targetColumn.kind !== 'categorical' && targetColumn.kind !== 'text'
      ? targetColumn.kind === 'boolean'
        ? 'classification'
        : 'regression'
      : 'classification');
  if (recipe.task === null) recipe.task = taskNow;

  const overrides: StageOverrides = {};
  const model = modelOverride(args, recipe, taskNow);
  if (model) overrides.model = model;
  const sampler = samplerOverride(args);
  if (sampler !== undefined) overrides.sampler = sampler;
  const validation = validationOverride(args, recipe);
  if (validation) overrides.validation = validation;
  if (args.foldColumn !== undefined) {
    if (args.validation !== undefined || args.group !== undefined || args.date !== undefined) {
      throw usage(
        '--fold-column gives the folds itself; leave out --validation, --group and --date.',
      );
    }
    overrides.foldColumn = args.foldColumn;
    if (args.folds !== undefined)
      throw usage('--folds does not apply to --fold-column (the column has them).');
  }
  return {
    file: source.name,
    frame,
    recipe,
    recipeSource: args.recipe ?? 'auto',
    overrides,
    ...(args.positive !== undefined ? { positive: args.positive } : {}),
    backend,
    jobs,
  };
}

/**
 * loadJob, with the fold workers started while the data is read when the job runs more than one
 * fold at a time (--jobs, capped at the folds). The caller closes the pool (null: in process).
 */
export async function openJob(
  args: JobArgs,
  open: (path: string) => Promise<ByteSource>,
): Promise<{ job: Job; pool: FoldPool | null }> {
  let pool = null as FoldPool | null;
  try {
    const job = await loadJob(args, open, {
      beforeRead: ({ jobs, backend, folds }) => {
        // This thread runs folds too: --jobs N is N - 1 workers.
        const workers = Math.min(jobs, folds) - 1;
        if (workers > 0) pool = new FoldPool(workers, backend);
      },
    });
    return { job, pool };
  } catch (err) {
    await pool?.close();
    throw err;
  }
}

export interface CvRunOptions {
  /** Fold progress; default: one updated line on stderr when it is a terminal. */
  onProgress?: (p: CvProgress) => void;
  isCancelled?: () => boolean;
}

/** A progress line on a terminal: "cv: 2 of 5 folds done; fold 3 train, fold 4 prepare". */
function terminalProgress(write: (text: string) => void): (p: CvProgress) => void {
  const stages = new Map<number, string>();
  let finished = 0;
  return (p) => {
    if (p.stage === 'split') return write('\r\x1b[Kcv: splitting the rows');
    if (p.stage === 'done') return write('\r\x1b[K');
    // A fold's next 'prepare' never comes: 'score' is its last stage, so the next event ends it.
    for (const [fold, stage] of stages) {
      if (stage === 'score' && fold !== p.fold) {
        stages.delete(fold);
        finished++;
      }
    }
    stages.set(p.fold, p.stage);
    const running = [...stages].map(([fold, stage]) => `fold ${fold} ${stage}`).join(', ');
    write(`\r\x1b[Kcv: ${finished} of ${p.folds} folds done; ${running}`);
  };
}

/**
 * Cross-validates a job: with a pool, this thread and the pool's workers share the folds; without,
 * fold by fold here. Ctrl-C keeps its default (the process stops, its worker threads with it): a
 * handler would wait for the fold running on this thread to end.
 */
export async function crossValidateJob(
  tf: Tf,
  job: Job,
  pool: FoldPool | null,
  options: CvRunOptions = {},
): Promise<RunCrossValidationResult> {
  const onProgress =
    options.onProgress ??
    (process.stderr.isTTY ? terminalProgress((t) => void process.stderr.write(t)) : undefined);
  const common = {
    ...job.overrides,
    ...(job.positive !== undefined ? { positive: job.positive } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
  };
  return runCrossValidation(tf, job.frame, job.recipe, {
    ...common,
    ...(pool ? { foldRunner: (specs, local) => pool.runner(specs, local) } : {}),
  });
}

/** tfjs on the backend asked for; a backend that did not start is an error, not a silent swap. */
export async function startTf(
  override: BackendOverride,
): Promise<{ tf: Tf; backend: ActiveBackend }> {
  const r = await nodeTf(override);
  if (override !== 'auto' && r.backend.name !== override) {
    throw new BenchtopError(
      'internal',
      `The ${override} backend did not start here (tfjs is on ${r.backend.name}: ${r.backend.reason}).`,
    );
  }
  return r;
}

export interface FoldOutput {
  /** 1-based fold number over all repeats. */
  fold: number;
  repeat: number;
  trainRows: number;
  fittedRows: number;
  testRows: number;
  scoredRows: number;
  metrics: Record<string, number>;
}

/** What `benchtop cv --json` prints (DESIGN.md §7's shape, plus what a reader needs to trust it). */
export interface CvOutput {
  file: string;
  recipe: string;
  target: string;
  task: Task;
  rows: number;
  /** Folds run (repeats included). */
  folds: number;
  metrics: Record<string, { mean: number; std: number; folds: number }>;
  perFold: FoldOutput[];
  backend: string;
  seconds: number;
  model: JsonObject;
  sampler: JsonObject | null;
  validation: JsonObject;
  seed: number;
  features: string[];
  classes: { label: string; rows: number }[] | null;
  positive: string | null;
  /** Summed over folds: confusion[true][predicted]. */
  confusion: number[][] | null;
  excluded: number;
  notes: string[];
}

export function cvOutput(job: Job, r: RunCrossValidationResult): CvOutput {
  const metrics: CvOutput['metrics'] = {};
  for (const [name, s] of Object.entries(r.metrics)) {
    metrics[name] = { mean: s.mean, std: s.std, folds: s.folds };
  }
  return {
    file: job.file,
    recipe: job.recipeSource,
    target: r.target,
    task: r.task,
    rows: job.frame.rows,
    folds: r.folds.length,
    metrics,
    perFold: r.folds.map((f, i) => ({
      fold: i + 1,
      repeat: f.repeat,
      trainRows: f.trainRows,
      fittedRows: f.fittedRows,
      testRows: f.testRows,
      scoredRows: f.scoredRows,
      metrics: { ...f.report.metrics },
    })),
    backend: r.backend,
    seconds: r.seconds,
    model: r.model as unknown as JsonObject,
    sampler: r.sampler as unknown as JsonObject | null,
    validation: r.validation as unknown as JsonObject,
    seed: job.recipe.seed,
    features: r.features,
    classes: r.labels
      ? r.labels.labels.map((label, c) => ({ label, rows: r.labels!.counts[c] }))
      : null,
    positive: r.labels && r.labels.positive !== null ? r.labels.labels[r.labels.positive] : null,
    confusion: r.confusion ? r.confusion.map((row) => [...row]) : null,
    excluded: r.excluded,
    notes: r.notes,
  };
}

/** Runs `benchtop cv`: the folds on --jobs worker threads, or in this process with --jobs 1. */
export async function cv(
  args: JobArgs,
  open: (path: string) => Promise<ByteSource>,
  options: CvRunOptions = {},
): Promise<CvOutput> {
  const { job, pool } = await openJob(args, open);
  try {
    const { tf } = await startTf(job.backend);
    const r = await crossValidateJob(tf, job, pool, options);
    return cvOutput(job, r);
  } finally {
    await pool?.close();
  }
}

// ---- the table -------------------------------------------------------------------------------

/** Metrics in a reading order; any others follow alphabetically. */
const ORDER = [
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
  'roc_auc',
  'average_precision',
  'log_loss',
  'mcc',
  'r2',
  'mse',
  'rmse',
  'mae',
];

function fmt(v: number): string {
  if (Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toFixed(4);
}

function describeParams(spec: JsonObject | null): string {
  if (!spec) return 'none';
  const kind = String(spec.kind);
  const params = (spec.params ?? {}) as JsonObject;
  const shown = ['C', 'alpha', 'hiddenLayers', 'weights', 'kNeighbors']
    .filter((p) => params[p] !== undefined)
    .map((p) => `${p}=${JSON.stringify(params[p])}`);
  return shown.length > 0 ? `${kind} (${shown.join(', ')})` : kind;
}

function describeValidation(v: JsonObject, folds: number): string {
  const kind = String(v.kind);
  const extra =
    kind === 'holdout'
      ? `test ${v.testSize}`
      : kind === 'repeated-stratified-kfold'
        ? `${v.folds} folds × ${v.repeats}`
        : kind === 'predefined'
          ? `${folds} folds from '${v.column}'`
          : `${v.folds} folds${v.shuffle && (kind === 'kfold' || kind === 'stratified-kfold') ? ', shuffled' : ''}${v.column ? `, '${v.column}'` : ''}`;
  return `${kind} (${extra})`;
}

export function renderCv(o: CvOutput): string {
  const lines: string[] = [];
  const classes = o.classes
    ? `, ${o.classes.length} classes${o.positive !== null ? `, positive '${o.positive}'` : ''}`
    : '';
  lines.push(
    `cv ${o.file}: target '${o.target}' (${o.task}${classes}), ${o.rows.toLocaleString('en-US')} rows, ${o.features.length} features (${o.recipe === 'auto' ? 'auto-prepare' : `recipe ${basename(o.recipe)}`})`,
  );
  lines.push(
    `model ${describeParams(o.model)}; validation ${describeValidation(o.validation, o.folds)}, seed ${o.seed}; sampler ${describeParams(o.sampler)}; backend ${o.backend}; ${o.seconds.toFixed(2)} s`,
  );
  lines.push('');
  const names = Object.keys(o.metrics).sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
  const showFolds = o.perFold.length <= 10;
  const width = Math.max(6, ...names.map((n) => n.length));
  const header = [
    'metric'.padEnd(width),
    'mean ± std'.padEnd(17),
    ...(showFolds ? o.perFold.map((f) => `fold ${f.fold}`.padStart(8)) : []),
  ];
  lines.push(header.join('  ').trimEnd());
  for (const name of names) {
    const s = o.metrics[name];
    lines.push(
      [
        name.padEnd(width),
        `${fmt(s.mean)} ± ${fmt(s.std)}`.padEnd(17),
        ...(showFolds ? o.perFold.map((f) => fmt(f.metrics[name]).padStart(8)) : []),
      ]
        .join('  ')
        .trimEnd(),
    );
  }
  lines.push(
    [
      'test rows'.padEnd(width),
      ''.padEnd(17),
      ...(showFolds ? o.perFold.map((f) => String(f.scoredRows).padStart(8)) : []),
    ]
      .join('  ')
      .trimEnd(),
  );
  for (const note of o.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
