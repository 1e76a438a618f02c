// `benchtop prepare` as users run it: each test spawns the real process (node bin/benchtop.mjs) on
// real files (vega-datasets seattle-weather.csv and flights-200k.arrow, the Parquet fixture) and
// checks the exit code, stderr, the --json summary and the file written, against the same recipe
// fitted in-process.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { PrepareOutput } from '../../src/cli/prepare';
import { frameFromTable, findColumn } from '../../src/core/data/frame';
import { frameToCsv } from '../../src/core/data/csv-write';
import { profileTable } from '../../src/core/data/profile';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import { autoRecipe, fitRecipeSync, parseRecipeText, serializeRecipe } from '../../src/core/recipe';
import { cliJson, runCli, tempDir } from './cli-run';

const DATA = 'node_modules/vega-datasets/data/';
const WEATHER = DATA + 'seattle-weather.csv';

const run = runCli;
const tmp = () => tempDir('prepare');
const oneJson = cliJson<PrepareOutput>;

/** The auto recipe fitted in-process on the same file: what the CLI must have written. */
async function expected(path: string, target: string) {
  const bytes = readFileSync(path);
  const { table, schema, report } = await ingest(bytesSource(path.split('/').pop()!, bytes));
  const recipe = autoRecipe(schema, profileTable(table, schema, report), target, {
    name: `Auto: ${path.split('/').pop()}`,
  });
  return { recipe, frame: fitRecipeSync(frameFromTable(table, schema), recipe).frame };
}

describe('benchtop prepare (auto-prepare)', () => {
  it('seattle-weather.csv -> CSV: summary, file, and the recipe it used', async () => {
    const dir = tmp();
    const out = join(dir, 'weather.csv');
    const saved = join(dir, 'auto.recipe.json');
    const r = await run([
      'prepare',
      WEATHER,
      '--target',
      'weather',
      '--out',
      out,
      '--save-recipe',
      saved,
      '--json',
    ]);
    const o = oneJson(r);
    const want = await expected(WEATHER, 'weather');
    expect(o).toMatchObject({
      file: 'seattle-weather.csv',
      out,
      format: 'csv',
      recipe: 'auto',
      target: 'weather',
      task: 'classification',
      rowsIn: 1461,
      rowsOut: 1461,
      columnsIn: 6,
      ignored: [],
    });
    expect(o.columns).toEqual(want.frame.columns.map((c) => ({ name: c.name, kind: c.kind })));
    expect(o.steps.map((s) => s.kind)).toEqual(want.recipe.steps.map((s) => s.kind));
    const parts = o.steps.find((s) => s.kind === 'date.parts');
    if (parts) {
      expect(parts.removed).toEqual(['date']);
      expect(parts.added).toContain('date_year');
    }
    // The file is exactly the in-process result, written as CSV.
    expect(readFileSync(out, 'utf8')).toBe(frameToCsv(want.frame));
    expect(parseRecipeText(readFileSync(saved, 'utf8'))).toEqual(want.recipe);
    // No temporary file is left next to the output.
    expect(readdirSync(dir).sort()).toEqual(['auto.recipe.json', 'weather.csv']);
  });

  it('flights-200k.arrow -> Arrow IPC, target delay (regression), target values untouched', async () => {
    const out = join(tmp(), 'flights.arrow');
    const o = oneJson(
      await run([
        'prepare',
        DATA + 'flights-200k.arrow',
        '--target',
        'delay',
        '--out',
        out,
        '--json',
      ]),
    );
    expect(o).toMatchObject({
      format: 'arrow',
      task: 'regression',
      rowsIn: 200_000,
      rowsOut: 200_000,
    });
    const written = frameFromTable(tableFromIPC(readFileSync(out)));
    const read = await ingest(
      bytesSource('flights-200k.arrow', readFileSync(DATA + 'flights-200k.arrow')),
    );
    const source = frameFromTable(read.table, read.schema);
    expect(written.rows).toBe(200_000);
    const delay = findColumn(written, 'delay')!;
    const before = findColumn(source, 'delay')!;
    expect('values' in delay && 'values' in before && delay.values).toEqual(
      'values' in before && before.values,
    );
    // distance is standard-scaled: mean 0 and population std 1 over every row.
    const d = findColumn(written, 'distance')!;
    const v = 'values' in d ? Array.from(d.values) : [];
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(1e-9);
    expect(std).toBeCloseTo(1, 9);
  });

  it('a Parquet file: the identifier and free text are left out, rows without a target dropped', async () => {
    const out = join(tmp(), 'mixed.csv');
    const r = await run([
      'prepare',
      'tests/fixtures/parquet/mixed.parquet',
      '--target',
      'price',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // price is missing in 4 of the 60 rows (tests/fixtures/parquet/make.ts).
    expect(r.stdout).toContain('prepared mixed.parquet -> ');
    expect(r.stdout).toContain('rows: 60 in, 56 out');
    expect(r.stdout).toContain('left out: id, note');
    expect(r.stdout).toMatch(/ {2}1\. Drop rows with a missing target: 4 rows removed\n/);
    const header = readFileSync(out, 'utf8').split('\r\n')[0].split(',');
    expect(header).not.toContain('id');
    expect(header).not.toContain('note');
    expect(header).toEqual(expect.arrayContaining(['price', 'color=blue', 'small', 'flag']));
  });
});

describe('benchtop prepare --recipe', () => {
  it('replays a recipe file: same output as the auto run that saved it', async () => {
    const dir = tmp();
    const saved = join(dir, 'r.json');
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    expect(
      (await run(['prepare', WEATHER, '--target', 'weather', '--out', a, '--save-recipe', saved]))
        .code,
    ).toBe(0);
    const o = oneJson(await run(['prepare', WEATHER, '--recipe', saved, '--out', b, '--json']));
    expect(o.recipe).toBe(saved);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
  });

  it('a hand-written recipe with ignored columns and a filter', async () => {
    const dir = tmp();
    const recipe = join(dir, 'r.json');
    writeFileSync(
      recipe,
      JSON.stringify({
        format: 'benchtop.recipe',
        version: 1,
        target: 'weather',
        task: 'classification',
        roles: { ignored: ['date', 'temp_min'] },
        steps: [
          { kind: 'rows.drop-missing', params: { columns: ['weather'] } },
          { kind: 'scale.minmax', params: { columns: ['wind'] } },
        ],
        seed: 0,
      }),
    );
    const out = join(dir, 'o.csv');
    const o = oneJson(await run(['prepare', WEATHER, '--recipe', recipe, '--out', out, '--json']));
    expect(o.columns.map((c) => c.name)).toEqual(['precipitation', 'temp_max', 'wind', 'weather']);
    expect(o.ignored).toEqual(['date', 'temp_min']);
    const wind = readFileSync(out, 'utf8')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => Number(l.split(',')[2]));
    expect(Math.min(...wind)).toBe(0);
    expect(Math.max(...wind)).toBe(1);
  });

  it('a recipe from a newer version, or with an unknown step, is refused naming the file (exit 1)', async () => {
    const dir = tmp();
    const newer = join(dir, 'newer.json');
    writeFileSync(
      newer,
      serializeRecipe({ ...autoRecipeFor(), version: 1 }).replace('"version": 1', '"version": 4'),
    );
    let r = await run(['prepare', WEATHER, '--recipe', newer, '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: newer.json: This recipe is format version 4; this version of Benchtop reads up to 1. Update Benchtop to open it.\n',
    );
    const unknown = join(dir, 'unknown.json');
    writeFileSync(
      unknown,
      JSON.stringify({ ...autoRecipeFor(), steps: [{ kind: 'encode.target', params: {} }] }),
    );
    r = await run(['prepare', WEATHER, '--recipe', unknown, '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: unknown\.json: Step 1: This recipe uses a step 'encode\.target'/,
    );
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });
});

function autoRecipeFor() {
  return {
    format: 'benchtop.recipe' as const,
    version: 1 as const,
    target: 'weather',
    task: 'classification' as const,
    roles: { ignored: [] },
    steps: [],
    seed: 0,
  };
}

describe('benchtop prepare: mistakes', () => {
  it('command-line mistakes exit 2 with a usage message', async () => {
    const out = join(tmp(), 'o.csv');
    const cases: [string[], string][] = [
      [
        ['prepare', WEATHER, '--out', out],
        'error: prepare needs --target COL (the column to predict) for auto-prepare, or --recipe FILE.\n',
      ],
      [
        ['prepare', WEATHER, '--target', 'weather'],
        'error: prepare needs --out <file.csv|.arrow>: where to write the prepared data.\n',
      ],
      [
        ['prepare', '--target', 'weather', '--out', out],
        'error: prepare needs a data file: benchtop prepare <data> --target COL --out <file.csv|.arrow>\n',
      ],
      [
        ['prepare', WEATHER, '--target', 'weather', '--out', 'o.xlsx'],
        "error: --out must name a .csv, .arrow or .arrows file (got 'o.xlsx').\n",
      ],
      [
        ['prepare', WEATHER, '--target', 'weather', '--out', out, '--task', 'ranking'],
        "error: --task must be classification or regression (got 'ranking').\n",
      ],
      [
        ['prepare', WEATHER, '--target', 'weather', '--out', WEATHER],
        'error: --out must not be the input file itself.\n',
      ],
      [
        ['prepare', WEATHER, '--target', 'weather', '--out', out, '--colour'],
        'error: unknown option --colour\n',
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args)));
    results.forEach((r, i) => {
      expect(r.stderr, cases[i][0].join(' ')).toBe(cases[i][1]);
      expect(r.code).toBe(2);
    });
  });

  it('a recipe for another target than --target is a usage error', async () => {
    const dir = tmp();
    const recipe = join(dir, 'r.json');
    writeFileSync(recipe, JSON.stringify(autoRecipeFor()));
    const r = await run([
      'prepare',
      WEATHER,
      '--recipe',
      recipe,
      '--target',
      'wind',
      '--out',
      join(dir, 'o.csv'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: the recipe predicts 'weather', but --target says 'wind'. Leave out --target, or use a recipe made for it.\n",
    );
  });

  it('data problems exit 1 and leave no output file', async () => {
    const dir = tmp();
    const out = join(dir, 'o.csv');
    let r = await run(['prepare', WEATHER, '--target', 'Weather', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: There is no column 'Weather' to predict. The columns are: date, precipitation, temp_max, temp_min, wind, weather.\n",
    );
    const empty = join(dir, 'empty-target.csv');
    writeFileSync(empty, 'x,y\n1,\n2,NA\n3,\n');
    r = await run(['prepare', empty, '--target', 'y', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: The target column 'y' has no values: every row is missing. Choose another target.\n",
    );
    r = await run(['prepare', join(dir, 'nope.csv'), '--target', 'y', '--out', out]);
    expect(r.stderr).toBe(`error: no such file: ${join(dir, 'nope.csv')}\n`);
    r = await run([
      'prepare',
      WEATHER,
      '--target',
      'weather',
      '--out',
      join(dir, 'no/such/dir/o.csv'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: cannot write ${join(dir, 'no/such/dir/o.csv')}: its folder does not exist.\n`,
    );
    expect(readdirSync(dir)).toEqual(['empty-target.csv']);
  });

  it('--help', async () => {
    const [a, b] = await Promise.all([run(['prepare', '--help']), run(['help', 'prepare'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      /^Usage: benchtop prepare <data> \[--recipe recipe\.json\] \[--target COL\] --out/,
    );
    expect(b.stdout).toBe(a.stdout);
  });
});
