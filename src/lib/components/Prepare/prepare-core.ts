// The pure core helpers the recipe editor runs on the main thread (they are part of the Prepare
// tab's chunk, loaded when the tab first opens): the step catalogue, each step's own settings
// check, role and task suggestions, auto-prepare from the stored profile, and the recipe's JSON
// form. They read metadata only, never rows, so Arrow stays out of the main thread (the bundler
// drops it: nothing used here calls it); fitting, previews and applying run in the data worker.
import type { ColumnSchema } from '../../../core/data/schema';
import { stepInputs } from '../../../core/steps/define';
import { getStep, hasStep, resolveSpec } from '../../../core/steps/registry';
import type { StepSpec } from '../../../core/steps/types';

export { describeSteps, type StepInfo } from '../../../core/steps/registry';
export {
  autoRecipe,
  parseRecipeText,
  serializeRecipe,
  suggestRoles,
  suggestTask,
} from '../../../core/recipe';

/**
 * What is wrong with a step's settings, as the step itself says it ("choose at least one column",
 * "column 'age' does not exist any more"). With `schema` null (the columns this step will see are
 * not known yet: an earlier step is still being previewed or failed), only the settings themselves
 * are checked: every column they name is assumed to exist with a kind the step accepts.
 */
export function checkStep(spec: StepSpec, schema: readonly ColumnSchema[] | null): string[] {
  if (!hasStep(spec.kind)) {
    return [`this version of Benchtop has no step '${spec.kind}'; remove it.`];
  }
  const def = getStep(spec.kind);
  const { params } = resolveSpec(spec);
  const seen = schema ?? assumedSchema(spec);
  return def.validate(params, seen);
}

function assumedSchema(spec: StepSpec): ColumnSchema[] {
  const out: ColumnSchema[] = [];
  for (const { column, kinds } of stepInputs(getStep(spec.kind), resolveSpec(spec).params)) {
    if (!out.some((c) => c.name === column)) out.push({ name: column, kind: kinds[0] });
  }
  return out;
}
