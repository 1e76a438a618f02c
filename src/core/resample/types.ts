// The sampler contract (DESIGN.md §2, after imbalanced-learn): a sampler is `{kind, params}` JSON
// with role 'resample'. It is described like a preparation step (title, description, declared
// settings, defaults, examples) but has `fitResample` instead of fit / transform: it runs only
// while fitting, inside a training fold, and never appears on the inference path or in a bundle.
// The result carries the new frame plus the provenance of every output row, so the UI can mark
// synthetic rows and tests can check each one against its parent and neighbour.
import type { Frame } from '../data/frame';
import type { Tf } from '../models/types';
import type { JsonObject } from '../steps/types';
import type { NeighbourPath } from './neighbours';

export type SamplerKind =
  'smote' | 'smote-nc' | 'random-over' | 'random-under' | 'tomek' | 'class-weights';

/**
 * imbalanced-learn's sampling_strategy: 'auto' (over-samplers: every class up to the majority
 * count; under-samplers: every class down to the minority count), a ratio minority / majority
 * after resampling (binary targets only), or the wanted number of rows per class label.
 */
export type SamplingStrategy = 'auto' | number | { [label: string]: number };

/** A sampler as written in a recipe (`recipe.sampler`). */
export interface SamplerSpec<P extends JsonObject = JsonObject> {
  kind: string;
  params: P;
}

/** What a sampler runs with: the seeded RNG (src/core/rng.ts), progress and cancellation hooks. */
export interface ResampleContext {
  seed: number;
  rng: () => number;
  /** `fraction` in [0, 1] of the current phase; `phase` says what is being computed. */
  onProgress?(fraction: number, phase: string): void;
  /** Checked between blocks of work; true stops the sampler with a 'cancelled' BenchtopError. */
  isCancelled?(): boolean;
  /**
   * tfjs-core with its backend already chosen by the caller: the neighbour search (SMOTE, SMOTE-NC,
   * Tomek links) runs as float32 matrix products on it when that pays off. Same results either way.
   */
  tf?: Tf;
  /** Which neighbour search runs: 'auto' (default), or 'js' / 'tf' to force one (tests, benchmarks). */
  neighbours?: NeighbourPath;
  /**
   * For a caller that writes the rows out itself (`benchtop resample` streaming a CSV): a sampler
   * that keeps every input row and appends new ones (SMOTE, SMOTE-NC, random over-sampling) then
   * returns the input rows as `frame` (its columns shared, under the output's kinds) and the new
   * rows as `appended` instead of one frame holding both, a second copy of all the data.
   * `appendedRows` (shared.ts) computes any range of them. Other samplers ignore it.
   */
  deferAppended?: boolean;
}

/** How an output row came to be. */
export const ORIGINAL = 0;
/** A copy of an input row added by random over-sampling. */
export const REPEATED = 1;
/** x + u·(neighbour − x) from a parent row and one of its nearest same-class neighbours. */
export const SYNTHETIC = 2;
export type Origin = typeof ORIGINAL | typeof REPEATED | typeof SYNTHETIC;

/** Class counts, in the class order of the result (labels sorted as imbalanced-learn sorts them). */
export interface ClassCount {
  label: string;
  before: number;
  after: number;
}

export interface ResampleResult {
  /** Same columns and names as the input (the target included); a kind may widen (see notes). */
  frame: Frame;
  /** Per output row: ORIGINAL, REPEATED or SYNTHETIC. */
  origin: Uint8Array;
  /** Per output row: the input row it is (ORIGINAL), copies (REPEATED) or was grown from (SYNTHETIC). */
  source: Int32Array;
  /** Per output row: the input row of the neighbour a SYNTHETIC row lies towards; -1 otherwise. */
  neighbour: Int32Array;
  /** Per output row: u in (0, 1) of a SYNTHETIC row (row = source + u·(neighbour − source)); NaN otherwise. */
  gap: Float64Array;
  classes: ClassCount[];
  /** Class weights for the model (class-weights only): label -> weight. */
  classWeights?: { [label: string]: number };
  /** The class weight of each output row (class-weights only), ready for a weighted loss. */
  sampleWeight?: Float64Array;
  /** Things a person should know (columns whose kind widened, the penalty SMOTE-NC used...). */
  notes: string[];
  /**
   * Only when the caller asked for `deferAppended` and the sampler appends rows: the output is
   * `frame`'s rows (the input rows) followed by these; origin / source / neighbour / gap above
   * still describe every output row.
   */
  appended?: AppendedRows;
}

/** New rows appended after every input row: each one a copy, or synthetic between two rows. */
export interface AppendedRows {
  origin: Uint8Array;
  source: Int32Array;
  neighbour: Int32Array;
  gap: Float64Array;
  /** Values decided by a vote (SMOTE-NC's categorical columns), by column name. */
  voted?: Map<string, Int32Array | Float64Array>;
}

/** A declared setting: how the UI draws the form and how recipe JSON is checked. */
export type SamplerParamSpec =
  | {
      type: 'number';
      label: string;
      help?: string;
      min?: number;
      max?: number;
      integer?: boolean;
    }
  | { type: 'choice'; label: string; help?: string; options: readonly string[] }
  /** 'auto', a ratio in (0, 1], or {label: count}. */
  | { type: 'strategy'; label: string; help?: string }
  /** 'balanced' or {label: weight}. */
  | { type: 'weights'; label: string; help?: string };

/** A small input the conformance suite resamples (and tests may reuse). */
export interface SamplerExample<P extends JsonObject = JsonObject> {
  name: string;
  params: P;
  target: string;
  /** A fresh frame on every call: the suite checks the sampler does not mutate it. */
  frame: () => Frame;
}

export interface SamplerDefinition<P extends JsonObject = JsonObject> {
  readonly kind: SamplerKind;
  readonly role: 'resample';
  readonly title: string;
  readonly description: string;
  /**
   * 'over' adds rows, 'under' removes rows, 'clean' removes rows near the class border,
   * 'weights' keeps the rows and attaches class weights for the model.
   */
  readonly family: 'over' | 'under' | 'clean' | 'weights';
  readonly params: { readonly [K in keyof P]: SamplerParamSpec };
  readonly defaults: P;
  /** Human messages for everything wrong with `params` (anything a recipe file held). */
  validate(params: JsonObject): string[];
  /** Resamples `frame` (a training fold); never mutates it. `target` names the class column. */
  fitResample(frame: Frame, target: string, params: P, ctx: ResampleContext): ResampleResult;
  readonly examples: readonly SamplerExample<P>[];
}
