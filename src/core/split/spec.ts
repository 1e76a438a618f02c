// The validation scheme of a recipe (`recipe.validation`), as plain JSON with its settings checked
// and defaults filled in like a step's params: a recipe file or the UI may hold anything, so
// `parseValidationSpec` trusts nothing and answers with a BenchtopError a person can act on.
import { BenchtopError } from '../errors';

export const VALIDATION_KINDS = [
  'holdout',
  'kfold',
  'stratified-kfold',
  'repeated-stratified-kfold',
  'group-kfold',
  'time-series',
  'predefined',
] as const;
export type ValidationKind = (typeof VALIDATION_KINDS)[number];

export interface ValidationSpec {
  kind: ValidationKind;
  /** Number of folds (time-series: number of train / test splits). Not used by holdout / predefined. */
  folds: number;
  /** kfold / stratified-kfold: shuffle rows (seeded) before assigning folds. */
  shuffle: boolean;
  /** repeated-stratified-kfold: how many times to repeat it, each with a different shuffle. */
  repeats: number;
  /** holdout: the share of rows held out for testing, in (0, 1). */
  testSize: number;
  /** holdout: keep class proportions in both parts (classification only). */
  stratify: boolean;
  /** time-series: rows left out between the end of training and the start of the test block. */
  gap: number;
  /**
   * group-kfold: the group column; time-series: the date column; predefined: the fold-id column.
   * Defaults to the recipe's roles (group, date) where it has one.
   */
  column?: string;
}

/**
 * Defaults. Shuffling is on: data files are often sorted (by date, by class), and unshuffled
 * folds then test on a different population than they train on. Set `shuffle: false` to get
 * exactly scikit-learn's KFold / StratifiedKFold folds. Three repeats (sklearn defaults to 10)
 * keep a repeated CV affordable in a browser tab.
 */
export const VALIDATION_DEFAULTS: Omit<ValidationSpec, 'kind'> = {
  folds: 5,
  shuffle: true,
  repeats: 3,
  testSize: 0.2,
  stratify: true,
  gap: 0,
};

const KEYS = new Set([
  'kind',
  'folds',
  'shuffle',
  'repeats',
  'testSize',
  'stratify',
  'gap',
  'column',
]);

function bad(message: string): BenchtopError {
  return new BenchtopError('invalid-argument', `The validation settings are not valid: ${message}`);
}

function integer(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(
      `'${name}' must be a whole number from ${min} to ${max} (it is ${JSON.stringify(v)}).`,
    );
  }
  return v;
}

function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw bad(`'${name}' must be true or false.`);
  return v;
}

/** Checks a validation object (from a recipe, the CLI or the UI) and fills the defaults. */
export function parseValidationSpec(json: unknown): ValidationSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw bad(`expected an object such as {"kind": "stratified-kfold", "folds": 5}.`);
  }
  const o = json as Record<string, unknown>;
  const unknown = Object.keys(o).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    throw bad(
      `unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${[...KEYS].join(', ')}).`,
    );
  }
  const kind = o.kind;
  if (typeof kind !== 'string' || !(VALIDATION_KINDS as readonly string[]).includes(kind)) {
    throw bad(
      `'kind' must be one of ${VALIDATION_KINDS.join(', ')} (it is ${JSON.stringify(kind)}).`,
    );
  }
  const spec: ValidationSpec = { kind: kind as ValidationKind, ...VALIDATION_DEFAULTS };
  if (o.folds !== undefined) spec.folds = integer(o.folds, 'folds', 2, 1000);
  if (o.shuffle !== undefined) spec.shuffle = bool(o.shuffle, 'shuffle');
  if (o.repeats !== undefined) spec.repeats = integer(o.repeats, 'repeats', 1, 100);
  if (o.stratify !== undefined) spec.stratify = bool(o.stratify, 'stratify');
  if (o.gap !== undefined) spec.gap = integer(o.gap, 'gap', 0, 1e9);
  if (o.testSize !== undefined) {
    const t = o.testSize;
    if (typeof t !== 'number' || !(t > 0 && t < 1)) {
      throw bad(
        `'testSize' must be a share between 0 and 1, such as 0.2 (it is ${JSON.stringify(t)}).`,
      );
    }
    spec.testSize = t;
  }
  if (o.column !== undefined) {
    if (typeof o.column !== 'string' || o.column === '')
      throw bad(`'column' must be a column name.`);
    spec.column = o.column;
  }
  return spec;
}
