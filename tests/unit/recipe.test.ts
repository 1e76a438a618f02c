// Recipes: the JSON format (parse, migrate, serialize), role and task suggestions, auto-prepare and
// fitting a recipe, on real files (vega-datasets) and small messy tables written here.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import {
  findColumn,
  frameFromTable,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
} from '../../src/core/data/frame';
import { profileTable } from '../../src/core/data/profile';
import type { DatasetProfile } from '../../src/core/data/profile-types';
import type { ColumnSchema } from '../../src/core/data/schema';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import {
  applyRecipe,
  autoRecipe,
  emptyRecipe,
  fitRecipe,
  fitRecipeSync,
  migrateRecipe,
  parseRecipe,
  parseRecipeText,
  serializeRecipe,
  suggestRoles,
  suggestTask,
  type Recipe,
} from '../../src/core/recipe';
import { stepInputs, getStep, type JsonObject } from '../../src/core/steps';

const DATA = 'node_modules/vega-datasets/data/';

interface Loaded {
  schema: ColumnSchema[];
  profile: DatasetProfile;
  frame: Frame;
}

async function load(name: string, bytes: Uint8Array): Promise<Loaded> {
  const { table, schema, report } = await ingest(bytesSource(name, bytes));
  return {
    schema,
    profile: profileTable(table, schema, report),
    frame: frameFromTable(table, schema),
  };
}
const loadFile = (file: string) => load(file, readFileSync(DATA + file));
const loadText = (name: string, text: string) => load(name, new TextEncoder().encode(text));
const loadJson = (file: string) =>
  loadText(
    file.replace('.json', '.csv'),
    Papa.unparse(JSON.parse(readFileSync(DATA + file, 'utf8')) as object[]),
  );

function thrown(fn: () => unknown): BenchtopError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected an error');
}

const BASE = {
  format: 'benchtop.recipe',
  version: 1,
  target: 'weather',
  task: 'classification',
  roles: { ignored: ['date'] },
  steps: [
    { kind: 'impute.median', params: { columns: ['wind'], indicator: true } },
    { kind: 'scale.standard', params: { columns: ['wind', 'temp_max'] } },
  ],
  seed: 7,
};

describe('parseRecipe', () => {
  it('reads a recipe, filling each step’s omitted settings only when fitted', () => {
    const r = parseRecipe(structuredClone(BASE));
    expect(r).toEqual({ ...BASE, task: 'classification' });
    expect(r.steps[1].params).toEqual({ columns: ['wind', 'temp_max'] });
  });

  it('round-trips through serializeRecipe, keeping later stages (sampler, model, validation)', () => {
    const json = {
      ...structuredClone(BASE),
      name: 'weather v2',
      roles: { ignored: ['date'], group: 'station', date: 'date' },
      sampler: { kind: 'smote', params: { kNeighbors: 5 } },
      model: null,
      validation: { folds: 5, kind: 'stratified-kfold' },
    };
    const r = parseRecipe(json);
    expect(r.sampler).toEqual({ kind: 'smote', params: { kNeighbors: 5 } });
    expect(r.model).toBeNull();
    const text = serializeRecipe(r);
    expect(parseRecipe(JSON.parse(text))).toEqual(r);
    expect(serializeRecipe(parseRecipeText(text))).toBe(text);
  });

  it('checks the sampler, model and validation against their settings and the task', () => {
    const base = structuredClone(BASE);
    const ok = parseRecipe({
      ...base,
      sampler: { kind: 'class-weights', params: {} },
      model: { kind: 'mlp', params: { hiddenLayers: [16] } },
      validation: { kind: 'group-kfold', folds: 3 },
    });
    expect(ok.model).toEqual({ kind: 'mlp', params: { hiddenLayers: [16] } });
    const message = (extra: object) => thrown(() => parseRecipe({ ...base, ...extra })).message;
    expect(message({ sampler: { kind: 'smote', params: { k: 5 } } })).toMatch(
      /^This recipe is not valid: .*no setting 'k'/,
    );
    expect(message({ sampler: { kind: 'adasyn' } })).toMatch(
      /^This recipe is not valid: There is no sampler 'adasyn'\. The samplers are 'smote', /,
    );
    expect(message({ model: { kind: 'forest' } })).toBe(
      `This recipe is not valid: 'model.kind' must be one of 'logreg', 'mlp', 'linear', 'mlp-regressor' (it is "forest").`,
    );
    expect(message({ model: { kind: 'linear' } })).toBe(
      "This recipe is not valid: the model 'linear' is for regression, but the recipe's task is classification: use 'logreg' or 'mlp'.",
    );
    expect(message({ validation: { kind: 'kfold', folds: 1 } })).toMatch(
      /^This recipe is not valid: The validation settings are not valid: 'folds' must be a whole number from 2 to 1000/,
    );
    expect(
      message({ task: 'regression', target: 'temp_max', validation: { kind: 'stratified-kfold' } }),
    ).toMatch(/stratified-kfold validation keeps class proportions/);
    expect(message({ task: 'regression', target: 'temp_max', sampler: { kind: 'smote' } })).toMatch(
      /a sampler \('smote'\) rebalances classes, and a regression target has none/,
    );
    // Recipes saved before these stages existed still load: absent stays absent (= defaults).
    const old = parseRecipe(structuredClone(BASE));
    expect(old.model ?? null).toBeNull();
    expect(old.sampler ?? null).toBeNull();
  });

  it('refuses what is not a recipe', () => {
    for (const v of [null, 42, 'recipe', [], {}, { format: 'benchtop.bundle', version: 1 }]) {
      expect(thrown(() => parseRecipe(v)).message).toBe(
        'This is not a Benchtop recipe: a recipe is a JSON object with "format": "benchtop.recipe".',
      );
    }
  });

  it('refuses a newer format version, saying which versions it reads', () => {
    const e = thrown(() => parseRecipe({ ...BASE, version: 3 }));
    expect(e.message).toBe(
      'This recipe is format version 3; this version of Benchtop reads up to 1. Update Benchtop to open it.',
    );
    expect(e.details).toMatchObject({ version: 3, supported: 1 });
    expect(thrown(() => parseRecipe({ ...BASE, version: '1' })).message).toMatch(
      /no valid format version/,
    );
  });

  it('names an unknown step kind (the registry’s message) and its place', () => {
    const e = thrown(() =>
      parseRecipe({ ...BASE, steps: [BASE.steps[0], { kind: 'scale.quantum', params: {} }] }),
    );
    expect(e.message).toMatch(/^Step 2: This recipe uses a step 'scale.quantum'/);
    expect(e.details).toMatchObject({ step: 2, kind: 'scale.quantum' });
  });

  it('checks each step’s settings with the step’s own validate', () => {
    const bad = (params: JsonObject) =>
      thrown(() => parseRecipe({ ...BASE, steps: [{ kind: 'scale.standard', params }] })).message;
    expect(bad({ columns: ['wind'], withMean: 'yes' })).toBe(
      "Step 1 (Scale: standard): 'withMean' must be true or false.",
    );
    expect(bad({ columns: ['wind'], colums: ['x'] })).toMatch(
      /^Step 1 \(Scale: standard\): it has no setting 'colums'/,
    );
    expect(bad({ columns: [] })).toBe(
      "Step 1 (Scale: standard): choose at least one column for 'columns'.",
    );
    // Whether a column exists is a question for the data, not the recipe file.
    expect(() =>
      parseRecipe({ ...BASE, steps: [{ kind: 'scale.standard', params: { columns: ['nope'] } }] }),
    ).not.toThrow();
  });

  it('refuses bad targets, tasks, roles and seeds with the field named', () => {
    const msg = (patch: JsonObject) => thrown(() => parseRecipe({ ...BASE, ...patch })).message;
    expect(msg({ task: 'clustering' })).toMatch(/'task' must be "classification", "regression"/);
    expect(msg({ target: 3 })).toMatch(/'target' must be a column name or null/);
    expect(msg({ roles: { ignored: 'date' } })).toMatch(/'roles.ignored' must be a list/);
    expect(msg({ roles: { ignored: ['weather'] } })).toMatch(
      /the target 'weather' is also listed as ignored/,
    );
    expect(msg({ seed: -1 })).toMatch(/'seed' must be a whole number/);
    expect(msg({ steps: {} })).toBe("The recipe's steps must be a list of steps.");
  });

  it('reads JSON text with a BOM, and says when the text is not JSON', () => {
    expect(parseRecipeText(`\uFEFF${JSON.stringify(BASE)}`).seed).toBe(7);
    expect(thrown(() => parseRecipeText('{"format": "benchtop.recipe",')).message).toMatch(
      /^This recipe file is not valid JSON \(/,
    );
  });
});

describe('migrateRecipe', () => {
  // A made-up version 0 that called the target "label" and kept ignored columns at the top level.
  const v0 = {
    format: 'benchtop.recipe',
    version: 0,
    label: 'weather',
    ignore: ['date'],
    steps: [],
    seed: 1,
  };
  const migrations = {
    0: (r: JsonObject): JsonObject => {
      const { label, ignore, ...rest } = r;
      return { ...rest, target: label ?? null, task: null, roles: { ignored: ignore ?? [] } };
    },
  };

  it('brings an old version up one step at a time, without touching the input', () => {
    const before = structuredClone(v0);
    const out = migrateRecipe(v0, migrations, 1);
    expect(v0).toEqual(before);
    expect(out).toEqual({
      format: 'benchtop.recipe',
      version: 1,
      target: 'weather',
      task: null,
      roles: { ignored: ['date'] },
      steps: [],
      seed: 1,
    });
    expect(parseRecipe(out).target).toBe('weather');
  });

  it('refuses an old version it has no migration for', () => {
    expect(thrown(() => parseRecipe(v0)).message).toBe(
      'This recipe is format version 0, which this version of Benchtop cannot convert (it reads versions 1 and up).',
    );
  });
});

describe('serializeRecipe', () => {
  it('prints the same text whatever order the keys were built in', () => {
    const a = parseRecipe(BASE);
    const b: Recipe = {
      seed: 7,
      steps: [
        { params: { indicator: true, columns: ['wind'] }, kind: 'impute.median' },
        { params: { columns: ['wind', 'temp_max'] }, kind: 'scale.standard' },
      ],
      roles: { ignored: ['date'] },
      task: 'classification',
      target: 'weather',
      version: 1,
      format: 'benchtop.recipe',
    };
    expect(serializeRecipe(b)).toBe(serializeRecipe(a));
    const text = serializeRecipe(a);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'format',
      'version',
      'target',
      'task',
      'roles',
      'steps',
      'seed',
    ]);
    expect(text).toContain('\n  "format": "benchtop.recipe",\n');
    expect(Object.keys((JSON.parse(text) as Recipe).steps[0].params)).toEqual([
      'columns',
      'indicator',
    ]);
  });
});

// A messy table: an identifier, a grouping column, free text, one date, missing markers.
const VISITS = [
  'visit_id,patient,notes,visit_date,age,city,smoker,label',
  ...Array.from({ length: 40 }, (_, i) =>
    [
      1000 + i,
      `P${i % 8}`,
      `"Note ${i}: patient reported ${['a cough', 'no change', 'a fever, mild', 'pain'][i % 4]} on day ${i}"`,
      `2024-0${1 + (i % 9)}-${10 + (i % 18)}`,
      i % 7 === 3 ? 'NA' : 20 + ((i * 7) % 50),
      ['Oslo', 'Lima', 'Pune', ''][i % 4],
      i % 3 === 0 ? 'true' : 'false',
      i % 11 === 5 ? '' : i % 3,
    ].join(','),
  ),
].join('\n');

describe('suggestRoles', () => {
  it('ignores identifiers and free text, and suggests the one date and the obvious group', async () => {
    const { schema, profile } = await loadText('visits.csv', VISITS);
    expect(schema.map((c) => c.kind)).toEqual([
      'integer',
      'categorical',
      'text',
      'date',
      'integer',
      'categorical',
      'boolean',
      'integer',
    ]);
    const s = suggestRoles(schema, profile, 'label');
    expect(s.ignored.map((i) => [i.column, i.reason])).toEqual([
      ['visit_id', 'id-like'],
      ['notes', 'text'],
    ]);
    expect(s.ignored[0].message).toMatch(/looks like an identifier/);
    expect(s.date).toBe('visit_date');
    expect(s.group).toBe('patient');
  });

  it('suggests nothing on a clean dataset (seattle-weather: the date is a feature, no group)', async () => {
    const { schema, profile } = await loadFile('seattle-weather.csv');
    expect(suggestRoles(schema, profile, 'weather')).toEqual({ ignored: [], date: 'date' });
  });

  it('ignores a categorical column with more distinct values than one-hot accepts', () => {
    const schema: ColumnSchema[] = [
      { name: 'zip', kind: 'categorical' },
      { name: 'city', kind: 'categorical' },
      { name: 'y', kind: 'number' },
    ];
    const profile = profileOf(schema, {
      zip: { count: 200_000, unique: 41_000 },
      city: { count: 200_000, unique: 900 },
    });
    const s = suggestRoles(schema, profile, 'y');
    expect(s.ignored).toEqual([
      {
        column: 'zip',
        reason: 'too-many-categories',
        message: "'zip' has 41,000 distinct values, too many to one-hot encode.",
      },
    ]);
    // 900 values stay: auto-prepare caps one-hot at 20 columns with an "(other)" bucket.
    const recipe = autoRecipe(schema, profile, 'y');
    expect(recipe.roles.ignored).toEqual(['zip']);
    expect(recipe.steps.find((x) => x.kind === 'encode.onehot')?.params).toEqual({
      columns: ['city'],
      maxCategories: 20,
    });
  });

  it('ignores an all-missing column', () => {
    const schema: ColumnSchema[] = [
      { name: 'empty', kind: 'number' },
      { name: 'y', kind: 'number' },
    ];
    const profile = profileOf(schema, { empty: { count: 0, missing: 5 } });
    expect(suggestRoles(schema, profile, 'y').ignored).toEqual([
      { column: 'empty', reason: 'all-missing', message: "'empty' has no values at all." },
    ]);
  });
});

/** A minimal profile for hand-made cases. */
function profileOf(
  schema: ColumnSchema[],
  overrides: Record<string, Partial<DatasetProfile['columns'][number]>> = {},
): DatasetProfile {
  return {
    rows: 5,
    cols: schema.length,
    warnings: [],
    columns: schema.map((c) => ({
      name: c.name,
      kind: c.kind,
      count: 5,
      missing: 0,
      unique: 5,
      min: null,
      max: null,
      mean: null,
      std: null,
      q1: null,
      median: null,
      q3: null,
      top: [],
      histogram: null,
      ...overrides[c.name],
    })),
  };
}

describe('suggestTask', () => {
  it('reads the task from the target column', async () => {
    const weather = await loadFile('seattle-weather.csv');
    const col = (name: string) => weather.profile.columns.find((c) => c.name === name)!;
    expect(suggestTask(col('weather'))).toMatchObject({
      task: 'classification',
      options: ['classification'],
    });
    expect(suggestTask(col('temp_max'))).toMatchObject({
      task: 'regression',
      options: ['regression'],
    });
    const visits = await loadText('visits.csv', VISITS);
    const label = visits.profile.columns.find((c) => c.name === 'label')!;
    const t = suggestTask(label);
    expect(t).toMatchObject({ task: 'classification', options: ['classification', 'regression'] });
    expect(t.reason).toBe(
      "'label' has only 3 distinct whole numbers: they may be class labels (classification) or amounts (regression).",
    );
    const smoker = visits.profile.columns.find((c) => c.name === 'smoker')!;
    expect(suggestTask(smoker).task).toBe('classification');
    // Whole numbers with many values (ages) are amounts.
    const age = visits.profile.columns.find((c) => c.name === 'age')!;
    expect(age.unique).toBeGreaterThan(20);
    expect(suggestTask(age).options).toEqual(['regression']);
  });

  it('refuses a target with no values', () => {
    const p = profileOf([{ name: 'y', kind: 'number' }], { y: { count: 0, missing: 5 } });
    expect(thrown(() => suggestTask(p.columns[0])).message).toBe(
      "The target column 'y' has no values: every row is missing. Choose another target.",
    );
  });
});

describe('autoRecipe', () => {
  it('never names the target in a feature step, ignores IDs and text, keeps the date', async () => {
    const { schema, profile, frame } = await loadText('visits.csv', VISITS);
    const recipe = autoRecipe(schema, profile, 'label', { seed: 3, name: 'visits' });
    expect(recipe).toMatchObject({
      target: 'label',
      task: 'classification',
      roles: { ignored: ['visit_id', 'notes'] },
      seed: 3,
      name: 'visits',
    });
    // Only the first step (dropping rows without a target) reads the target.
    recipe.steps.forEach((s, i) => {
      const cols = stepInputs(getStep(s.kind), s.params).map((c) => c.column);
      expect(cols.includes('label'), `step ${i + 1} ${s.kind}`).toBe(i === 0);
      expect(cols).not.toContain('visit_id');
      expect(cols).not.toContain('notes');
    });
    const fit = fitRecipeSync(frame, recipe);
    // 4 of the 40 rows have no label (i % 11 == 5): dropped, never imputed.
    expect(fit.frame.rows).toBe(36);
    const names = fit.frame.columns.map((c) => c.name);
    expect(names).not.toContain('visit_id');
    expect(names).not.toContain('notes');
    expect(names).toEqual(expect.arrayContaining(['city=Lima', 'city=Oslo', 'city=Pune']));
    // No missing value is left in any feature, and the target kept its values.
    for (const c of fit.frame.columns) {
      const missing =
        'values' in c
          ? c.values.filter((v) => Number.isNaN(v)).length
          : c.codes.filter((k) => k < 0).length;
      expect(missing, c.name).toBe(0);
    }
    expect(findColumn(fit.frame, 'label')!.kind).toBe('integer');
    // The recipe is valid JSON that parses back to itself.
    expect(parseRecipe(JSON.parse(serializeRecipe(recipe)))).toEqual(recipe);
  });

  it('lets the user override the task and the ignored columns', async () => {
    const { schema, profile } = await loadText('visits.csv', VISITS);
    const r = autoRecipe(schema, profile, 'label', { task: 'regression', ignored: ['notes'] });
    expect(r.task).toBe('regression');
    expect(r.roles.ignored).toEqual(['notes']);
  });

  it('refuses a target that is not a column, or has no values', async () => {
    const { schema, profile } = await loadFile('seattle-weather.csv');
    expect(thrown(() => autoRecipe(schema, profile, 'Weather')).message).toBe(
      "There is no column 'Weather' to predict. The columns are: date, precipitation, temp_max, temp_min, wind, weather.",
    );
    const empty = await loadText('e.csv', 'x,y\n1,\n2,\n3,NA\n');
    expect(thrown(() => autoRecipe(empty.schema, empty.profile, 'y')).message).toBe(
      "The target column 'y' has no values: every row is missing. Choose another target.",
    );
  });

  it('a scale step on a constant column gives zeros, never NaN or Infinity', async () => {
    const { schema, profile, frame } = await loadText(
      'c.csv',
      'flat,x,y\n5,1,a\n5,2,b\n5,,a\n5,4,b\n',
    );
    const fit = fitRecipeSync(frame, autoRecipe(schema, profile, 'y'));
    const flat = findColumn(fit.frame, 'flat')!;
    expect('values' in flat && Array.from(flat.values)).toEqual([0, 0, 0, 0]);
  });
});

describe('fitting a recipe', () => {
  it('refuses a dataset with no rows, and a target that is not there or empty', async () => {
    const none = makeFrame([numericColumn('x', 'number', []), numericColumn('y', 'number', [])]);
    const r = { ...emptyRecipe(), target: 'y' };
    expect(thrown(() => fitRecipeSync(none, r)).message).toBe(
      'The dataset has no rows, so there is nothing to prepare.',
    );
    const one = makeFrame([
      numericColumn('x', 'number', [1]),
      numericColumn('y', 'number', [null]),
    ]);
    expect(thrown(() => fitRecipeSync(one, r)).message).toBe(
      "The target column 'y' has no values: every row is missing. Choose another target.",
    );
    expect(thrown(() => fitRecipeSync(one, { ...r, target: 'z' })).message).toBe(
      "The target column 'z' is not in this dataset. Choose another target.",
    );
    await expect(fitRecipe(none, r)).rejects.toThrow('no rows');
  });

  it('names a step whose column no longer exists (as the user renamed or dropped it)', () => {
    const frame = makeFrame([
      numericColumn('a', 'number', [1, 2, 3]),
      stringColumn('y', 'categorical', ['u', 'v', 'u']),
    ]);
    const recipe = parseRecipe({
      ...emptyRecipe(),
      target: 'y',
      steps: [{ kind: 'scale.standard', params: { columns: ['a', 'b'] } }],
    });
    const e = thrown(() => fitRecipeSync(frame, recipe));
    expect(e.message).toBe("Step 1 (Scale: standard): column 'b' does not exist any more.");
    expect(e.details).toMatchObject({ step: 1, column: 'b' });
  });

  it('async fit = sync fit; hooks see every step and can stop the fit', async () => {
    const { schema, profile, frame } = await loadFile('seattle-weather.csv');
    const recipe = autoRecipe(schema, profile, 'weather');
    const seen: number[] = [];
    const a = await fitRecipe(frame, recipe, { beforeStep: (i) => void seen.push(i) });
    expect(seen).toEqual(recipe.steps.map((_, i) => i).concat(recipe.steps.length));
    const b = fitRecipeSync(frame, recipe);
    expect(a.frame).toEqual(b.frame);
    await expect(
      fitRecipe(frame, recipe, {
        beforeStep: (i) => {
          if (i === 2) throw new BenchtopError('cancelled', 'stopped');
        },
      }),
    ).rejects.toThrow('stopped');
  });

  it('replays a fitted recipe on new rows: ignored columns may be absent, filters skipped at inference', async () => {
    const { schema, profile, frame } = await loadJson('cars.json');
    const recipe = autoRecipe(schema, profile, 'Miles_per_Gallon');
    expect(recipe.roles.ignored).toEqual(['Name']);
    const fit = fitRecipeSync(frame, recipe);
    const rows = makeFrame([
      numericColumn('Miles_per_Gallon', 'number', [null, 20]),
      numericColumn('Cylinders', 'integer', [4, null]),
      numericColumn('Displacement', 'number', [100, 300]),
      numericColumn('Horsepower', 'integer', [90, 150]),
      numericColumn('Weight_in_lbs', 'integer', [2000, 3500]),
      numericColumn('Acceleration', 'number', [15, 12]),
      numericColumn('Year', 'date', [Date.UTC(1975, 0, 1), Date.UTC(1980, 0, 1)]),
      stringColumn('Origin', 'categorical', ['Japan', 'Mars']),
    ]);
    const out = applyRecipe(rows, fit, { inference: true });
    expect(out.rows).toBe(2);
    // Unseen 'Mars': every Origin indicator is 0.
    for (const name of ['Origin=Europe', 'Origin=Japan', 'Origin=USA']) {
      const c = findColumn(out, name)!;
      expect('values' in c && c.values[1]).toBe(0);
    }
    expect(applyRecipe(rows, fit, { inference: false }).rows).toBe(1);
  });
});
