// Step previews on real data (vega-datasets penguins and seattle-weather): rows, columns, exact
// missing counts, sample rows, histograms and each step's learned summary, all checked against
// figures computed independently here (or known from the files).
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  frameFromTable,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
} from '../../src/core/data/frame';
import { profileTable } from '../../src/core/data/profile';
import type { ColumnSchema } from '../../src/core/data/schema';
import type { DatasetProfile } from '../../src/core/data/profile-types';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import {
  autoRecipe,
  fitRecipeSync,
  previewAll,
  previewStep,
  recipeInput,
  type StepPreview,
} from '../../src/core/recipe';
import type { StepSpec } from '../../src/core/steps';

const DATA = 'node_modules/vega-datasets/data/';

async function penguins(): Promise<{
  frame: Frame;
  schema: ColumnSchema[];
  profile: DatasetProfile;
  raw: Record<string, unknown>[];
}> {
  const raw = JSON.parse(readFileSync(DATA + 'penguins.json', 'utf8')) as Record<string, unknown>[];
  const { table, schema, report } = await ingest(
    bytesSource('penguins.csv', new TextEncoder().encode(Papa.unparse(raw))),
  );
  return {
    frame: frameFromTable(table, schema),
    schema,
    profile: profileTable(table, schema, report),
    raw,
  };
}

const missingIn = (raw: Record<string, unknown>[], key: string) =>
  raw.filter((r) => r[key] === null || r[key] === undefined).length;

describe('previewAll on penguins, target Body Mass (g)', () => {
  it('describes every step of auto-prepare with exact counts', async () => {
    const { frame, schema, profile, raw } = await penguins();
    const recipe = autoRecipe(schema, profile, 'Body Mass (g)');
    const previews = previewAll(recipeInput(frame, recipe), recipe.steps);
    expect(previews.map((p) => p.kind)).toEqual(recipe.steps.map((s) => s.kind));
    expect(previews.every((p) => p.error === undefined)).toBe(true);

    // 1. Rows without a target: 2 of 344 (counted in the JSON file itself).
    const [drop, median, frequent, onehot, scale] = previews;
    expect(drop).toMatchObject({
      role: 'filter',
      rows: { before: 344, after: 344 - missingIn(raw, 'Body Mass (g)') },
      summary: { dropped: 2, rows: 344 },
      touched: ['Body Mass (g)'],
    });
    expect(drop.missing).toEqual([{ column: 'Body Mass (g)', before: 2, after: 0 }]);

    // 2. Median imputation: missing counts before (after the drop) and none after.
    expect(median.rows).toEqual({ before: 342, after: 342 });
    expect(median.touched).toEqual(['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)']);
    for (const m of median.missing) expect(m.after).toBe(0);
    // The two rows without a body mass are the only ones without beak and flipper measures.
    expect(median.missing.map((m) => m.before)).toEqual([0, 0, 0]);
    expect(Object.keys(median.summary.fill as object)).toEqual(median.touched);

    // 3. Most frequent: Sex has gaps (8 left after the drop), filled with 'MALE'.
    const sex = frequent.missing.find((m) => m.column === 'Sex')!;
    const sexMissing = raw.filter(
      (r) => r['Body Mass (g)'] !== null && (r.Sex === null || r.Sex === undefined),
    ).length;
    expect(sex).toEqual({ column: 'Sex', before: sexMissing, after: 0 });
    expect(sexMissing).toBeGreaterThan(0);
    expect((frequent.summary.fill as Record<string, string>).Sex).toBe('MALE');

    // 4. One-hot: the columns added and removed, the category lists learned.
    expect(onehot.columns.removed).toEqual(['Species', 'Island', 'Sex']);
    expect(onehot.columns.added).toEqual([
      'Species=Adelie',
      'Species=Chinstrap',
      'Species=Gentoo',
      'Island=Biscoe',
      'Island=Dream',
      'Island=Torgersen',
      'Sex=.',
      'Sex=FEMALE',
      'Sex=MALE',
    ]);
    expect((onehot.summary.categories as Record<string, string[]>).Island).toEqual([
      'Biscoe',
      'Dream',
      'Torgersen',
    ]);
    // Sample rows: the first rows of the file, before and after.
    expect(onehot.sample.before.columns.map((c) => c.name)).toContain('Island');
    const island = onehot.sample.before.columns.findIndex((c) => c.name === 'Island');
    expect(onehot.sample.before.rows.map((r) => r[island])).toEqual(
      raw.slice(0, 10).map((r) => r.Island),
    );
    const dream = onehot.sample.after.columns.findIndex((c) => c.name === 'Island=Dream');
    expect(onehot.sample.after.rows.map((r) => r[dream])).toEqual(
      raw.slice(0, 10).map((r) => r.Island === 'Dream'),
    );

    // 5. Scaling: histograms before and after for each scaled column, counts over all rows.
    expect(scale.histograms.map((h) => h.column)).toEqual(scale.touched);
    for (const h of scale.histograms) {
      const total = (x: { counts: number[] } | null) => x!.counts.reduce((a, b) => a + b, 0);
      expect(total(h.before)).toBe(342);
      expect(total(h.after)).toBe(342);
      // After scaling, the values are centred: the range straddles 0.
      expect(h.after!.edges[0]).toBeLessThan(0);
      expect(h.after!.edges[h.after!.edges.length - 1]).toBeGreaterThan(0);
    }
    const center = scale.summary.center as Record<string, number>;
    const beaks = raw
      .filter((r) => r['Body Mass (g)'] !== null)
      .map((r) => r['Beak Length (mm)'] as number | null);
    const present = beaks.filter((b): b is number => b !== null);
    expect(center['Beak Length (mm)']).toBeCloseTo(
      present.reduce((a, b) => a + b, 0) / present.length,
      10,
    );
  });

  it('exact stats before / after: one-hot columns (0/1) and scaled columns', async () => {
    const { frame, schema, profile } = await penguins();
    const recipe = autoRecipe(schema, profile, 'Species');
    const previews = previewAll(recipeInput(frame, recipe), recipe.steps);
    const onehot = previews.find((p) => p.kind === 'encode.onehot')!;
    const scale = previews.find((p) => p.kind === 'scale.standard')!;
    // Independent two-pass figures from the fitted recipe's output.
    const figures = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
    };
    const out = fitRecipeSync(frame, recipe).frame;
    const values = (name: string) =>
      Array.from((out.columns.find((c) => c.name === name) as { values: Float64Array }).values);
    const dream = onehot.stats!.find((x) => x.column === 'Island=Dream')!;
    expect(dream.before).toBeNull();
    const f = figures(values('Island=Dream'));
    expect(dream.after!.count).toBe(344);
    expect(dream.after!.mean).toBeCloseTo(f.mean, 12);
    expect(dream.after!.std).toBeCloseTo(f.sd, 12);
    expect([dream.after!.min, dream.after!.max]).toEqual([0, 1]);
    const beak = scale.stats!.find((x) => x.column === 'Beak Length (mm)')!;
    const g = figures(values('Beak Length (mm)'));
    expect(beak.after!.mean).toBeCloseTo(0, 12);
    expect(beak.after!.std).toBeCloseTo(g.sd, 12);
    expect(beak.after!.std).toBeCloseTo(Math.sqrt(344 / 343), 12);
    expect(beak.before!.min).toBe(32.1); // the smallest beak length in penguins.json
  });

  it('previewStep(i) equals previewAll()[i]', async () => {
    const { frame, schema, profile } = await penguins();
    const recipe = autoRecipe(schema, profile, 'Species');
    const input = recipeInput(frame, recipe);
    const all = previewAll(input, recipe.steps);
    for (const i of [0, 2, recipe.steps.length - 1]) {
      expect(previewStep(input, recipe.steps, i)).toEqual(all[i]);
    }
    expect(() => previewStep(input, recipe.steps, recipe.steps.length)).toThrow(
      `There is no step ${recipe.steps.length + 1} to preview: the recipe has ${recipe.steps.length} steps.`,
    );
  });
});

describe('a step that cannot be fitted', () => {
  const frame = () =>
    makeFrame([
      numericColumn('a', 'number', [1, null, 3, 4]),
      numericColumn('empty', 'number', [null, null, null, null]),
      stringColumn('c', 'categorical', ['x', 'y', null, 'x']),
    ]);

  it('gets a preview with the error, and the steps after it are not previewed', () => {
    const steps: StepSpec[] = [
      { kind: 'impute.median', params: { columns: ['a'] } },
      { kind: 'scale.standard', params: { columns: ['empty'] } },
      { kind: 'encode.onehot', params: { columns: ['c'] } },
    ];
    const out = previewAll(frame(), steps);
    expect(out).toHaveLength(2);
    expect(out[0].error).toBeUndefined();
    const failed: StepPreview = out[1];
    expect(failed.error).toMatchObject({
      name: 'BenchtopError',
      code: 'invalid-argument',
      details: { step: 2, column: 'empty' },
    });
    expect(failed.error!.message).toMatch(
      /^Step 2 \(Scale: standard\): column 'empty' has no values at all/,
    );
    // What the step was given is still described (the UI shows it next to the message).
    expect(failed.rows).toEqual({ before: 4, after: 4 });
    // previewStep past the failure answers with the failing step.
    expect(previewStep(frame(), steps, 2).index).toBe(1);
  });

  it('a column that no longer exists is named', () => {
    const out = previewAll(frame(), [{ kind: 'scale.standard', params: { columns: ['gone'] } }]);
    expect(out[0].error?.message).toBe(
      "Step 1 (Scale: standard): column 'gone' does not exist any more.",
    );
  });

  it('a dataset with no rows is an error on the first step', () => {
    const none = makeFrame([numericColumn('a', 'number', [])]);
    const out = previewAll(none, [{ kind: 'scale.standard', params: { columns: ['a'] } }]);
    expect(out[0].error?.code).toBe('no-rows');
  });
});

describe('previews on a larger file (seattle-weather, 1,461 rows)', () => {
  it('samples histograms only when told to, and never the counts', async () => {
    const bytes = readFileSync(DATA + 'seattle-weather.csv');
    const { table, schema } = await ingest(bytesSource('seattle-weather.csv', bytes));
    const frame = frameFromTable(table, schema);
    const steps: StepSpec[] = [{ kind: 'scale.standard', params: { columns: ['wind'] } }];
    const full = previewAll(frame, steps)[0];
    const sampled = previewAll(frame, steps, { histogramSample: 100 })[0];
    const total = (p: StepPreview) => p.histograms[0].after!.counts.reduce((a, b) => a + b, 0);
    expect(total(full)).toBe(1461);
    expect(full.histogramRows).toBe(1461);
    expect(total(sampled)).toBe(Math.ceil(1461 / Math.ceil(1461 / 100)));
    expect(sampled.histogramRows).toBe(100);
    expect(sampled.missing).toEqual(full.missing);
    expect(sampled.rows).toEqual({ before: 1461, after: 1461 });
    expect(full.sample.after.rows).toHaveLength(10);
  });
});

describe('a filter step’s sample rows line up before and after', () => {
  // Rows 2 and 5 (1-based) have no target; row 14 repeats row 13 exactly.
  const target = [1, NaN, 0, 1, NaN, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0];
  const x = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 130, 150];
  const frame = () =>
    makeFrame([
      numericColumn('x', 'number', Float64Array.from(x)),
      numericColumn('y', 'integer', Float64Array.from(target)),
    ]);

  it('marks the dropped rows among the first rows and skips them after', () => {
    const [p] = previewAll(frame(), [
      { kind: 'rows.drop-missing-target', params: { target: 'y' } },
    ]);
    expect(p.rows).toEqual({ before: 15, after: 13 });
    const { before, after } = p.sample;
    expect(before.rowNumbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(before.dropped).toEqual([
      false,
      true,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(after.rowNumbers).toEqual([1, 3, 4, 6, 7, 8, 9, 10]);
    // The after table holds the same rows' values, not the next rows of the filtered frame.
    const yAt = after.columns.findIndex((c) => c.name === 'y');
    expect(after.rows.map((r) => r[yAt])).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it('shows the first dropped rows further down when the first rows lose none', () => {
    const [p] = previewAll(frame(), [
      { kind: 'rows.drop-duplicates', params: { columns: ['x', 'y'] } },
    ]);
    expect(p.rows).toEqual({ before: 15, after: 14 });
    const { before, after } = p.sample;
    expect(before.rowNumbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14]);
    expect(before.dropped?.filter(Boolean)).toHaveLength(1);
    expect(before.dropped?.at(-1)).toBe(true);
    expect(after.rowNumbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('leaves transform steps’ samples as plain first rows', () => {
    const [p] = previewAll(frame(), [{ kind: 'scale.standard', params: { columns: ['x'] } }]);
    expect(p.sample.before.rowNumbers).toBeUndefined();
    expect(p.sample.before.dropped).toBeUndefined();
  });
});
