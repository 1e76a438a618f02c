// The Recipe (DESIGN.md §2): everything needed to replay a preparation and a training run on a
// dataset, as plain versioned JSON: target and task, column roles, the step specs, the optional
// sampler, model and validation, and the seed. A recipe comes from IndexedDB, an exported file or
// the UI, so `parseRecipe` trusts nothing and answers with a BenchtopError a person can act on;
// `serializeRecipe` writes a stable, pretty form (diffable, reviewable in CI).
// The later stages are optional (recipes saved before them still load: absent means "none" for
// the sampler and "the task's default" for the model and validation) and are kept as written, as
// the steps are; src/core/evaluate fills their defaults when it runs them.
// The model's *settings* are checked by src/core/models' parseModelSpec when a run starts, not
// here: the model registry pulls in tfjs, and this file is loaded on the main thread (the recipe
// store), whose bundle must stay free of it. Here the model's shape, kind and task are checked.
import { BenchtopError } from '../errors';
import type { ColumnKind, ColumnSchema } from '../data/schema';
import type { ModelKind } from '../models/types';
import { parseSamplerSpec } from '../resample/registry';
import { parseValidationSpec } from '../split/spec';
import {
  getStep,
  parseStepSpecs,
  resolveSpec,
  stepInputs,
  type JsonObject,
  type JsonValue,
  type StepSpec,
} from '../steps';

export const RECIPE_FORMAT = 'benchtop.recipe';
/** The newest recipe format this version reads and writes. */
export const RECIPE_VERSION = 1;

export type Task = 'classification' | 'regression';

export interface RecipeRoles {
  /** Columns left out of the preparation and the model (IDs, free text...). */
  ignored: string[];
  /** Rows sharing a value stay in one fold (group k-fold), for later issues' splits. */
  group?: string;
  /** Rows are ordered by it for a time-series split. */
  date?: string;
}

export interface Recipe {
  format: typeof RECIPE_FORMAT;
  version: typeof RECIPE_VERSION;
  name?: string;
  target: string | null;
  task: Task | null;
  roles: RecipeRoles;
  steps: StepSpec[];
  /**
   * Training only: `{kind, params}` of a sampler (src/core/resample), checked against its
   * settings. Absent or null: no resampling.
   */
  sampler?: JsonObject | null;
  /**
   * `{kind, params}` of a model (src/core/models). Absent or null: logistic regression for
   * classification, linear regression for regression.
   */
  model?: JsonObject | null;
  /**
   * A validation spec (src/core/split), checked. Absent or null: stratified 5-fold for
   * classification, 5-fold for regression.
   */
  validation?: JsonObject | null;
  seed: number;
}

/** An empty recipe: no target yet, no steps. */
export function emptyRecipe(seed = 0): Recipe {
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    target: null,
    task: null,
    roles: { ignored: [] },
    steps: [],
    seed,
  };
}

// ---- migrations ----------------------------------------------------------------------------

/**
 * One function per old version: MIGRATIONS[v] turns a version-v recipe object into version v + 1.
 * Version 1 is the first format, so there is nothing to migrate yet; when version 2 changes the
 * shape, add MIGRATIONS[1] here and a test, and bump RECIPE_VERSION.
 */
export type RecipeMigration = (recipe: JsonObject) => JsonObject;
export const MIGRATIONS: Readonly<Record<number, RecipeMigration>> = {};

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function versionOf(json: JsonObject): number {
  const v = json.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new BenchtopError(
      'invalid-argument',
      `This recipe has no valid format version (found ${JSON.stringify(v) ?? 'nothing'}); a recipe says "version": ${RECIPE_VERSION}.`,
    );
  }
  return v;
}

/**
 * Brings a recipe object of an older version up to `target` (the current version by default), one
 * version at a time. A newer version than this app reads is refused with a message saying so.
 * `migrations` is a parameter so tests can exercise the mechanism before a real migration exists.
 */
export function migrateRecipe(
  json: JsonObject,
  migrations: Readonly<Record<number, RecipeMigration>> = MIGRATIONS,
  target: number = RECIPE_VERSION,
): JsonObject {
  let version = versionOf(json);
  if (version > target) {
    throw new BenchtopError(
      'invalid-argument',
      `This recipe is format version ${version}; this version of Benchtop reads up to ${target}. Update Benchtop to open it.`,
      { version, supported: target },
    );
  }
  let current = json;
  while (version < target) {
    const step = migrations[version];
    if (!step) {
      throw new BenchtopError(
        'invalid-argument',
        `This recipe is format version ${version}, which this version of Benchtop cannot convert (it reads versions ${target} and up).`,
        { version, supported: target },
      );
    }
    current = { ...step(structuredClone(current)), version: version + 1 };
    version++;
  }
  return current;
}

// ---- parsing -------------------------------------------------------------------------------

function bad(message: string, details: Record<string, string | number> = {}): BenchtopError {
  return new BenchtopError('invalid-argument', `This recipe is not valid: ${message}`, details);
}

function optionalColumn(roles: JsonObject, key: 'group' | 'date'): string | undefined {
  const v = roles[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(`'roles.${key}' must be a column name.`);
  return v;
}

function parseRoles(v: JsonValue | undefined): RecipeRoles {
  if (v === undefined || v === null) return { ignored: [] };
  if (!isObject(v)) throw bad(`'roles' must be an object such as {"ignored": ["id"]}.`);
  const ignoredIn = v.ignored ?? [];
  if (!Array.isArray(ignoredIn) || !ignoredIn.every((c) => typeof c === 'string')) {
    throw bad(`'roles.ignored' must be a list of column names.`);
  }
  const roles: RecipeRoles = { ignored: [...new Set(ignoredIn as string[])] };
  const group = optionalColumn(v, 'group');
  const date = optionalColumn(v, 'date');
  if (group !== undefined) roles.group = group;
  if (date !== undefined) roles.date = date;
  return roles;
}

function optionalStage(json: JsonObject, key: 'sampler' | 'model' | 'validation') {
  const v = json[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (!isObject(v)) throw bad(`'${key}' must be an object or null.`);
  return structuredClone(v);
}

/** The model kinds and the task each solves (src/core/models' registry; kept in step by a test). */
export const MODEL_TASKS: Readonly<Record<ModelKind, Task>> = {
  logreg: 'classification',
  mlp: 'classification',
  linear: 'regression',
  'mlp-regressor': 'regression',
};

/** The model kinds for a task, quoted for a message: "'logreg' or 'mlp'". */
export function modelsFor(task: Task): string {
  const kinds = Object.keys(MODEL_TASKS) as ModelKind[];
  return kinds
    .filter((k) => MODEL_TASKS[k] === task)
    .map((k) => `'${k}'`)
    .join(' or ');
}

/** Re-throws a stage's own BenchtopError with the recipe's prefix, keeping its details. */
function inStage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BenchtopError && !err.message.startsWith('This recipe is not valid')) {
      throw new BenchtopError(err.code, `This recipe is not valid: ${err.message}`, err.details);
    }
    throw err;
  }
}

function checkModel(model: JsonObject, task: Task | null): void {
  const kinds = Object.keys(MODEL_TASKS) as ModelKind[];
  const kind = model.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind as ModelKind)) {
    throw bad(
      `'model.kind' must be one of ${kinds.map((k) => `'${k}'`).join(', ')} (it is ${JSON.stringify(kind) ?? 'missing'}).`,
    );
  }
  const extra = Object.keys(model).filter((k) => k !== 'kind' && k !== 'params');
  if (extra.length > 0) {
    throw bad(
      `a model has only 'kind' and 'params'; remove ${extra.map((k) => `'model.${k}'`).join(', ')}.`,
    );
  }
  if (model.params !== undefined && !isObject(model.params)) {
    throw bad(`'model.params' must be an object such as {"C": 1}.`);
  }
  const modelTask = MODEL_TASKS[kind as ModelKind];
  if (task !== null && modelTask !== task) {
    throw bad(
      `the model '${kind}' is for ${modelTask}, but the recipe's task is ${task}: use ${modelsFor(task)}.`,
      { kind },
    );
  }
}

/** The later stages, checked against each other and the task; null / absent ones pass. */
function checkStages(recipe: Recipe): void {
  const { sampler, model, validation, task } = recipe;
  if (sampler) {
    inStage(() => parseSamplerSpec(sampler));
    if (task === 'regression') {
      throw bad(
        `a sampler ('${String(sampler.kind)}') rebalances classes, and a regression target has none: remove the sampler, or switch the task to classification.`,
      );
    }
  }
  if (model) checkModel(model, task);
  if (validation) {
    const spec = inStage(() => parseValidationSpec(validation));
    if (task === 'regression' && spec.kind.includes('stratified')) {
      throw bad(
        `a ${spec.kind} validation keeps class proportions, which a regression target does not have: use 'kfold'.`,
      );
    }
  }
}

/**
 * A schema in which every column a step names exists with a kind the step accepts: checking a
 * step's settings against it reports only problems of the settings themselves (a wrong type, an
 * out-of-range number, an unknown setting). Whether the columns exist in a dataset is checked when
 * the recipe is fitted, with the data at hand.
 */
function permissiveSchema(spec: StepSpec): ColumnSchema[] {
  const def = getStep(spec.kind);
  const out: ColumnSchema[] = [];
  for (const { column, kinds } of stepInputs(def, spec.params)) {
    if (!out.some((c) => c.name === column))
      out.push({ name: column, kind: kinds[0] as ColumnKind });
  }
  return out;
}

/** Checks each step's settings (defaults filled in), naming the step and its place. */
function checkSteps(steps: StepSpec[]): void {
  steps.forEach((spec, i) => {
    const def = getStep(spec.kind);
    const resolved = resolveSpec(spec);
    const problems = def.validate(resolved.params, permissiveSchema(resolved));
    if (problems.length > 0) {
      throw new BenchtopError(
        'invalid-argument',
        `Step ${i + 1} (${def.title}): ${problems.join(' ')}`,
        { step: i + 1, kind: spec.kind, problems },
      );
    }
  });
}

/**
 * Reads a recipe from JSON (already parsed). Old versions are migrated; newer ones, unknown step
 * kinds and bad settings are refused with a message that says what to do.
 */
export function parseRecipe(json: unknown): Recipe {
  if (!isObject(json) || json.format !== RECIPE_FORMAT) {
    throw new BenchtopError(
      'invalid-argument',
      `This is not a Benchtop recipe: a recipe is a JSON object with "format": "${RECIPE_FORMAT}".`,
    );
  }
  const r = migrateRecipe(json);
  const target = r.target ?? null;
  if (target !== null && (typeof target !== 'string' || target === '')) {
    throw bad(`'target' must be a column name or null.`);
  }
  const task = r.task ?? null;
  if (task !== null && task !== 'classification' && task !== 'regression') {
    throw bad(
      `'task' must be "classification", "regression" or null (it is ${JSON.stringify(task)}).`,
    );
  }
  const seed = r.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw bad(`'seed' must be a whole number from 0 to 4294967295.`);
  }
  if (r.name !== undefined && typeof r.name !== 'string') throw bad(`'name' must be text.`);
  const roles = parseRoles(r.roles);
  if (target !== null && roles.ignored.includes(target)) {
    throw bad(`the target '${target}' is also listed as ignored.`, { column: target });
  }
  const steps = parseStepSpecs(r.steps ?? []).map((s) => ({
    kind: s.kind,
    params: structuredClone(s.params),
  }));
  checkSteps(steps);
  const recipe: Recipe = {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    target,
    task,
    roles,
    steps,
    seed,
  };
  if (typeof r.name === 'string') recipe.name = r.name;
  const sampler = optionalStage(r, 'sampler');
  const model = optionalStage(r, 'model');
  const validation = optionalStage(r, 'validation');
  if (sampler !== undefined) recipe.sampler = sampler;
  if (model !== undefined) recipe.model = model;
  if (validation !== undefined) recipe.validation = validation;
  checkStages(recipe);
  return recipe;
}

/** Reads a recipe from JSON text (a file, an upload), with a clear message for broken JSON. */
export function parseRecipeText(text: string): Recipe {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BenchtopError(
      'invalid-argument',
      `This recipe file is not valid JSON (${why}). Export the recipe again from Benchtop, or fix the file.`,
    );
  }
  return parseRecipe(json);
}

// ---- serializing -----------------------------------------------------------------------------

/** Object keys in sorted order, recursively: the same recipe always prints the same text. */
function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const key of Object.keys(v).sort()) {
      const x = v[key];
      if (x !== undefined) out[key] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/**
 * The recipe as pretty JSON with a fixed key order (format, version, name, target, task, roles,
 * steps, sampler, model, validation, seed; settings sorted by name), ending in a newline.
 */
export function serializeRecipe(recipe: Recipe): string {
  const roles: JsonObject = { ignored: [...recipe.roles.ignored] };
  if (recipe.roles.group !== undefined) roles.group = recipe.roles.group;
  if (recipe.roles.date !== undefined) roles.date = recipe.roles.date;
  const out: JsonObject = { format: recipe.format, version: recipe.version };
  if (recipe.name !== undefined) out.name = recipe.name;
  out.target = recipe.target;
  out.task = recipe.task;
  out.roles = roles;
  out.steps = recipe.steps.map((s) => ({ kind: s.kind, params: sortKeys(s.params) }));
  for (const key of ['sampler', 'model', 'validation'] as const) {
    const v = recipe[key];
    if (v !== undefined) out[key] = v === null ? null : sortKeys(v);
  }
  out.seed = recipe.seed;
  return `${JSON.stringify(out, null, 2)}\n`;
}
