// Fitting and replaying a whole recipe on a frame: the recipe's roles decide which columns enter
// the steps (ignored columns never do), the target is checked before anything is learned, and the
// steps are fitted in order with a cancellation / progress hook between them. Everything else
// (what a step learns, how filters run) is the step pipeline's (src/core/steps/pipeline.ts).
import { BenchtopError } from '../errors';
import { findColumn, isNumericColumn, makeFrame, type Frame } from '../data/frame';
import { applySteps, fitStep, type FittedStep } from '../steps';
import type { Recipe } from './recipe';

/** The frame the steps see: every column except the ignored ones, in the same order. */
export function recipeInput(frame: Frame, recipe: Recipe): Frame {
  if (recipe.roles.ignored.length === 0) return frame;
  const ignored = new Set(recipe.roles.ignored);
  // An ignored column that is not in this dataset is fine: there is nothing to leave out.
  return makeFrame(
    frame.columns.filter((c) => !ignored.has(c.name)),
    frame.rows,
  );
}

/** Non-missing values in a column. */
export function presentCount(frame: Frame, name: string): number {
  const c = findColumn(frame, name);
  if (!c) return 0;
  let n = 0;
  if (isNumericColumn(c)) {
    const v = c.values;
    for (let i = 0; i < v.length; i++) if (v[i] === v[i]) n++;
  } else {
    const codes = c.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) n++;
  }
  return n;
}

/** Whether a column has at least one value: stops at the first (presentCount reads them all). */
function hasValue(frame: Frame, name: string): boolean {
  const c = findColumn(frame, name);
  if (!c) return false;
  if (isNumericColumn(c)) {
    const v = c.values;
    for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return true;
  } else {
    const codes = c.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) return true;
  }
  return false;
}

/** The checks every fit of a recipe starts with: rows, and a target that exists and has values. */
export function checkRecipeData(frame: Frame, recipe: Recipe): void {
  if (frame.rows === 0) {
    throw new BenchtopError('no-rows', 'The dataset has no rows, so there is nothing to prepare.');
  }
  const target = recipe.target;
  if (target === null) return;
  if (!findColumn(frame, target)) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${target}' is not in this dataset. Choose another target.`,
      { column: target },
    );
  }
  if (!hasValue(frame, target)) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${target}' has no values: every row is missing. Choose another target.`,
      { column: target },
    );
  }
}

export interface FitRecipeHooks {
  /**
   * Called before each step is fitted (`step` is 0-based) and once more at the end with
   * step === steps. May be async (the data worker yields there so a cancel can land) and may
   * throw to stop.
   */
  beforeStep?(step: number, steps: number): void | Promise<void>;
  /** Called after step `step` (0-based) was fitted, with the frames it was given and produced. */
  afterStep?(step: number, before: Frame, after: Frame, fitted: FittedStep): void;
}

export interface FittedRecipe {
  recipe: Recipe;
  fitted: FittedStep[];
  /** The input frame after every step (filters applied). */
  frame: Frame;
}

/** Fits every step of the recipe on `frame` (the whole dataset, or a training fold). */
export async function fitRecipe(
  frame: Frame,
  recipe: Recipe,
  hooks: FitRecipeHooks = {},
): Promise<FittedRecipe> {
  checkRecipeData(frame, recipe);
  let current = recipeInput(frame, recipe);
  const fitted: FittedStep[] = [];
  const n = recipe.steps.length;
  for (let i = 0; i < n; i++) {
    await hooks.beforeStep?.(i, n);
    const r = fitStep(current, recipe.steps[i], recipe.seed, i + 1);
    hooks.afterStep?.(i, current, r.frame, r.fitted);
    fitted.push(r.fitted);
    current = r.frame;
  }
  await hooks.beforeStep?.(n, n);
  return { recipe, fitted, frame: current };
}

/** The same, synchronously (the CLI and tests, where nothing needs to interleave). */
export function fitRecipeSync(
  frame: Frame,
  recipe: Recipe,
  hooks: Pick<FitRecipeHooks, 'afterStep'> = {},
): FittedRecipe {
  checkRecipeData(frame, recipe);
  let current = recipeInput(frame, recipe);
  const fitted = recipe.steps.map((spec, i) => {
    const r = fitStep(current, spec, recipe.seed, i + 1);
    hooks.afterStep?.(i, current, r.frame, r.fitted);
    current = r.frame;
    return r.fitted;
  });
  return { recipe, fitted, frame: current };
}

/** Replays a fitted recipe on other rows (filters run unless `inference`). */
export function applyRecipe(
  frame: Frame,
  fit: FittedRecipe,
  options: { inference: boolean },
): Frame {
  return applySteps(recipeInput(frame, fit.recipe), fit.fitted, options);
}
