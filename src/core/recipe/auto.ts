// Auto-prepare (DESIGN.md §7): the recipe Benchtop uses when none is given, built from a dataset's
// schema and profile alone. Per column kind, as a scikit-learn pipeline would do it by hand:
//   - rows whose target is missing are dropped (a target is never imputed);
//   - ID-like, free-text and empty columns are ignored (roles.ignored);
//   - date columns become numeric parts (year, month, day...);
//   - numbers are imputed with the median, categories with the most frequent value;
//   - categories are one-hot encoded (`<column>=<value>`, rare ones in an "(other)" bucket);
//   - every numeric feature is standard-scaled.
// Group and date roles are only suggested (suggestRoles): they change how a later issue splits
// rows, which is the user's call, so auto-prepare leaves them unset.
// The target is never named by a feature step. tests/golden/recipe-auto.test.ts checks the output
// against scikit-learn's ColumnTransformer on real data.
import { BenchtopError } from '../errors';
import type { DatasetProfile } from '../data/profile-types';
import type { ColumnSchema } from '../data/schema';
import { isNumericKind, makeFrame, numericColumn } from '../data/frame';
import { fitStep, hasStep, resolveSpec, type StepSpec } from '../steps';
import { RECIPE_FORMAT, RECIPE_VERSION, type Recipe, type Task } from './recipe';
import { suggestRoles, suggestTask } from './roles';

export interface AutoRecipeOptions {
  /** Overrides the suggested task (a numeric target with few values may be either). */
  task?: Task;
  /** Columns to ignore instead of the suggested ones. */
  ignored?: string[];
  seed?: number;
  name?: string;
  /** One-hot cap per categorical column, counting the "(other)" bucket (default 20). */
  maxCategories?: number;
}

/** Per-kind defaults; the one-hot cap keeps a 40-category column from adding 40 columns. */
export const AUTO_MAX_CATEGORIES = 20;

/** The step that removes rows without a target (the dedicated filter once it is registered). */
function dropMissingTarget(target: string): StepSpec {
  if (hasStep('rows.drop-missing-target')) {
    return { kind: 'rows.drop-missing-target', params: { target } };
  }
  return { kind: 'rows.drop-missing', params: { columns: [target] } };
}

/**
 * The auto-prepare recipe for predicting `target`. Throws when the target is not a column or has
 * no values at all.
 */
export function autoRecipe(
  schema: readonly ColumnSchema[],
  profile: DatasetProfile,
  target: string,
  options: AutoRecipeOptions = {},
): Recipe {
  const targetProfile = profile.columns.find((c) => c.name === target);
  if (!schema.some((c) => c.name === target) || !targetProfile) {
    throw new BenchtopError(
      'invalid-argument',
      `There is no column '${target}' to predict. The columns are: ${schema.map((c) => c.name).join(', ')}.`,
      { column: target },
    );
  }
  const suggestedTask = suggestTask(targetProfile); // refuses a target with no values
  const roles = suggestRoles(schema, profile, target);
  const ignored = (options.ignored ?? roles.ignored.map((s) => s.column)).filter(
    (c) => c !== target,
  );
  const skip = new Set([target, ...ignored]);

  const features = schema.filter((c) => !skip.has(c.name));
  const dates = features.filter((c) => c.kind === 'date').map((c) => c.name);
  const numeric = features
    .filter((c) => c.kind === 'integer' || c.kind === 'number' || c.kind === 'boolean')
    .map((c) => c.name);
  const categorical = features
    .filter((c) => c.kind === 'categorical' || c.kind === 'text')
    .map((c) => c.name);

  const steps: StepSpec[] = [dropMissingTarget(target)];
  if (dates.length > 0 && hasStep('date.parts')) {
    const spec = resolveSpec({ kind: 'date.parts', params: { columns: dates } });
    steps.push(spec);
    numeric.push(...numericOutputs(spec, dates));
  } else {
    // Without the date step, a date is its epoch milliseconds: still a usable number.
    numeric.push(...dates);
  }
  if (numeric.length > 0) {
    steps.push({ kind: 'impute.median', params: { columns: numeric, indicator: false } });
  }
  if (categorical.length > 0) {
    steps.push(
      { kind: 'impute.most-frequent', params: { columns: categorical, indicator: false } },
      {
        kind: 'encode.onehot',
        params: {
          columns: categorical,
          maxCategories: options.maxCategories ?? AUTO_MAX_CATEGORIES,
        },
      },
    );
  }
  if (numeric.length > 0) {
    steps.push({
      kind: 'scale.standard',
      params: { columns: numeric, withMean: true, withStd: true },
    });
  }

  const recipe: Recipe = {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    target,
    task: options.task ?? suggestedTask.task,
    roles: { ignored },
    steps,
    seed: options.seed ?? 0,
  };
  if (options.name !== undefined) recipe.name = options.name;
  return recipe;
}

/**
 * The numeric columns a step makes from the given date columns (date.parts: year, month...), found
 * by running it on a one-row frame, so this file does not repeat the step's naming rules.
 */
function numericOutputs(spec: StepSpec, dates: readonly string[]): string[] {
  const probe = makeFrame(dates.map((d) => numericColumn(d, 'date', [0])));
  const { frame } = fitStep(probe, spec, 0);
  return frame.columns.filter((c) => isNumericKind(c.kind)).map((c) => c.name);
}
