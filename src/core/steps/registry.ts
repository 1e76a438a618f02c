// The one registry of preparation steps, keyed by their stable `kind`. Adding a step = one file in
// this folder + one line in BUILT_IN below; the conformance suite (tests/conformance/steps.test.ts)
// then runs every check on it through `listSteps()`, with no edit to the suite.
import { BenchtopError } from '../errors';
import { columnsDrop } from './columns-drop';
import { dateParts } from './date-parts';
import { encodeOnehot } from './encode-onehot';
import { encodeOrdinal } from './encode-ordinal';
import { imputeConstant } from './impute-constant';
import { imputeConstantCategory } from './impute-constant-category';
import { imputeMean } from './impute-mean';
import { imputeMedian } from './impute-median';
import { imputeMostFrequent } from './impute-most-frequent';
import { outliersIqr } from './outliers-iqr';
import { outliersIqrDrop } from './outliers-iqr-drop';
import { outliersIsolationForest } from './outliers-isolation-forest';
import { outliersZscore } from './outliers-zscore';
import { outliersZscoreDrop } from './outliers-zscore-drop';
import { rowsDropDuplicates } from './rows-drop-duplicates';
import { rowsDropMissing } from './rows-drop-missing';
import { rowsDropMissingTarget } from './rows-drop-missing-target';
import { scaleMinmax } from './scale-minmax';
import { scaleRobust } from './scale-robust';
import { scaleStandard } from './scale-standard';
import { transformLog } from './transform-log';
import { transformYeoJohnson } from './transform-yeo-johnson';
import { typeCast } from './type-cast';
import type { JsonObject, JsonValue, ParamSpec, StepDefinition, StepRole, StepSpec } from './types';

// Each definition is typed with its own params and state; the registry sees them through the
// general StepDefinition (methods are checked bivariantly, so this needs no cast).
const BUILT_IN: StepDefinition[] = [
  imputeMean,
  imputeMedian,
  imputeConstant,
  imputeMostFrequent,
  imputeConstantCategory,
  scaleStandard,
  scaleMinmax,
  scaleRobust,
  encodeOnehot,
  encodeOrdinal,
  rowsDropMissing,
  columnsDrop,
  typeCast,
  dateParts,
  transformLog,
  transformYeoJohnson,
  outliersIqr,
  outliersZscore,
  outliersIqrDrop,
  outliersZscoreDrop,
  outliersIsolationForest,
  rowsDropDuplicates,
  rowsDropMissingTarget,
];

const registry = new Map<string, StepDefinition>();
for (const def of BUILT_IN) registerStep(def);

/** Adds a step kind (built-ins above; tests may add their own). A kind can be registered once. */
export function registerStep(def: StepDefinition): void {
  if (registry.has(def.kind)) {
    throw new BenchtopError('internal', `Two steps are registered as '${def.kind}'.`);
  }
  registry.set(def.kind, def);
}

export function hasStep(kind: string): boolean {
  return registry.has(kind);
}

/** The definition of a step kind; unknown kinds are a clear error (a recipe from a newer version). */
export function getStep(kind: string): StepDefinition {
  const def = registry.get(kind);
  if (!def) {
    throw new BenchtopError(
      'invalid-argument',
      `This recipe uses a step '${kind}' that this version of Benchtop does not know; it may come from a newer version. Update Benchtop, or remove that step.`,
      { kind },
    );
  }
  return def;
}

/** Every registered step, in registration order. */
export function listSteps(): readonly StepDefinition[] {
  return [...registry.values()];
}

/** What the UI needs to offer a step (plain JSON: it can cross postMessage). */
export interface StepInfo {
  kind: string;
  role: StepRole;
  title: string;
  description: string;
  params: Record<string, ParamSpec>;
  defaults: JsonObject;
}

export function describeSteps(): StepInfo[] {
  return listSteps().map((d) => ({
    kind: d.kind,
    role: d.role,
    title: d.title,
    description: d.description,
    params: { ...(d.params as Record<string, ParamSpec>) },
    defaults: structuredClone(d.defaults),
  }));
}

/**
 * A spec with every setting present: the step's defaults, overridden by what the spec gives.
 * Copies, so the caller's recipe object is never shared with (or changed by) a fitted step.
 */
export function resolveSpec(spec: StepSpec): StepSpec {
  const def = getStep(spec.kind);
  return {
    kind: spec.kind,
    params: { ...structuredClone(def.defaults), ...structuredClone(spec.params) },
  };
}

function isObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the `steps` list of a recipe (JSON from a file, IndexedDB or the UI): each entry must be
 * `{kind, params?}` with a known kind. Settings are not checked against columns here: that needs
 * the data, and happens when the recipe is fitted (see pipeline.ts).
 */
export function parseStepSpecs(json: unknown): StepSpec[] {
  if (!Array.isArray(json)) {
    throw new BenchtopError('invalid-argument', "The recipe's steps must be a list of steps.");
  }
  return json.map((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.kind !== 'string') {
      throw new BenchtopError(
        'invalid-argument',
        `Step ${i + 1} of the recipe has no 'kind' (each step looks like {"kind": "scale.standard", "params": {...}}).`,
        { step: i + 1 },
      );
    }
    const params = entry.params ?? {};
    if (!isObject(params)) {
      throw new BenchtopError(
        'invalid-argument',
        `Step ${i + 1} of the recipe ('${entry.kind}') has settings that are not a JSON object.`,
        { step: i + 1 },
      );
    }
    try {
      getStep(entry.kind);
    } catch (err) {
      if (err instanceof BenchtopError) {
        throw new BenchtopError(err.code, `Step ${i + 1}: ${err.message}`, {
          ...err.details,
          step: i + 1,
        });
      }
      throw err;
    }
    return { kind: entry.kind, params };
  });
}
