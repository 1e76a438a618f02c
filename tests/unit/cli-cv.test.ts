// `benchtop cv` on real files (vega-datasets seattle-weather.csv, penguins and cars as CSV in
// tests/fixtures/cv): the --json shape of DESIGN.md §7, the table, options reaching the run
// (model, sampler, validation, seed), and every bad input of issue 5 answered with exit 1 or 2 and
// one clear `error:` line. Most tests call main() in-process (same code as the bin); one spawns
// the real bin. Auto-prepare's light profile gives the full profile's recipes on real files.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rolesProfile, type CvOutput } from '../../src/cli/cv';
import { fileSource, main } from '../../src/cli/main';
import { frameFromTable } from '../../src/core/data/frame';
import { profileTable } from '../../src/core/data/profile';
import type { DatasetProfile } from '../../src/core/data/profile-types';
import type { ColumnSchema } from '../../src/core/data/schema';
import { ingest } from '../../src/core/ingest/index';
import { readingOptions } from '../../src/core/ingest/reading-options';
import { autoRecipe, suggestRoles } from '../../src/core/recipe';

const WEATHER = 'node_modules/vega-datasets/data/seattle-weather.csv';
const PENGUINS = 'tests/fixtures/cv/penguins.csv';
const CARS = 'tests/fixtures/cv/cars.csv';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

async function json(...args: string[]): Promise<CvOutput> {
  const r = await cli(...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as CvOutput;
}

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'benchtop-cv-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('benchtop cv', () => {
  it('--json: {task, folds, metrics: {mean, std}, perFold, backend, seconds} on penguins', async () => {
    const o = await json('cv', PENGUINS, '--target', 'Species');
    expect(o.task).toBe('classification');
    expect(o.folds).toBe(5);
    expect(o.backend).toBe('wasm');
    expect(o.seconds).toBeGreaterThan(0);
    expect(o.model).toMatchObject({ kind: 'logreg', params: { C: 1 } });
    expect(o.sampler).toBeNull();
    expect(o.validation).toMatchObject({ kind: 'stratified-kfold', folds: 5, shuffle: true });
    expect(o.classes).toEqual([
      { label: 'Adelie', rows: 152 },
      { label: 'Chinstrap', rows: 68 },
      { label: 'Gentoo', rows: 124 },
    ]);
    expect(o.perFold).toHaveLength(5);
    expect(o.perFold.reduce((s, f) => s + f.scoredRows, 0)).toBe(344);
    // The mean ± std are those of the per-fold scores (population std, as numpy).
    const acc = o.perFold.map((f) => f.metrics.accuracy);
    const mean = acc.reduce((a, b) => a + b) / acc.length;
    expect(o.metrics.accuracy.mean).toBeCloseTo(mean, 12);
    expect(o.metrics.accuracy.std).toBeCloseTo(
      Math.sqrt(acc.reduce((s, a) => s + (a - mean) ** 2, 0) / acc.length),
      12,
    );
    expect(o.metrics.accuracy.mean).toBeGreaterThan(0.97);
    expect(o.confusion!.flat().reduce((a, b) => a + b)).toBe(344);
  });

  it('the same seed gives the same scores; another seed other folds', async () => {
    const a = await json('cv', PENGUINS, '--target', 'Species', '--seed', '3', '--folds', '3');
    const b = await json('cv', PENGUINS, '--target', 'Species', '--seed', '3', '--folds', '3');
    const c = await json('cv', PENGUINS, '--target', 'Species', '--seed', '4', '--folds', '3');
    expect(b.perFold).toEqual(a.perFold);
    expect(c.perFold.map((f) => f.scoredRows)).toHaveLength(3);
    expect(c.perFold.map((f) => f.metrics.log_loss)).not.toEqual(
      a.perFold.map((f) => f.metrics.log_loss),
    );
  });

  it('prints a table: mean ± std and a column per fold', async () => {
    const r = await cli('cv', PENGUINS, '--target', 'Species', '--folds', '3');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      "cv penguins.csv: target 'Species' (classification, 3 classes), 344 rows, 10 features (auto-prepare)",
    );
    expect(lines[1]).toMatch(
      /^model logreg \(C=1\); validation stratified-kfold \(3 folds, shuffled\), seed 0; sampler none; backend wasm; [\d.]+ s$/,
    );
    expect(lines[3]).toMatch(/^metric\s+mean ± std\s+fold 1\s+fold 2\s+fold 3$/);
    expect(lines.find((l) => l.startsWith('accuracy '))).toMatch(
      /^accuracy\s+0\.9\d{3} ± 0\.0\d{3}(\s+0\.9\d{3}|\s+1\.0000){3}$/,
    );
  });

  it('regression on cars: linear regression and plain k-fold by default; --model / --alpha / --validation', async () => {
    const o = await json('cv', CARS, '--target', 'Miles_per_Gallon');
    expect(o.task).toBe('regression');
    expect(o.model.kind).toBe('linear');
    expect(o.validation).toMatchObject({ kind: 'kfold' });
    expect(o.metrics.r2.mean).toBeGreaterThan(0.75);
    expect(o.features.some((f) => f.startsWith('Name'))).toBe(false);
    const ridge = await json(
      'cv',
      CARS,
      '--target',
      'Miles_per_Gallon',
      '--alpha',
      '50',
      '--validation',
      'holdout',
    );
    expect(ridge.model).toMatchObject({ kind: 'linear', params: { alpha: 50 } });
    expect(ridge.folds).toBe(1);
  });

  it('--sampler, --model mlp, --C, --repeats and --positive reach the run', async () => {
    const o = await json(
      'cv',
      WEATHER,
      '--target',
      'weather',
      '--sampler',
      'class-weights',
      '--C',
      '0.5',
      '--folds',
      '3',
    );
    expect(o.sampler).toEqual({ kind: 'class-weights', params: { weights: 'balanced' } });
    expect(o.model).toMatchObject({ kind: 'logreg', params: { C: 0.5 } });
    // Balanced class weights trade accuracy for the rare classes' recall.
    const plain = await json('cv', WEATHER, '--target', 'weather', '--C', '0.5', '--folds', '3');
    expect(o.metrics.balanced_accuracy.mean).toBeGreaterThan(plain.metrics.balanced_accuracy.mean);
    const rep = await json(
      'cv',
      'tests/fixtures/cv/breast_cancer.csv',
      '--target',
      'target',
      '--repeats',
      '2',
      '--folds',
      '3',
      '--positive',
      'benign',
      '--drop',
      'mean radius,mean area',
    );
    expect(rep.validation).toMatchObject({ kind: 'repeated-stratified-kfold', repeats: 2 });
    expect(rep.folds).toBe(6);
    expect(rep.positive).toBe('benign');
    expect(rep.features).toHaveLength(28);
    expect(rep.features).not.toContain('mean radius');
    const mlp = await json(
      'cv',
      PENGUINS,
      '--target',
      'Species',
      '--model',
      'mlp',
      '--folds',
      '2',
      '--drop',
      'Island,Sex',
    );
    expect(mlp.model.kind).toBe('mlp');
    expect(mlp.features).toEqual([
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
    ]);
  });

  it('--group, --date and --fold-column split by a column that is then not a feature', async () => {
    const g = await json(
      'cv',
      PENGUINS,
      '--target',
      'Species',
      '--group',
      'Island',
      '--folds',
      '3',
    );
    expect(g.validation).toMatchObject({ kind: 'group-kfold', column: 'Island' });
    expect(g.features.some((f) => f.startsWith('Island'))).toBe(false);
    const t = await json('cv', WEATHER, '--target', 'weather', '--date', 'date', '--folds', '3');
    expect(t.validation).toMatchObject({ kind: 'time-series', column: 'date' });
    // Expanding windows: every test block comes after its training rows.
    expect(t.perFold.map((f) => f.trainRows)).toEqual(
      [...t.perFold.map((f) => f.trainRows)].sort((a, b) => a - b),
    );
    const f = await json('cv', PENGUINS, '--target', 'Species', '--fold-column', 'Island');
    expect(f.validation).toMatchObject({ kind: 'predefined', column: 'Island' });
    expect(f.folds).toBe(3);
    expect(f.features.some((x) => x.startsWith('Island'))).toBe(false);
  });
});

describe('benchtop cv: bad input', () => {
  it('a target with one class', async () => {
    const path = tmpFile('one.csv', 'x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n6,a\n');
    const r = await cli('cv', path, '--target', 'y', '--task', 'classification');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: The target 'y' has one class only ('a', 6 rows): a classifier needs at least two. Choose another target, or add rows of another class.\n",
    );
  });

  it('a class smaller than the number of folds names the class and its count', async () => {
    const r = await cli('cv', WEATHER, '--target', 'weather', '--folds', '30');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Class 'snow' has 26 rows, .+\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('every feature dropped', async () => {
    const r = await cli(
      'cv',
      WEATHER,
      '--target',
      'weather',
      '--drop',
      'date,precipitation,temp_max,temp_min,wind',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: Every feature was dropped: only the target 'weather' is left for the model. Keep at least one column (un-ignore it, or drop fewer columns).\n",
    );
  });

  it('missing values reaching the model name the column and the missing step', async () => {
    const recipe = tmpFile(
      'r.json',
      JSON.stringify({
        format: 'benchtop.recipe',
        version: 1,
        target: 'Species',
        task: 'classification',
        roles: { ignored: ['Island', 'Sex'] },
        steps: [
          {
            kind: 'scale.standard',
            params: {
              columns: [
                'Beak Length (mm)',
                'Beak Depth (mm)',
                'Flipper Length (mm)',
                'Body Mass (g)',
              ],
            },
          },
        ],
        seed: 0,
      }),
    );
    const r = await cli('cv', PENGUINS, '--recipe', recipe);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: Fold 1 of 5 \(building the training matrix\): Column 'Beak Length \(mm\)' has \d missing values? reaching the model .*add an "Impute: median" \(or mean \/ constant\) step for it\.\n$/,
    );
  });

  it('a time-series split without a date column is a usage error', async () => {
    const r = await cli('cv', WEATHER, '--target', 'weather', '--validation', 'time-series');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: cv: a time-series split orders the rows by a date column: name it with --date COL (or use another --validation).\n',
    );
  });

  it('a group column with fewer groups than folds', async () => {
    const r = await cli('cv', PENGUINS, '--target', 'Species', '--group', 'Island');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: The group column 'Island' has 3 groups, fewer than the 5 folds: use at most 3 folds, or another group column.\n",
    );
  });

  it('a model for the other task, bad settings, unknown names and columns', async () => {
    const cases: [string[], number, RegExp][] = [
      [
        ['--model', 'linear'],
        1,
        /^error: The model 'linear' is for regression, but predicting 'Species' is classification: use 'logreg' or 'mlp'\.\n$/,
      ],
      [
        ['--model', 'forest'],
        2,
        /^error: cv: --model must be one of logreg, mlp, linear, mlp-regressor \(got 'forest'\)\.\n$/,
      ],
      [['--C', '0'], 2, /^error: cv: --C must be a number above 0 \(got '0'\)\.\n$/],
      [['--model', 'mlp', '--C', '2'], 2, /^error: cv: --C applies to logreg only/],
      [
        ['--sampler', 'smoke'],
        2,
        /^error: cv: --sampler must be one of smote, .* or none \(got 'smoke'\)\.\n$/,
      ],
      [['--validation', 'loo'], 2, /^error: cv: --validation must be one of /],
      [
        ['--folds', '1'],
        2,
        /^error: cv: --folds must be a whole number from 2 to 1000 \(got '1'\)\.\n$/,
      ],
      [
        ['--drop', 'Wingspan'],
        1,
        /^error: --drop names 'Wingspan', which is not a column of penguins\.csv\. Its columns are: Species, Island, /,
      ],
      [['--backend', 'webgpu'], 2, /^error: cv: --backend must be wasm or cpu/],
      [
        ['--positive', 'Emperor'],
        1,
        /^error: The positive class 'Emperor' is not a value of the target 'Species'/,
      ],
      [['--bogus'], 2, /^error: unknown option --bogus\n$/],
    ];
    for (const [extra, code, message] of cases) {
      const r = await cli('cv', PENGUINS, '--target', 'Species', ...extra);
      expect({ extra, code: r.code }).toEqual({ extra, code });
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const none = await cli('cv', PENGUINS);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'error: cv: needs --target COL (the column to predict), or --recipe FILE.\n',
    );
    const missing = await cli('cv', 'no/such.csv', '--target', 'x');
    expect(missing).toMatchObject({ code: 1, stderr: 'error: no such file: no/such.csv\n' });
  });

  it('the real bin: exit codes and one JSON object on stdout', async () => {
    const run = (args: string[]) =>
      new Promise<Run>((resolve) =>
        execFile(process.execPath, ['bin/benchtop.mjs', ...args], (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
        ),
      );
    const ok = await run(['cv', PENGUINS, '--target', 'Species', '--folds', '2', '--json']);
    expect(ok.code).toBe(0);
    const o = JSON.parse(ok.stdout) as CvOutput;
    expect(Object.keys(o)).toEqual(
      expect.arrayContaining(['task', 'folds', 'metrics', 'perFold', 'backend', 'seconds']),
    );
    const bad = await run(['cv', PENGUINS, '--target', 'Species', '--group', 'Island']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: The group column 'Island' has 3 groups/);
  });
});

describe("auto-prepare's light profile (rolesProfile)", () => {
  // cv / train profile only what role and task suggestions read (numbers, dates and booleans are
  // just counted). On real files with identifiers, free text, dates, groups, whole-number codes and
  // missing values, every target must get the recipe and the role suggestions of the full profile.
  const FILES = [
    'node_modules/vega-datasets/data/airports.csv',
    'node_modules/vega-datasets/data/seattle-weather.csv',
    'node_modules/vega-datasets/data/github.csv',
    'node_modules/vega-datasets/data/la-riots.csv',
    'node_modules/vega-datasets/data/disasters.csv',
    'node_modules/vega-datasets/data/birdstrikes.csv',
    'node_modules/vega-datasets/data/flights-airport.csv',
    'node_modules/vega-datasets/data/population_engineers_hurricanes.csv',
    'node_modules/vega-datasets/data/stocks.csv',
    'node_modules/vega-datasets/data/gapminder-health-income.csv',
    'tests/fixtures/cv/cars.csv',
    'tests/fixtures/cv/penguins.csv',
    'tests/fixtures/cv/breast_cancer.csv',
    'tests/fixtures/csv/missing-markers.csv',
    'tests/fixtures/csv/booleans.csv',
    'tests/fixtures/csv/dates.csv',
    'tests/fixtures/csv/strays.csv',
  ];

  /** The recipe auto-prepare makes for `target`, or the message it refuses it with. */
  function recipeOrError(schema: ColumnSchema[], profile: DatasetProfile, target: string): unknown {
    try {
      return autoRecipe(schema, profile, target, {
        ignored: suggestRoles(schema, profile, target).ignored.map((s) => s.column),
      });
    } catch (err) {
      return (err as Error).message;
    }
  }

  it.each(FILES)('%s: same suggestions and recipes as the full profile', async (file) => {
    const result = await ingest(await fileSource(file), readingOptions({}));
    const frame = frameFromTable(result.table, result.schema);
    const full = profileTable(result.table, result.schema, result.report);
    const light = rolesProfile(result.table, result.schema, frame, result.report);
    expect(light.rows).toBe(full.rows);
    expect(suggestRoles(result.schema, light)).toEqual(suggestRoles(result.schema, full));
    for (const c of result.schema) {
      expect(suggestRoles(result.schema, light, c.name)).toEqual(
        suggestRoles(result.schema, full, c.name),
      );
      expect(recipeOrError(result.schema, light, c.name)).toEqual(
        recipeOrError(result.schema, full, c.name),
      );
    }
    // What it does compute is the full profile's.
    for (const p of light.columns) {
      const f = full.columns.find((x) => x.name === p.name)!;
      expect([p.kind, p.count, p.missing]).toEqual([f.kind, f.count, f.missing]);
      if (p.kind === 'integer' || p.kind === 'categorical' || p.kind === 'text') {
        expect(p).toEqual(f);
      }
    }
  });
});
