// `benchtop resample` as users run it: each test spawns the real process (node bin/benchtop.mjs) on
// vega-datasets seattle-weather.csv (1,461 days; weather: sun 640, rain 641, fog 101, drizzle 53,
// snow 26; a date column and four numbers) and checks the exit code, stderr, the --json summary
// and the file written, against the same sampler run in-process.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { resampleFile, type ResampleOutput } from '../../src/cli/resample';
import { frameFromTable, takeRows, type Frame } from '../../src/core/data/frame';
import { frameToCsv } from '../../src/core/data/csv-write';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import { emptyRecipe, fitRecipeSync, serializeRecipe, type Recipe } from '../../src/core/recipe';
import { resample } from '../../src/core/resample';
import { createRng } from '../../src/core/rng';
import { cliJson, runCli, tempDir } from './cli-run';

const WEATHER = 'node_modules/vega-datasets/data/seattle-weather.csv';

const run = runCli;
const tmp = () => tempDir('resample');
const oneJson = cliJson<ResampleOutput>;

async function weather(): Promise<Frame> {
  const { table, schema } = await ingest(bytesSource('seattle-weather.csv', readFileSync(WEATHER)));
  return frameFromTable(table, schema);
}

/** A recipe that leaves out the date and standard-scales the numbers. */
function recipeFile(dir: string): string {
  const recipe: Recipe = {
    ...emptyRecipe(0),
    target: 'weather',
    task: 'classification',
    steps: [
      { kind: 'columns.drop', params: { columns: ['date'] } },
      {
        kind: 'scale.standard',
        params: {
          columns: ['precipitation', 'temp_max', 'temp_min', 'wind'],
          withMean: true,
          withStd: true,
        },
      },
    ],
  };
  const path = join(dir, 'weather.recipe.json');
  writeFileSync(path, serializeRecipe(recipe));
  return path;
}

describe('benchtop resample', () => {
  it('SMOTE after a recipe -> CSV: counts before / after, and the file = the in-process result', async () => {
    const dir = tmp();
    const out = join(dir, 'balanced.csv');
    const recipe = recipeFile(dir);
    const r = await run([
      'resample',
      WEATHER,
      '--target',
      'weather',
      '--method',
      'smote',
      '--recipe',
      recipe,
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    const o = oneJson(r);
    expect(o).toMatchObject({
      file: 'seattle-weather.csv',
      out,
      format: 'csv',
      method: 'smote',
      target: 'weather',
      seed: 3,
      rowsIn: 1461,
      rowsOut: 5 * 641,
      synthetic: 5 * 641 - 1461,
      repeated: 0,
      removed: 0,
    });
    expect(o.classes).toEqual([
      { label: 'drizzle', before: 53, after: 641 },
      { label: 'fog', before: 101, after: 641 },
      { label: 'rain', before: 641, after: 641 },
      { label: 'snow', before: 26, after: 641 },
      { label: 'sun', before: 640, after: 641 },
    ]);
    expect(o.columns.map((c) => c.name)).toEqual([
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
      'weather',
    ]);
    // The same job in-process, written by the same writer.
    const frame = await weather();
    const prepared = fitRecipeSync(frame, {
      ...emptyRecipe(0),
      target: 'weather',
      task: 'classification',
      steps: JSON.parse(readFileSync(recipe, 'utf8')).steps,
    }).frame;
    const want = resample(prepared, { kind: 'smote', params: {} }, { target: 'weather', seed: 3 });
    expect(readFileSync(out, 'utf8')).toBe(frameToCsv(want.frame));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('random under-sampling -> Arrow, with a summary for the terminal', async () => {
    const dir = tmp();
    const out = join(dir, 'under.arrow');
    const r = await run([
      'resample',
      WEATHER,
      '--target',
      'weather',
      '--method',
      'random-under',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rows: 1,461 in, 130 out; 1,331 removed');
    expect(r.stdout).toMatch(/sun\s+640\s+26/);
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(130);
    // Every column kept, the date included: under-sampling measures no distance.
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      'date',
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
      'weather',
    ]);
  });

  it('SMOTE on the raw file names the date column; k above the smallest class suggests a smaller k', async () => {
    const dir = tmp();
    const out = join(dir, 'x.csv');
    const a = await run(['resample', WEATHER, '--target', 'weather', '--out', out]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^error: Column 'date' holds dates; .*'Date: parts'/);
    const b = await run([
      'resample',
      WEATHER,
      '--target',
      'weather',
      '--recipe',
      recipeFile(dir),
      '--k',
      '30',
      '--out',
      out,
    ]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("Class 'snow' has 26 rows");
    expect(b.stderr).toContain("Lower 'kNeighbors' to 25");
    expect(existsSync(out)).toBe(false);
  });

  it('--backend js and --backend wasm write the same rows; an unknown backend is a usage error', async () => {
    const dir = tmp();
    const args = (backend: string, out: string) => [
      'resample',
      WEATHER,
      '--target',
      'weather',
      '--recipe',
      recipeFile(dir),
      '--backend',
      backend,
      '--out',
      out,
      '--json',
    ];
    const js = oneJson(await run(args('js', join(dir, 'js.csv'))));
    const wasm = oneJson(await run(args('wasm', join(dir, 'wasm.csv'))));
    expect(js.backend).toBe('js');
    expect(readFileSync(join(dir, 'js.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'wasm.csv'), 'utf8'),
    );
    expect(wasm.rowsOut).toBe(js.rowsOut);
    const bad = await run(args('gpu', join(dir, 'gpu.csv')));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--backend must be one of auto, wasm, cpu, js');
  });

  it('Tomek links after the recipe remove rows of the larger classes only', async () => {
    const dir = tmp();
    const out = join(dir, 'tomek.csv');
    const o = oneJson(
      await run([
        'resample',
        WEATHER,
        '--target',
        'weather',
        '--method',
        'tomek',
        '--recipe',
        recipeFile(dir),
        '--out',
        out,
        '--json',
      ]),
    );
    expect(o.removed).toBeGreaterThan(0);
    expect(o.rowsOut).toBe(1461 - o.removed);
    const snow = o.classes.find((c) => c.label === 'snow')!;
    expect(snow.after).toBe(snow.before);
  });

  it('command-line mistakes exit 2 with a usage message', async () => {
    const dir = tmp();
    const out = join(dir, 'x.csv');
    const cases: [string[], RegExp][] = [
      [['resample', WEATHER, '--out', out], /needs --target COL/],
      [['resample', WEATHER, '--target', 'weather'], /needs --out/],
      [
        ['resample', WEATHER, '--target', 'weather', '--method', 'adasyn', '--out', out],
        /--method must be one of/,
      ],
      [
        [
          'resample',
          WEATHER,
          '--target',
          'weather',
          '--method',
          'tomek',
          '--ratio',
          '0.5',
          '--out',
          out,
        ],
        /--ratio does not apply to tomek/,
      ],
      [
        [
          'resample',
          WEATHER,
          '--target',
          'weather',
          '--method',
          'random-over',
          '--k',
          '3',
          '--out',
          out,
        ],
        /--k applies to smote/,
      ],
      [
        ['resample', WEATHER, '--target', 'weather', '--ratio', '2', '--out', out],
        /--ratio must be auto or a number above 0 and at most 1/,
      ],
      [
        ['resample', WEATHER, '--target', 'weather', '--out', join(dir, 'x.txt')],
        /--out must name a .csv/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const help = await run(['resample', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: benchtop resample');
  });

  it('a ratio on a two-class file: random over-sampling to minority / majority = 0.5', async () => {
    const dir = tmp();
    const frame = await weather();
    // Two classes: rain (641) and snow (26).
    const rows: number[] = [];
    const w = frame.columns[5] as { codes: Int32Array; categories: string[] };
    for (let i = 0; i < frame.rows; i++) {
      const label = w.categories[w.codes[i]];
      if (label === 'rain' || label === 'snow') rows.push(i);
    }
    const two = takeRows(frame, rows);
    const src = join(dir, 'two.csv');
    writeFileSync(src, frameToCsv(two));
    const o = oneJson(
      await run([
        'resample',
        src,
        '--target',
        'weather',
        '--method',
        'random-over',
        '--ratio',
        '0.5',
        '--out',
        join(dir, 'o.csv'),
        '--json',
      ]),
    );
    // int(641 * 0.5 - 26) = 294 copies of snow rows.
    expect(o.classes).toEqual([
      { label: 'rain', before: 641, after: 641 },
      { label: 'snow', before: 26, after: 320 },
    ]);
    expect(o.repeated).toBe(294);
  });
});

describe('benchtop resample: where the neighbour search runs', () => {
  /**
   * `rows` (2,600) x 14 numbers on a grid of 1/8 (ties and near-ties), y = 1 for ~10%: too small
   * for `auto` to start tfjs. With --backend wasm tfjs starts, but numeric points stay on the
   * WebAssembly SIMD kernel wherever the runtime has it (neighbours.ts usesTf), so these files come
   * from the TypeScript search on every backend; the tfjs path itself is compared with it, forced,
   * in resample-neighbours-tf.test.ts and tests/golden/resample.test.ts.
   */
  function gridCsv(dir: string, rows = 2600): string {
    const rng = createRng(8);
    const lines = [[...Array.from({ length: 14 }, (_, f) => `f${f}`), 'y'].join(',')];
    for (let i = 0; i < rows; i++) {
      const y = rng() < 0.1 ? 1 : 0;
      const row = Array.from({ length: 14 }, (_, f) =>
        String(Math.round((rng() * 2 + (f < 3 ? y : 0)) * 8) / 8),
      );
      lines.push([...row, String(y)].join(','));
    }
    const path = join(dir, `grid-${rows}.csv`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }
  const open = async (path: string) => bytesSource(basename(path), readFileSync(path));

  it('tomek and smote on --backend wasm write the rows of the TypeScript search; the default keeps these small searches in TypeScript', async () => {
    const dir = tmp();
    const src = gridCsv(dir);
    const { table, schema } = await ingest(await open(src));
    const frame = frameFromTable(table, schema);
    for (const method of ['tomek', 'smote']) {
      const out = join(dir, `${method}.csv`);
      const base = ['resample', src, '--target', 'y', '--method', method, '--json'];
      const o = oneJson(await run([...base, '--backend', 'wasm', '--out', out]));
      expect(o.backend).toBe('wasm');
      const auto = oneJson(await run([...base, '--out', join(dir, `${method}-auto.csv`)]));
      expect(auto.backend).toBe('js');
      expect(readFileSync(join(dir, `${method}-auto.csv`), 'utf8')).toBe(readFileSync(out, 'utf8'));
      const want = resample(
        frame,
        { kind: method, params: {} },
        { target: 'y', seed: 0, neighbours: 'js' },
      );
      expect(readFileSync(out, 'utf8'), method).toBe(frameToCsv(want.frame));
      if (method === 'tomek') expect(o.removed).toBeGreaterThan(0);
    }
  });

  it("backend 'js' and 'cpu' write the same file; random over-sampling loads no tfjs; a bad backend is a usage error", async () => {
    const dir = tmp();
    const src = gridCsv(dir);
    const files: string[] = [];
    for (const backend of ['js', 'cpu', 'wasm']) {
      const out = join(dir, `tomek-${backend}.csv`);
      const o = await resampleFile({ data: src, out, target: 'y', method: 'tomek', backend }, open);
      expect(o.backend).toBe(backend);
      files.push(readFileSync(out, 'utf8'));
    }
    expect(files[1]).toBe(files[0]);
    expect(files[2]).toBe(files[0]);
    const over = await resampleFile(
      { data: src, out: join(dir, 'over.csv'), target: 'y', method: 'random-over' },
      open,
    );
    expect(over.backend).toBeNull();
    await expect(
      resampleFile(
        { data: src, out: join(dir, 'x.csv'), target: 'y', method: 'tomek', backend: 'webgpu' },
        open,
      ),
    ).rejects.toThrow("--backend must be one of auto, wasm, cpu, js (got 'webgpu')");
  });

  it('the default (auto) keeps a big search on the WebAssembly SIMD kernel (no tfjs): Tomek links over 12,000 rows, the same file as --backend wasm', async () => {
    const dir = tmp();
    const src = gridCsv(dir, 12000);
    const files: string[] = [];
    for (const backend of [undefined, 'wasm']) {
      const out = join(dir, `tomek-${backend ?? 'auto'}.csv`);
      const o = await resampleFile({ data: src, out, target: 'y', method: 'tomek', backend }, open);
      expect(o.backend).toBe(backend ?? 'js');
      expect(o.removed).toBeGreaterThan(0);
      files.push(readFileSync(out, 'utf8'));
    }
    expect(files[0]).toBe(files[1]);
  });
});
