// Pure helpers of the recipe editor: the step menu's groups, which columns a setting may name, a
// new step with sensible columns filled in, list edits (move, remove, set a setting), the schema a
// step sees, and where a worker error belongs. Only types come from src/core, so this file adds no
// step code to the main thread; the recipe state and the Prepare components share it.
import type { ColumnKind, ColumnSchema } from '../../../core/data/schema';
import type { Recipe, RecipeRoles } from '../../../core/recipe/recipe';
import type { StepPreview } from '../../../core/recipe/preview';
import type { StepInfo } from '../../../core/steps/registry';
import type { JsonObject, JsonValue, ParamSpec, StepSpec } from '../../../core/steps/types';
import { formatCount } from '../../format';

export type StepGroupId =
  'rows' | 'columns' | 'impute' | 'outliers' | 'transform' | 'scale' | 'encode' | 'other';

/** The add-step menu's sections, in the order a recipe usually runs. */
export const STEP_GROUPS: readonly { id: StepGroupId; label: string }[] = [
  { id: 'rows', label: 'Rows' },
  { id: 'columns', label: 'Columns' },
  { id: 'impute', label: 'Impute missing values' },
  { id: 'outliers', label: 'Outliers' },
  { id: 'transform', label: 'Transform' },
  { id: 'scale', label: 'Scale' },
  { id: 'encode', label: 'Encode categories' },
  { id: 'other', label: 'Other' },
];

/** The menu section of a step kind, from the first part of its dotted name. */
export function stepGroup(kind: string): StepGroupId {
  const head = kind.split('.')[0];
  switch (head) {
    case 'impute':
    case 'scale':
    case 'encode':
    case 'outliers':
    case 'transform':
    case 'rows':
      return head;
    case 'columns':
    case 'type':
    case 'date':
      return 'columns';
    default:
      return 'other';
  }
}

/** Every registered step, in menu sections (empty sections left out), registry order within. */
export function groupSteps(
  infos: readonly StepInfo[],
): { id: StepGroupId; label: string; steps: StepInfo[] }[] {
  return STEP_GROUPS.map((g) => ({
    ...g,
    steps: infos.filter((s) => stepGroup(s.kind) === g.id),
  })).filter((g) => g.steps.length > 0);
}

/** Columns of `schema` a setting accepts (by kind), leaving out `exclude`. */
export function eligibleColumns(
  schema: readonly ColumnSchema[],
  kinds: readonly ColumnKind[],
  exclude: readonly string[] = [],
): ColumnSchema[] {
  return schema.filter((c) => kinds.includes(c.kind) && !exclude.includes(c.name));
}

/**
 * A new step with its defaults, and its column settings filled the way a person would start:
 * a transform gets every feature column it accepts (never the target; the user unticks what they
 * do not want), a filter every column it accepts (exact duplicates compare whole rows), a target
 * setting the recipe's target.
 */
export function newStep(
  info: StepInfo,
  schema: readonly ColumnSchema[],
  target: string | null,
): StepSpec {
  const params: JsonObject = structuredClone(info.defaults);
  const exclude = info.role === 'filter' || target === null ? [] : [target];
  for (const [key, spec] of Object.entries(info.params)) {
    const current = params[key];
    if (spec.type === 'columns' && Array.isArray(current) && current.length === 0) {
      params[key] = eligibleColumns(schema, spec.kinds, exclude).map((c) => c.name);
    } else if (spec.type === 'column' && (current === '' || current === undefined)) {
      if (key === 'target' && target !== null) params[key] = target;
      else params[key] = eligibleColumns(schema, spec.kinds, exclude)[0]?.name ?? '';
    }
  }
  return { kind: info.kind, params };
}

export function moveStep(steps: readonly StepSpec[], index: number, delta: number): StepSpec[] {
  const to = index + delta;
  if (index < 0 || index >= steps.length || to < 0 || to >= steps.length) return [...steps];
  const out = [...steps];
  const [step] = out.splice(index, 1);
  out.splice(to, 0, step);
  return out;
}

export function removeStep(steps: readonly StepSpec[], index: number): StepSpec[] {
  return steps.filter((_, i) => i !== index);
}

/** A copy of the steps with one setting of one step changed (the recipe is never mutated). */
export function setParam(
  steps: readonly StepSpec[],
  index: number,
  key: string,
  value: JsonValue,
): StepSpec[] {
  return steps.map((s, i) =>
    i === index ? { kind: s.kind, params: { ...s.params, [key]: value } } : s,
  );
}

/** The columns the first step sees: every column but the ignored ones (as the worker does). */
export function recipeInputSchema(
  schema: readonly ColumnSchema[],
  roles: RecipeRoles,
): ColumnSchema[] {
  return schema.filter((c) => !roles.ignored.includes(c.name));
}

/** What decides a preview's result: everything in the recipe except its name and task. */
export function previewKey(recipe: Recipe): string {
  return JSON.stringify([recipe.target, recipe.roles.ignored, recipe.steps, recipe.seed]);
}

function sameSteps(a: readonly StepSpec[], b: readonly StepSpec[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The columns step `index` sees. Step 0 sees the recipe's input; a later step sees what the
 * previewed step before it produced, but only when the preview was computed for exactly the same
 * earlier steps (otherwise one-hot or date parts may have added other columns). null = not known
 * yet (an earlier step failed, or its preview is still running).
 */
export function inputSchemaAt(
  index: number,
  steps: readonly StepSpec[],
  base: readonly ColumnSchema[],
  previewed: { steps: readonly StepSpec[]; previews: readonly StepPreview[] } | null,
): ColumnSchema[] | null {
  if (index === 0) return [...base];
  if (!previewed || !sameSteps(previewed.steps.slice(0, index), steps.slice(0, index))) return null;
  const own = previewed.previews[index];
  if (own && own.index === index) return own.columns.before;
  const prev = previewed.previews[index - 1];
  if (prev && prev.index === index - 1 && !prev.error) return prev.columns.after;
  return null;
}

/** Where a setting names columns that the step cannot see; used to keep stale names visible. */
export function namedColumns(spec: ParamSpec, value: JsonValue | undefined): string[] {
  if (spec.type === 'columns' && Array.isArray(value))
    return value.filter((v): v is string => typeof v === 'string');
  if (spec.type === 'column' && typeof value === 'string' && value !== '') return [value];
  return [];
}

/** A file name for an exported recipe: "<name>.recipe.json", without characters file systems refuse. */
export function recipeFileName(name: string): string {
  const safe = name
    .trim()
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f<>:"/\\|?*]+/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s-]+|[.\s-]+$/g, '');
  return `${safe || 'recipe'}.recipe.json`;
}

/**
 * Where a failure belongs in the editor. Errors from fitting name their 1-based step in
 * `details.step` (src/core/steps/pipeline.ts); the list of problems, when there is one, reads
 * better than the joined message under a step.
 */
export function errorPlace(err: unknown): { step: number | null; problems: string[] } {
  if (typeof err !== 'object' || err === null) return { step: null, problems: [] };
  const details = (err as { details?: unknown }).details;
  const d =
    typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {};
  const step = typeof d.step === 'number' && Number.isInteger(d.step) ? d.step - 1 : null;
  const problems = Array.isArray(d.problems)
    ? d.problems.filter((p): p is string => typeof p === 'string')
    : [];
  return { step, problems };
}

/** "Dropped 12 rows", "Adds 3 columns": the one-line headline of a step preview. */
export function previewHeadline(p: StepPreview): string {
  const parts: string[] = [];
  const dropped = p.rows.before - p.rows.after;
  if (dropped > 0) parts.push(`drops ${plural(dropped, 'row')}`);
  else if (p.role === 'filter') parts.push('drops no rows');
  if (p.columns.added.length > 0) parts.push(`adds ${plural(p.columns.added.length, 'column')}`);
  if (p.columns.removed.length > 0)
    parts.push(`removes ${plural(p.columns.removed.length, 'column')}`);
  if (parts.length === 0)
    parts.push(
      p.touched.length > 0 ? `changes ${plural(p.touched.length, 'column')}` : 'changes nothing',
    );
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function plural(n: number, word: string): string {
  // One shared Intl formatter: toLocaleString builds a new one per call, and the step list
  // writes a headline per step on every preview.
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
