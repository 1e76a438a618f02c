// What a splitter returns: row indices (never rows), so cross-validation can fit everything on
// the training rows and score on the untouched test rows, and folds are cheap to keep or send.
/** One train / test split. Indices are row numbers of the input, ascending. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
  /** 0-based fold number within its repeat. */
  index: number;
  /** 0-based repeat (repeated-stratified-kfold); 0 otherwise. */
  repeat: number;
}

export interface FoldPlan {
  kind: string;
  folds: Fold[];
  /** Rows in no fold at all (an empty fold id, group or date), counted so the UI can say so. */
  excluded: number;
  /** Human notes on what was done (e.g. "12 rows without a fold id are left out"). */
  notes: string[];
}

/**
 * Values that key rows (a group, a fold id): numbers (NaN = missing) or a string column's codes
 * (-1 = missing) into its categories. Keys are ordered as scikit-learn's np.unique orders them:
 * numbers ascending, text by code unit.
 */
export type KeyColumn = Float64Array | { codes: Int32Array; categories: readonly string[] };

export interface SplitInputs {
  /** How many rows there are. */
  rows: number;
  /** Class index per row (-1 = missing target) for stratified splits. */
  y?: Int32Array;
  /** Class names, for messages ("class 'snow' has 3 rows"). */
  classNames?: readonly string[];
  /** group-kfold: the group of each row. */
  groups?: KeyColumn;
  /** time-series: the date (epoch ms; NaN = missing) of each row. */
  dates?: Float64Array;
  /** predefined: the fold id of each row (missing = left out). */
  foldIds?: KeyColumn;
  /** Column names for messages. */
  columns?: { groups?: string; dates?: string; foldIds?: string };
}
