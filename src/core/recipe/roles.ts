// Column-role suggestions from a dataset's profile: which columns to leave out (identifiers, free
// text, empty columns), which column orders time or groups rows, and which task a target implies.
// They are suggestions only: the UI shows each with its reason and the user decides (issue 3:
// "a numeric target with few integer values is offered as classification or regression").
import { BenchtopError } from '../errors';
import type { ColumnProfile, DatasetProfile } from '../data/profile-types';
import type { ColumnSchema } from '../data/schema';
import { ONEHOT_HARD_LIMIT } from '../steps';
import type { Task } from './recipe';

/** An integer target with at most this many distinct values is offered as classification. */
export const FEW_CLASSES = 20;

export interface IgnoreSuggestion {
  column: string;
  reason: 'id-like' | 'text' | 'all-missing' | 'too-many-categories';
  /** One sentence for the UI. */
  message: string;
}

export interface RoleSuggestions {
  ignored: IgnoreSuggestion[];
  /** The one date column, when there is exactly one (a time-series split can order rows by it). */
  date?: string;
  /** A column that obviously groups rows (patient, customer, session...) and repeats. */
  group?: string;
}

export interface TaskSuggestion {
  task: Task;
  /** The tasks the user may pick; two when the column could be read either way. */
  options: Task[];
  reason: string;
}

// Names of columns that usually group rows: a split must keep a group's rows together.
const GROUP_NAME =
  /^(.*[_\s-])?(group|subject|patient|user|customer|client|session|household|family|site|account|store|player|device)([_\s-]?(id|no|number|code|key))?$/i;
// Names of identifier columns ("id", "customer_id", "PassengerId", "row number").
const ID_NAME = /^(id|.*[_\s-]id|.*[a-z]Id|.*ID|index|row[_\s-]?(id|no|number)|uuid|guid)$/;

/**
 * An identifier: categories with a different value in (almost) every row, or whole numbers that
 * are either named like an identifier or run as an unbroken sequence (row numbers 1..n). Whole
 * numbers that are merely all different (ages in a small table) are measurements, not IDs.
 */
function looksLikeId(col: ColumnSchema, p: ColumnProfile | undefined, warned: boolean): boolean {
  if (!p || p.count < 10) return false;
  const nearlyUnique = p.unique >= 0.95 * p.count;
  if (col.kind === 'categorical') return warned || (ID_NAME.test(col.name) && nearlyUnique);
  if (col.kind !== 'integer') return false;
  if (ID_NAME.test(col.name) && nearlyUnique) return true;
  const sequence = p.min !== null && p.max !== null && p.max - p.min + 1 === p.count;
  return warned && sequence;
}

function profileOf(profile: DatasetProfile, name: string): ColumnProfile | undefined {
  return profile.columns.find((c) => c.name === name);
}

/**
 * Suggested roles for every column but the target. ID-like columns (the profile's 'id-like'
 * warning, or an identifier's name with nearly all values distinct), free text and empty columns
 * are suggested as ignored.
 */
export function suggestRoles(
  schema: readonly ColumnSchema[],
  profile: DatasetProfile,
  target: string | null = null,
): RoleSuggestions {
  const ignored: IgnoreSuggestion[] = [];
  const idLike = new Set(
    profile.warnings.filter((w) => w.code === 'id-like' && w.column).map((w) => w.column),
  );
  const dates: string[] = [];
  let group: string | undefined;
  for (const col of schema) {
    if (col.name === target) continue;
    const p = profileOf(profile, col.name);
    if (p && p.count === 0) {
      ignored.push({
        column: col.name,
        reason: 'all-missing',
        message: `'${col.name}' has no values at all.`,
      });
      continue;
    }
    if (col.kind === 'text') {
      ignored.push({
        column: col.name,
        reason: 'text',
        message: `'${col.name}' is free text; Benchtop's models do not read text.`,
      });
      continue;
    }
    if (looksLikeId(col, p, idLike.has(col.name))) {
      ignored.push({
        column: col.name,
        reason: 'id-like',
        message: `'${col.name}' looks like an identifier (a different value in ${p?.unique === p?.count ? 'every' : 'almost every'} row); it tells a model nothing about new rows.`,
      });
      continue;
    }
    if (col.kind === 'categorical' && p && p.unique > ONEHOT_HARD_LIMIT) {
      ignored.push({
        column: col.name,
        reason: 'too-many-categories',
        message: `'${col.name}' has ${p.unique.toLocaleString('en-US')} distinct values, too many to one-hot encode.`,
      });
      continue;
    }
    if (col.kind === 'date') dates.push(col.name);
    if (
      group === undefined &&
      (col.kind === 'categorical' || col.kind === 'integer') &&
      GROUP_NAME.test(col.name) &&
      p !== undefined &&
      p.unique >= 2 &&
      p.unique < p.count
    ) {
      group = col.name;
    }
  }
  const out: RoleSuggestions = { ignored };
  if (dates.length === 1) out.date = dates[0];
  if (group !== undefined) out.group = group;
  return out;
}

/**
 * The task a target column implies. Categories and booleans: classification. Whole numbers with
 * few distinct values (labels 0/1/2, a 1-5 rating): either, classification suggested. Other
 * numbers and dates: regression. A target without values is refused.
 */
export function suggestTask(column: ColumnProfile): TaskSuggestion {
  if (column.count === 0) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${column.name}' has no values: every row is missing. Choose another target.`,
      { column: column.name },
    );
  }
  switch (column.kind) {
    case 'categorical':
    case 'text':
    case 'boolean':
      return {
        task: 'classification',
        options: ['classification'],
        reason: `'${column.name}' holds ${column.kind === 'boolean' ? 'true/false values' : 'categories'}, so the model predicts a class.`,
      };
    case 'integer':
      if (column.unique <= FEW_CLASSES) {
        return {
          task: 'classification',
          options: ['classification', 'regression'],
          reason: `'${column.name}' has only ${column.unique} distinct whole numbers: they may be class labels (classification) or amounts (regression).`,
        };
      }
      break;
    default:
      break;
  }
  return {
    task: 'regression',
    options: ['regression'],
    reason: `'${column.name}' holds ${column.kind === 'date' ? 'dates' : 'numbers'} with many distinct values, so the model predicts a number.`,
  };
}
