// The recipe editor's pure helpers, against the real step registry: the add-step menu lists every
// registered step once in the right section, new steps start with sensible columns (never the
// target for a transform), list edits never mutate, the schema a step sees follows the previews,
// and worker errors land on the step they name.
import { describe, expect, it } from 'vitest';
import { describeSteps } from '../../../core/steps/registry';
import type { ColumnSchema } from '../../../core/data/schema';
import type { StepPreview } from '../../../core/recipe/preview';
import type { StepSpec } from '../../../core/steps/types';
import { checkStep } from './prepare-core';
import {
  eligibleColumns,
  errorPlace,
  groupSteps,
  inputSchemaAt,
  moveStep,
  newStep,
  previewHeadline,
  recipeFileName,
  removeStep,
  setParam,
  stepGroup,
} from './recipe-edit';

// seattle-weather.csv's columns as Benchtop reads them.
const SEATTLE: ColumnSchema[] = [
  { name: 'date', kind: 'date' },
  { name: 'precipitation', kind: 'number' },
  { name: 'temp_max', kind: 'number' },
  { name: 'temp_min', kind: 'number' },
  { name: 'wind', kind: 'number' },
  { name: 'weather', kind: 'categorical' },
];

const catalog = describeSteps();
const info = (kind: string) => {
  const found = catalog.find((s) => s.kind === kind);
  if (!found) throw new Error(`no step ${kind}`);
  return found;
};

describe('the add-step menu', () => {
  it('lists every registered step exactly once, in the sections the issue names', () => {
    const groups = groupSteps(catalog);
    const listed = groups.flatMap((g) => g.steps.map((s) => s.kind));
    expect([...listed].sort()).toEqual(catalog.map((s) => s.kind).sort());
    const ids = groups.map((g) => g.id);
    for (const id of ['impute', 'scale', 'encode', 'outliers', 'transform', 'columns', 'rows']) {
      expect(ids).toContain(id);
    }
    expect(stepGroup('scale.standard')).toBe('scale');
    expect(stepGroup('date.parts')).toBe('columns');
    expect(stepGroup('type.cast')).toBe('columns');
    expect(stepGroup('rows.drop-duplicates')).toBe('rows');
    expect(stepGroup('sampler.smote')).toBe('other');
  });
});

describe('a new step', () => {
  it('a transform starts with every feature column of the kinds it accepts, not the target', () => {
    const spec = newStep(info('scale.standard'), SEATTLE, 'temp_max');
    expect(spec.params.columns).toEqual(['date', 'precipitation', 'temp_min', 'wind']);
    expect(spec.params.withMean).toBe(true);
    const onehot = newStep(info('encode.onehot'), SEATTLE, 'weather');
    expect(onehot.params.columns).toEqual([]);
    // With no column to choose, the step's own check says so (the editor shows it inline).
    expect(checkStep(onehot, SEATTLE)).toEqual(["choose at least one column for 'columns'."]);
  });

  it('a filter compares whole rows (the target included); a target setting gets the target', () => {
    const dup = newStep(info('rows.drop-duplicates'), SEATTLE, 'weather');
    expect(dup.params.columns).toEqual(SEATTLE.map((c) => c.name));
    const target = newStep(info('rows.drop-missing-target'), SEATTLE, 'weather');
    expect(target.params.target).toBe('weather');
    expect(checkStep(target, SEATTLE)).toEqual([]);
  });

  it('never shares its defaults with the registry', () => {
    const a = newStep(info('outliers.iqr'), SEATTLE, null);
    (a.params.columns as string[]).push('extra');
    expect(newStep(info('outliers.iqr'), SEATTLE, null).params.columns).not.toContain('extra');
  });

  it('offers only the columns whose kind a setting accepts', () => {
    expect(eligibleColumns(SEATTLE, ['date']).map((c) => c.name)).toEqual(['date']);
    expect(eligibleColumns(SEATTLE, ['categorical', 'text'], ['weather'])).toEqual([]);
  });
});

describe('list edits', () => {
  const steps: StepSpec[] = [
    { kind: 'impute.median', params: { columns: ['wind'] } },
    { kind: 'scale.standard', params: { columns: ['wind'] } },
    { kind: 'encode.onehot', params: { columns: ['weather'] } },
  ];
  const frozen = JSON.stringify(steps);

  it('moves, removes and sets a setting on copies', () => {
    expect(moveStep(steps, 2, -1).map((s) => s.kind)).toEqual([
      'impute.median',
      'encode.onehot',
      'scale.standard',
    ]);
    expect(moveStep(steps, 0, -1).map((s) => s.kind)).toEqual(steps.map((s) => s.kind));
    expect(removeStep(steps, 1).map((s) => s.kind)).toEqual(['impute.median', 'encode.onehot']);
    const set = setParam(steps, 1, 'withMean', false);
    expect(set[1].params).toEqual({ columns: ['wind'], withMean: false });
    expect(set[0]).toBe(steps[0]);
    expect(JSON.stringify(steps)).toBe(frozen);
  });
});

describe('the columns a step sees', () => {
  const steps: StepSpec[] = [
    { kind: 'date.parts', params: { columns: ['date'] } },
    { kind: 'scale.standard', params: { columns: ['date_year'] } },
  ];
  const after: ColumnSchema[] = [
    ...SEATTLE.filter((c) => c.name !== 'date'),
    { name: 'date_year', kind: 'integer' },
  ];
  const preview = { index: 0, columns: { before: SEATTLE, after } } as unknown as StepPreview;

  it('comes from the previous preview only while the earlier steps are unchanged', () => {
    expect(inputSchemaAt(0, steps, SEATTLE, null)).toEqual(SEATTLE);
    expect(inputSchemaAt(1, steps, SEATTLE, null)).toBeNull();
    const previewed = { steps: steps.slice(0, 1), previews: [preview] };
    expect(inputSchemaAt(1, steps, SEATTLE, previewed)).toEqual(after);
    const edited = setParam(steps, 0, 'year', false);
    expect(inputSchemaAt(1, edited, SEATTLE, previewed)).toBeNull();
  });

  it('lets the step check name a column that is gone', () => {
    expect(checkStep(steps[1], SEATTLE)).toEqual(["column 'date_year' does not exist any more."]);
    expect(checkStep(steps[1], after)).toEqual([]);
    // Not known yet: only the settings themselves are checked.
    expect(checkStep(steps[1], null)).toEqual([]);
    expect(
      checkStep({ kind: 'scale.standard', params: { columns: ['a'], withMean: 3 } }, null),
    ).toEqual(["'withMean' must be true or false."]);
    expect(checkStep({ kind: 'steps.from-the-future', params: {} }, null)[0]).toMatch(
      /no step 'steps.from-the-future'/,
    );
  });
});

describe('messages and names', () => {
  it('puts a fitting error on the step it names (details.step is 1-based)', () => {
    const err = {
      name: 'BenchtopError',
      code: 'invalid-argument',
      message: "Step 2 (Scale: standard): column 'x' does not exist any more.",
      details: { step: 2, problems: ["column 'x' does not exist any more."] },
    };
    expect(errorPlace(err)).toEqual({ step: 1, problems: ["column 'x' does not exist any more."] });
    expect(errorPlace(new Error('boom'))).toEqual({ step: null, problems: [] });
  });

  it('names export files <name>.recipe.json without characters file systems refuse', () => {
    expect(recipeFileName('weather auto')).toBe('weather auto.recipe.json');
    expect(recipeFileName(' a/b:c? ')).toBe('a-b-c.recipe.json');
    expect(recipeFileName('...')).toBe('recipe.recipe.json');
  });

  it('sums up a preview in a line', () => {
    const base = {
      role: 'transform',
      rows: { before: 10, after: 10 },
      columns: { before: [], after: [], added: [], removed: [] },
      touched: [],
    };
    expect(
      previewHeadline({ ...base, role: 'filter', rows: { before: 10, after: 7 } } as never),
    ).toBe('Drops 3 rows');
    expect(
      previewHeadline({
        ...base,
        columns: { before: [], after: [], added: ['a=x', 'a=y'], removed: ['a'] },
      } as never),
    ).toBe('Adds 2 columns, removes 1 column');
    expect(previewHeadline({ ...base, touched: ['a'] } as never)).toBe('Changes 1 column');
  });
});
