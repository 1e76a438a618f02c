// The preparation-step contract (DESIGN.md §2, after scikit-learn's estimators): a step is
// `{kind, params}` (plain JSON); fitting it returns a FittedStep whose learned `state` is JSON plus
// typed arrays (never class instances or tensors), so it survives structuredClone / postMessage
// and can be written into a recipe or a model bundle. Transforms are pure and row-independent.
import type { Frame } from '../data/frame';
import type { ColumnKind, ColumnSchema } from '../data/schema';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** What a fitted step may keep: JSON values and typed arrays, nested in arrays and objects. */
export type StateValue =
  null | boolean | number | string | TypedArray | StateValue[] | { [key: string]: StateValue };
export type StepState = { [key: string]: StateValue };

/** A step as written in a recipe. `kind` is a stable dotted name ('scale.standard'). */
export interface StepSpec<P extends JsonObject = JsonObject> {
  kind: string;
  params: P;
}

/**
 * A step after `fit`. `spec.params` holds every setting with the defaults filled in, so a bundle
 * replays the same step even if a later version changes a default. The schemas are the columns
 * (name + kind) the step saw and produced.
 */
export interface FittedStep<S extends StepState = StepState, P extends JsonObject = JsonObject> {
  spec: StepSpec<P>;
  state: S;
  inputSchema: ColumnSchema[];
  outputSchema: ColumnSchema[];
}

/**
 * 'transform': row-independent, replayed on every row at inference time (impute, scale, encode).
 * 'filter': removes rows while fitting only (drop rows with missing values, duplicates, outliers);
 * like a sampler it is left out of the inference path and the exported bundle.
 */
export type StepRole = 'transform' | 'filter';

/** What a step learns with: a seeded RNG (src/core/rng.ts) and the seed it came from. */
export interface FitContext {
  seed: number;
  rng: () => number;
}

/**
 * A declarative description of one setting. The registry validates recipe JSON against it (so a
 * typo in a recipe file is a clear message, not a crash), and the UI can draw a form from it.
 * 'columns' / 'column' settings also tell the pipeline which columns a step reads, and of which
 * kinds: that is how "column 'age' does not exist any more" is reported the same way by every step.
 */
export type ParamSpec =
  | { type: 'columns'; label: string; help?: string; kinds: readonly ColumnKind[] }
  | { type: 'column'; label: string; help?: string; kinds: readonly ColumnKind[] }
  | {
      type: 'number';
      label: string;
      help?: string;
      min?: number;
      max?: number;
      integer?: boolean;
      /** min / max are exclusive bounds. */
      exclusive?: boolean;
    }
  | { type: 'boolean'; label: string; help?: string }
  | { type: 'string'; label: string; help?: string; nonEmpty?: boolean }
  | { type: 'choice'; label: string; help?: string; options: readonly string[] };

/** A small, hand-made input the conformance suite fits and transforms (and tests may reuse). */
export interface StepExample<P extends JsonObject = JsonObject> {
  /** What the example exercises ("missing values and a constant column"). */
  name: string;
  params: P;
  /** A fresh frame on every call: the suite checks the step does not mutate it. */
  frame: () => Frame;
}

/**
 * One kind of step. Write one with `defineStep` (src/core/steps/define.ts), which derives
 * `validate` from `params`; see src/core/steps/scale-standard.ts for a worked example.
 */
export interface StepDefinition<
  P extends JsonObject = JsonObject,
  S extends StepState = StepState,
> {
  readonly kind: string;
  readonly role: StepRole;
  /** Short name for menus ("Scale: standard"). */
  readonly title: string;
  /** One or two sentences for the UI: what the step does, and how it treats missing values. */
  readonly description: string;
  /** Every setting, described (keys are exactly the keys of `defaults`). */
  readonly params: { readonly [K in keyof P]: ParamSpec };
  readonly defaults: P;
  /**
   * Human messages for everything wrong with `params` against the columns the step would see,
   * e.g. "column 'age' does not exist any more". Empty when the step can be fitted. `params` may be
   * anything a recipe file held: it is checked before any other method sees it.
   */
  validate(params: JsonObject, inputSchema: readonly ColumnSchema[]): string[];
  /** Learns the state from `frame` only (cross-validation passes the training fold). */
  fit(frame: Frame, params: P, ctx: FitContext): S;
  /** Pure: never mutates `frame`; returns a new frame sharing the columns it did not touch. */
  transform(frame: Frame, fitted: FittedStep<S, P>): Frame;
  readonly examples: readonly StepExample<P>[];
}
