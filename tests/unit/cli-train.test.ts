// `benchtop train` on real files (penguins and cars as CSV in tests/fixtures/cv): the directory it
// writes is a stock tfjs layers model (loaded back here with plain tf.loadLayersModel through a
// file-reading IOHandler) plus benchtop-model.json, whose fitted steps, decoded and replayed on the
// raw rows, give the features that model predicts from; bad --out values are usage errors that
// leave the disk untouched.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainOutput } from '../../src/cli/train';
import { main, fileSource } from '../../src/cli/main';
import { frameFromTable, findColumn, makeFrame } from '../../src/core/data/frame';
import { encodeTarget, labelMapping, toMatrix } from '../../src/core/evaluate';
import { ingest } from '../../src/core/ingest/index';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { applySteps, decodeFitted } from '../../src/core/steps';

const PENGUINS = 'tests/fixtures/cv/penguins.csv';
const CARS = 'tests/fixtures/cv/cars.csv';

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

/** tf.loadLayersModel over the files on disk (the stock format, nothing of ours). */
async function loadFromDir(dir: string): Promise<tfl.LayersModel> {
  const modelJson = JSON.parse(readFileSync(join(dir, 'model/model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tfc.io.WeightsManifestEntry[] }[];
  };
  const handler: tfc.io.IOHandler = {
    load: async () => {
      const bytes = readFileSync(join(dir, 'model', modelJson.weightsManifest[0].paths[0]));
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      };
    },
  };
  return tfl.loadLayersModel(handler);
}

async function frameOf(path: string) {
  const r = await ingest(await fileSource(path), {});
  return frameFromTable(r.table, r.schema);
}

describe('benchtop train', () => {
  it('penguins: writes a stock tfjs model and the fitted steps that feed it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'benchtop-train-')), 'penguins-model');
    const r = await cli(
      'train',
      PENGUINS,
      '--target',
      'Species',
      '--out',
      out,
      '--folds',
      '3',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as TrainOutput;
    expect(o.files).toEqual(['model/model.json', 'model/weights.bin', 'benchtop-model.json']);
    expect(readdirSync(out).sort()).toEqual(['benchtop-model.json', 'model']);
    expect(o.cvFolds).toBe(3);
    expect(o.metrics!.accuracy.mean).toBeGreaterThan(0.97);
    expect(o.fittedRows).toBe(344);

    const manifest = JSON.parse(readFileSync(join(out, 'benchtop-model.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'benchtop.model',
      version: 1,
      target: 'Species',
      task: 'classification',
      labels: { classes: ['Adelie', 'Chinstrap', 'Gentoo'], counts: [152, 68, 124] },
      model: { kind: 'logreg', params: { C: 1 } },
      sampler: null,
      backend: 'wasm',
      seed: 0,
    });
    expect(manifest.metrics.summary.accuracy.mean).toBe(o.metrics!.accuracy.mean);
    expect(manifest.recipe.format).toBe('benchtop.recipe');

    // Replay: decoded steps on the raw rows -> the model's features -> plain tfjs predictions.
    const fitted = manifest.steps.map(decodeFitted);
    const frame = await frameOf(PENGUINS);
    const prepared = applySteps(
      makeFrame(
        frame.columns.filter((c) =>
          manifest.inputs.some((i: { name: string }) => i.name === c.name),
        ),
        frame.rows,
      ),
      fitted,
      { inference: true },
    );
    const m = toMatrix(prepared, null, { features: manifest.features });
    const model = await loadFromDir(out);
    const p = tf.tidy(() =>
      (model.predict(tf.tensor2d(m.X, [m.rows, m.cols])) as tfc.Tensor).arraySync(),
    ) as number[][];
    model.dispose();
    const column = findColumn(frame, 'Species')!;
    const y = encodeTarget(column, labelMapping(column));
    const right = p.filter((row, i) => row.indexOf(Math.max(...row)) === y[i]).length;
    expect(right / m.rows).toBeGreaterThan(0.98);
  });

  it('cars with --skip-cv and --sampler none: linear regression, no metrics', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'benchtop-train-')), 'cars');
    const r = await cli('train', CARS, '--target', 'Miles_per_Gallon', '--out', out, '--skip-cv');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^trained linear on cars\.csv -> .+: target 'Miles_per_Gallon' \(regression\), 398 training rows/,
    );
    const manifest = JSON.parse(readFileSync(join(out, 'benchtop-model.json'), 'utf8'));
    expect(manifest.metrics).toBeNull();
    expect(manifest.labels).toBeNull();
    expect(manifest.features.some((f: string) => f.startsWith('Name'))).toBe(false);
    // Training again into the same directory replaces the earlier output.
    expect(
      (await cli('train', CARS, '--target', 'Miles_per_Gallon', '--out', out, '--skip-cv')).code,
    ).toBe(0);
  });

  it('bad --out: a zip, a file, a directory holding other files, none at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-train-'));
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [
        ['--out', join(dir, 'm.zip')],
        /^error: train: --out names a \.zip, but this version writes a directory/,
      ],
      [['--out', file], /^error: train: --out .+a\.txt is a file; give a directory/],
      [['--out', other], /^error: train: --out .+other is a directory that holds other files/],
      [[], /^error: train needs --out <dir>: where to write the model\.\n$/],
    ];
    for (const [extra, message] of cases) {
      const r = await cli('train', PENGUINS, '--target', 'Species', '--skip-cv', ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'm.zip'))).toBe(false);
    // A data problem is exit 1, and nothing is written.
    const bad = await cli(
      'train',
      PENGUINS,
      '--target',
      'Species',
      '--group',
      'Island',
      '--out',
      join(dir, 'g'),
    );
    expect(bad.code).toBe(1);
    expect(existsSync(join(dir, 'g'))).toBe(false);
  });
});
