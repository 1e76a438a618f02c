// Predefined folds from a fold-id column (the CLI's --fold-column, like H2O's fold_column or
// sklearn's PredefinedSplit): fold f tests the rows whose id is the f-th distinct id (np.unique
// order) and trains on the rows of every other id. Unlike PredefinedSplit, whose -1 rows are always
// trained on, rows with an empty fold id are left out of the evaluation entirely, and counted
// (DESIGN.md §7).
import { BenchtopError } from '../errors';
import { foldsFromAssignment, rankKeys } from './keys';
import type { Fold, KeyColumn } from './types';

export function predefinedFolds(
  foldIds: KeyColumn,
  column = 'fold',
): { folds: Fold[]; excluded: number; ids: string[] } {
  const { rank, labels, missing } = rankKeys(foldIds);
  if (labels.length < 2) {
    throw new BenchtopError(
      'invalid-argument',
      `The fold column '${column}' has ${labels.length === 0 ? 'no fold ids' : `one fold id only ('${labels[0]}')`}: it needs at least 2 distinct ids, one per fold.`,
      { column },
    );
  }
  return { folds: foldsFromAssignment(rank, labels.length), excluded: missing, ids: labels };
}
