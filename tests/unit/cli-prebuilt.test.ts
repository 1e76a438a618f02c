// The prebuilt CLI (scripts/build-cli.mjs, run by bin/benchtop.mjs): built into a temporary folder
// it lists the sources it holds, is current only while each of them is unchanged (size, mtime,
// Node version), runs commands from its own folder (import.meta.url still finds package.json and
// the fold worker), and writes the same file as the TypeScript run through tsx.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, currentCli } from '../../scripts/build-cli.mjs';
import { runCli, tempDir } from './cli-run';

const dir = tempDir('prebuilt');
// Inside the repository, as the real build: its npm packages resolve from node_modules above it.
const out = resolve(`node_modules/.cache/benchtop/cli-test-${process.pid}`);
const WEATHER = 'node_modules/vega-datasets/data/seattle-weather.csv';

interface Manifest {
  node: string;
  inputs: Record<string, [number, number]>;
}

/** `node -e` importing the prebuilt main.mjs and running main(args). */
function runPrebuilt(args: string[]) {
  const code = `const { main } = await import(${JSON.stringify(join(out, 'main.mjs'))}); process.exitCode = await main(${JSON.stringify(args)});`;
  return runCli(['--input-type=module', '-e', code], process.execPath, []);
}

beforeAll(async () => {
  await buildCli({ quiet: true, out });
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('prebuilt CLI', () => {
  it('lists every source it was built from, and is current until one changes', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    for (const f of ['src/cli/main.ts', 'src/cli/resample.ts', 'src/core/resample/smote.ts'])
      expect(Object.keys(manifest.inputs)).toContain(f);
    // Commands are imported when they run: train's code is not in main.mjs itself.
    expect(readFileSync(join(out, 'main.mjs'), 'utf8')).not.toContain('trainFinal');
    expect(String(currentCli(out))).toBe(`file://${join(out, 'main.mjs')}`);

    const edited = structuredClone(manifest);
    edited.inputs['src/core/resample/smote.ts'][1] -= 1000;
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(edited));
    expect(currentCli(out)).toBeNull();
    const grown = structuredClone(manifest);
    grown.inputs['src/cli/main.ts'][0] += 1;
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(grown));
    expect(currentCli(out)).toBeNull();
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ ...manifest, node: 'v0.0.0' }));
    expect(currentCli(out)).toBeNull();
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
    expect(currentCli(out)).not.toBeNull();
  });

  it("runs from its own folder: --version, a usage error, and resample writes the tsx run's file", async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const v = await runPrebuilt(['--version']);
    expect(v).toEqual({ code: 0, stdout: `benchtop ${pkg.version}\n`, stderr: '' });
    const bad = await runPrebuilt(['resample', WEATHER, '--target', 'weather']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('resample needs --out');

    const args = (file: string) => [
      'resample',
      WEATHER,
      '--target',
      'weather',
      '--method',
      'random-over',
      '--out',
      join(dir, file),
    ];
    const a = await runPrebuilt(args('prebuilt.csv'));
    expect(a.code, a.stderr).toBe(0);
    const b = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['bin/benchtop.mjs', ...args('tsx.csv')],
        { env: { ...process.env, BENCHTOP_TSX: '1' } },
        (err, _o, stderr) => done({ code: err ? 1 : 0, stderr }),
      );
    });
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'prebuilt.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'tsx.csv'), 'utf8'),
    );
  }, 60_000);
});
