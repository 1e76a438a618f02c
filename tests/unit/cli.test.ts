// The `benchtop` CLI as users run it: each test spawns the real process (node bin/benchtop.mjs)
// and checks stdout, stderr and the exit code. Inputs are real files (vega-datasets) and the
// broken fixtures under tests/fixtures/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { ProfileOutput } from '../../src/cli/render';
import { runCli, tempDir } from './cli-run';

const DATA = 'node_modules/vega-datasets/data/';

const run = runCli;

/** stdout must be exactly one JSON object (and nothing else). */
function oneJson(stdout: string): ProfileOutput {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trim().split('\n')).toHaveLength(1);
  const value = JSON.parse(stdout) as ProfileOutput;
  expect(typeof value).toBe('object');
  return value;
}

function noStack(text: string) {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toContain('TypeError');
}

describe('benchtop profile --json', () => {
  it('an Arrow file: flights-200k.arrow', async () => {
    const r = await run(['profile', DATA + 'flights-200k.arrow', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = oneJson(r.stdout);
    expect(out).toMatchObject({
      file: 'flights-200k.arrow',
      format: 'arrow',
      rows: 200_000,
      cols: 3,
    });
    expect(out.columns.map((c) => [c.name, c.kind])).toEqual([
      ['delay', 'integer'],
      ['distance', 'integer'],
      ['time', 'number'],
    ]);
    for (const c of out.columns) {
      for (const key of ['missing', 'unique', 'min', 'max', 'mean', 'std'] as const) {
        expect(typeof c[key], `${c.name}.${key}`).toBe('number');
      }
    }
    expect(Array.isArray(out.warnings)).toBe(true);
  });

  it('a Parquet file: tests/fixtures/parquet/mixed.parquet', async () => {
    const r = await run(['profile', 'tests/fixtures/parquet/mixed.parquet', '--json']);
    expect(r.code).toBe(0);
    const out = oneJson(r.stdout);
    expect(out).toMatchObject({ format: 'parquet', rows: 60, cols: 7 });
    const small = out.columns.find((c) => c.name === 'small')!;
    // small = i % 7 for i in 0..59, missing where i % 10 == 3 (make.ts)
    expect(small).toMatchObject({ kind: 'integer', missing: 6, unique: 7, min: 0, max: 6 });
    const id = out.warnings.find((w) => w.column === 'id');
    expect(id?.code).toBe('id-like');
  });

  it('a CSV file through npm run: seattle-weather.csv matches pandas describe()', async () => {
    const r = await run(
      ['run', '--silent', 'benchtop', '--', 'profile', DATA + 'seattle-weather.csv', '--json'],
      'npm',
      [],
    );
    expect(r.code).toBe(0);
    const out = oneJson(r.stdout);
    expect(out).toMatchObject({ format: 'csv', rows: 1461, cols: 6 });
    // source: pandas 1.5.3 describe(), script tests/fixtures/golden/pandas_describe.py
    const golden = JSON.parse(readFileSync('tests/fixtures/golden/pandas-describe.json', 'utf8'))[
      'seattle-weather.csv'
    ].columns as Record<string, { mean?: number; std?: number; unique: number }>;
    for (const name of ['precipitation', 'temp_max', 'temp_min', 'wind']) {
      const c = out.columns.find((col) => col.name === name)!;
      expect(c.kind).toBe('number');
      expect(c.unique).toBe(golden[name].unique);
      expect(Math.abs(c.mean! - golden[name].mean!)).toBeLessThanOrEqual(
        1e-9 * Math.abs(golden[name].mean!),
      );
      expect(Math.abs(c.std! - golden[name].std!)).toBeLessThanOrEqual(1e-9 * golden[name].std!);
    }
    expect(out.columns.find((c) => c.name === 'weather')!.top[0]).toEqual({
      value: 'rain',
      count: 641,
    });
  });
});

describe('benchtop profile (text output)', () => {
  it('prints a table with every column and the warnings', async () => {
    const r = await run(['profile', 'tests/fixtures/arrow/mixed.arrow']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('mixed.arrow: 40 rows × 12 columns (arrow)');
    expect(lines[2]).toMatch(/^column\s+kind\s+missing\s+unique\s+min\s+max\s+mean\s+std\s+top$/);
    expect(r.stdout).toMatch(/\ntiny\s+integer\s+4 \(10\.0%\)\s+5\s+-2\s+2\s/);
    expect(r.stdout).toMatch(/\nday\s+date\s+0\s+40\s+2020-02-27\s+2020-04-06\s/);
    expect(r.stdout).toContain('Warnings:');
    expect(r.stdout).toContain("'nothing' has no values at all");
    expect(r.stdout).toContain('Notes:');
  });
});

describe('benchtop errors', () => {
  it('a missing file: exit 1, one line on stderr, nothing on stdout', async () => {
    const r = await run(['profile', 'x.csv']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: no such file: x.csv\n' });
  });

  it('a truncated Arrow file: exit 1 with the reader’s message, no stack trace', async () => {
    const r = await run(['profile', 'tests/fixtures/arrow/truncated.arrow']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*truncated\.arrow is truncated or not an Arrow file/);
    noStack(r.stderr);
  });

  it('a Parquet file with no rows and an empty file: exit 1', async () => {
    const noRows = await run(['profile', 'tests/fixtures/parquet/no-rows.parquet']);
    expect(noRows.code).toBe(1);
    expect(noRows.stderr).toContain('no-rows.parquet has a schema but no rows');
    const dir = tempDir('cli');
    writeFileSync(join(dir, 'empty.csv'), '');
    const empty = await run(['profile', join(dir, 'empty.csv')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error: .*empty\.csv is empty/);
    noStack(empty.stderr + noRows.stderr);
  });

  it('a directory instead of a file: exit 1', async () => {
    const r = await run(['profile', 'tests']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: tests is a directory, not a data file.\n' });
  });

  it('usage errors exit 2: no data, unknown option, unknown command, no command', async () => {
    const [noData, badOption, badCommand, nothing] = await Promise.all([
      run(['profile']),
      run(['profile', 'x.csv', '--nope']),
      run(['frobnicate']),
      run([]),
    ]);
    expect(noData).toMatchObject({
      code: 2,
      stderr: 'error: profile needs a data file: benchtop profile <data> [--json]\n',
    });
    expect(badOption).toMatchObject({ code: 2, stderr: 'error: unknown option --nope\n' });
    expect(badCommand.code).toBe(2);
    expect(badCommand.stderr).toBe(
      "error: unknown command 'frobnicate'. Run 'benchtop --help' to see the commands.\n",
    );
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('Usage: benchtop <command>');
  });

  it('planned commands answer that they are not available yet (exit 2)', async () => {
    const results = await Promise.all(['drift'].map((c) => run([c, 'data.csv'])));
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [2, "error: 'drift' is not available yet in this version\n"],
    ]);
  });
});

describe('benchtop --help', () => {
  it('prints the usage and the commands', async () => {
    const [top, profile, version] = await Promise.all([
      run(['--help']),
      run(['profile', '--help']),
      run(['--version']),
    ]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: benchtop <command> [options]');
    expect(top.stdout).toContain('profile <data> [--json]');
    expect(top.stdout).toContain('Planned (not in this version yet): drift');
    expect(top.stdout).toContain('prepare <data> [--recipe recipe.json] [--target COL] --out');
    expect(profile.code).toBe(0);
    expect(profile.stdout).toMatch(/^Usage: benchtop profile <data> \[--json\]/);
    expect(version.stdout).toMatch(/^benchtop \d+\.\d+\.\d+\n$/);
  });
});

describe('benchtop profile reading options', () => {
  it('--delimiter, --encoding and --missing change how a CSV is read', async () => {
    const dir = tempDir('cli');
    const path = join(dir, 'prices.csv');
    // windows-1252 bytes ("Zürich" has 0xFC), ';' separated, "-" typed for a gap.
    writeFileSync(path, Buffer.from('city;price\nZ\xfcrich;12\nBern;-\nBasel;7\n', 'latin1'));
    const auto = oneJson((await run(['profile', path, '--json'])).stdout);
    expect(auto.columns.find((c) => c.name === 'price')?.kind).not.toBe('integer');

    const r = await run([
      'profile',
      path,
      '--json',
      '--delimiter',
      'semicolon',
      '--encoding',
      'latin-1',
      '--missing=-,NA',
    ]);
    expect(r.code).toBe(0);
    const out = oneJson(r.stdout);
    const price = out.columns.find((c) => c.name === 'price');
    expect(price).toMatchObject({ kind: 'integer', missing: 1, min: 7, max: 12 });
    expect(out.columns.find((c) => c.name === 'city')?.top.map((t) => t.value)).toContain('Zürich');
  });

  it('an unknown delimiter is a usage error that lists the choices', async () => {
    const r = await run(['profile', DATA + 'seattle-weather.csv', '--delimiter', 'colon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: Unknown delimiter 'colon'. Use auto, comma, semicolon, tab or pipe.\n",
    );
    noStack(r.stderr);
  });
});
