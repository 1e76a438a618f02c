// The one entry point of the splitters: a validation spec, the per-row inputs it needs (target
// classes, groups, dates or fold ids) and a seed give the folds as row indices. Same spec + same
// data + same seed = same folds (DESIGN.md §2).
import { BenchtopError } from '../errors';
import { createRng } from '../rng';
import { holdout } from './holdout';
import { kfold } from './kfold';
import { groupKfold } from './group';
import { predefinedFolds } from './predefined';
import { parseValidationSpec, type ValidationSpec } from './spec';
import { repeatedStratifiedKfold, stratifiedKfold } from './stratified';
import { timeSeriesSplit } from './time-series';
import type { FoldPlan, SplitInputs } from './types';

export { approximateMode } from './holdout';
export { checkClassSizes } from './stratified';
export { rankKeys } from './keys';
export {
  VALIDATION_DEFAULTS,
  VALIDATION_KINDS,
  parseValidationSpec,
  type ValidationKind,
  type ValidationSpec,
} from './spec';
export type { Fold, FoldPlan, KeyColumn, SplitInputs } from './types';

function need<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new BenchtopError('invalid-argument', message);
  return value;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Splits `inputs.rows` rows as `spec` says (a parsed spec, or raw JSON that is checked first).
 * Stratified kinds need `y`; group-kfold `groups`; time-series `dates`; predefined `foldIds`.
 */
export function makeFolds(
  spec: ValidationSpec | unknown,
  inputs: SplitInputs,
  seed: number,
): FoldPlan {
  const s = parseValidationSpec(spec);
  const rng = createRng(seed);
  const names = inputs.classNames;
  const checkLength = (a: { length: number } | undefined, what: string): void => {
    if (a && a.length !== inputs.rows) {
      throw new BenchtopError(
        'internal',
        `The ${what} has ${a.length} values for ${inputs.rows} rows.`,
      );
    }
  };
  checkLength(inputs.y, 'target');
  checkLength(inputs.dates, 'date column');
  const stratY = (): Int32Array =>
    need(
      inputs.y,
      `A ${s.kind} split needs class labels: it is for classification targets. Use 'kfold' for regression.`,
    );
  const plan = (folds: FoldPlan['folds'], excluded = 0, notes: string[] = []): FoldPlan => ({
    kind: s.kind,
    folds,
    excluded,
    notes,
  });
  switch (s.kind) {
    case 'kfold':
      return plan(kfold(inputs.rows, s.folds, s.shuffle, rng));
    case 'stratified-kfold':
      return plan(stratifiedKfold(stratY(), s.folds, s.shuffle, rng, names));
    case 'repeated-stratified-kfold':
      return plan(repeatedStratifiedKfold(stratY(), s.folds, s.repeats, rng, names));
    case 'holdout':
      return plan([
        holdout(inputs.rows, s.testSize, rng, s.stratify ? inputs.y : undefined, names),
      ]);
    case 'group-kfold': {
      const column = s.column ?? inputs.columns?.groups ?? 'group';
      const groups = need(
        inputs.groups,
        'A group k-fold split needs a group column (rows of one group stay in one fold): choose one in the recipe roles, or use another validation.',
      );
      checkLength(
        groups instanceof Float64Array ? groups : groups.codes,
        `group column '${column}'`,
      );
      const r = groupKfold(groups, s.folds, column);
      return plan(
        r.folds,
        r.excluded,
        r.excluded > 0
          ? [`${plural(r.excluded, 'row')} without a value in '${column}' are left out.`]
          : [],
      );
    }
    case 'time-series': {
      const column = s.column ?? inputs.columns?.dates ?? 'date';
      const dates = need(
        inputs.dates,
        'A time-series split orders rows by a date column, and this recipe has none: set the date column in the recipe roles, or use another validation.',
      );
      const r = timeSeriesSplit(dates, s.folds, s.gap, column);
      return plan(
        r.folds,
        r.excluded,
        r.excluded > 0
          ? [`${plural(r.excluded, 'row')} without a date in '${column}' are left out.`]
          : [],
      );
    }
    case 'predefined': {
      const column = s.column ?? inputs.columns?.foldIds ?? 'fold';
      const ids = need(
        inputs.foldIds,
        'Predefined folds need a fold column (a fold id per row): name one with --fold-column, or use another validation.',
      );
      checkLength(ids instanceof Float64Array ? ids : ids.codes, `fold column '${column}'`);
      const r = predefinedFolds(ids, column);
      return plan(
        r.folds,
        r.excluded,
        r.excluded > 0
          ? [
              `${plural(r.excluded, 'row')} without a fold id in '${column}' are left out of the evaluation.`,
            ]
          : [],
      );
    }
  }
}
