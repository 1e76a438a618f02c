// Group k-fold, as scikit-learn's GroupKFold: all rows of a group land in the same test fold, so a
// model is never scored on a patient / store / user it has seen. Groups are taken largest first
// and each goes to the fold with the fewest rows so far (the first such fold on ties). sklearn
// orders equal-sized groups with numpy's unstable quicksort, so which of two equal groups goes
// where is numpy's choice; we order them as a stable sort would (later group first), which equals
// numpy's order for up to 16 groups and always gives the same fold sizes. Rows without a group
// are left out (and counted): with no group to keep together, they could leak across folds.
import { BenchtopError } from '../errors';
import { foldsFromAssignment, rankKeys } from './keys';
import type { Fold, KeyColumn } from './types';

export function groupKfold(
  groups: KeyColumn,
  folds: number,
  column = 'group',
): { folds: Fold[]; excluded: number } {
  const { rank, labels, missing } = rankKeys(groups);
  const g = labels.length;
  if (g < folds) {
    throw new BenchtopError(
      'invalid-argument',
      `The group column '${column}' has ${g} group${g === 1 ? '' : 's'}, fewer than the ${folds} folds: use at most ${g} folds${g < 2 ? ' (at least 2 groups are needed)' : ''}, or another group column.`,
      { column, groups: g, folds },
    );
  }
  const sizes = new Float64Array(g);
  for (const r of rank) if (r >= 0) sizes[r]++;
  // Stable ascending argsort, reversed: largest first, equal sizes in descending group order.
  const order = Array.from({ length: g }, (_, i) => i)
    .sort((a, b) => sizes[a] - sizes[b] || a - b)
    .reverse();
  const load = new Float64Array(folds);
  const groupFold = new Int32Array(g);
  for (const grp of order) {
    let lightest = 0;
    for (let f = 1; f < folds; f++) if (load[f] < load[lightest]) lightest = f;
    load[lightest] += sizes[grp];
    groupFold[grp] = lightest;
  }
  const assign = new Int32Array(rank.length);
  for (let i = 0; i < rank.length; i++) assign[i] = rank[i] < 0 ? -1 : groupFold[rank[i]];
  return { folds: foldsFromAssignment(assign, folds), excluded: missing };
}
