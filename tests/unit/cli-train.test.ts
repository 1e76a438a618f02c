// `benchtop train` on real files (penguins and cars as CSV in tests/fixtures/cv) writes a model
// bundle: readBundle verifies it (hashes, schema), its model/ is a stock tfjs layers model (loaded
// here with plain tf.loadLayersModel through an IOHandler over the zip's bytes) whose predictions
// from the bundle's own fitted steps get > 98% of penguins right and equal src/core/inference's;
// --quantize float16 / uint8 shrink weights.bin (2x / ~4x) and stock tfjs still loads them; bad
// --out / --quantize / --model-version values are usage errors that leave the disk untouched.
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
import { fileSource } from '../../src/cli/main';
import { mainCli } from './cli-run';
import { readBundle, type Bundle } from '../../src/core/bundle';
import { frameFromTable, findColumn } from '../../src/core/data/frame';
import { encodeTarget, labelMapping } from '../../src/core/evaluate';
import { loadPredictor } from '../../src/core/inference';
import { ingest } from '../../src/core/ingest/index';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { applySteps } from '../../src/core/steps';
import { makeFrame } from '../../src/core/data/frame';
import { toMatrix } from '../../src/core/evaluate';

const PENGUINS = 'tests/fixtures/cv/penguins.csv';
const CARS = 'tests/fixtures/cv/cars.csv';

const cli = mainCli;

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

/** Plain tf.loadLayersModel over the bundle's model/ files (the stock format, nothing of ours). */
async function stockModel(bundle: Bundle): Promise<tfl.LayersModel> {
  const modelJson = JSON.parse(new TextDecoder().decode(bundle.files.get('model/model.json')!)) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tfc.io.WeightsManifestEntry[] }[];
  };
  const bytes = bundle.files.get(`model/${modelJson.weightsManifest[0].paths[0]}`)!;
  const handler: tfc.io.IOHandler = {
    load: async () => ({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData: bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as ArrayBuffer,
    }),
  };
  return tfl.loadLayersModel(handler);
}

async function frameOf(path: string) {
  const r = await ingest(await fileSource(path), {});
  return frameFromTable(r.table, r.schema);
}

/** Share of penguins the stock model gets right from the bundle's own steps. */
async function penguinAccuracy(bundle: Bundle): Promise<number> {
  const frame = await frameOf(PENGUINS);
  const names = new Set(
    bundle.manifest.input.columns.filter((c) => c.role !== 'target').map((c) => c.name),
  );
  const prepared = applySteps(
    makeFrame(
      frame.columns.filter((c) => names.has(c.name)),
      frame.rows,
    ),
    bundle.steps,
    { inference: true },
  );
  const m = toMatrix(prepared, null, { features: bundle.manifest.input.features });
  const model = await stockModel(bundle);
  const p = tf.tidy(() =>
    (model.predict(tf.tensor2d(m.X, [m.rows, m.cols])) as tfc.Tensor).arraySync(),
  ) as number[][];
  model.dispose();
  const column = findColumn(frame, 'Species')!;
  const y = encodeTarget(column, labelMapping(column));
  return p.filter((row, i) => row.indexOf(Math.max(...row)) === y[i]).length / m.rows;
}

describe('benchtop train', () => {
  it('penguins: writes a verified bundle whose stock tfjs model and fitted steps predict', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'benchtop-train-')), 'penguins.benchtop.zip');
    const r = await cli(
      'train',
      PENGUINS,
      '--target',
      'Species',
      '--out',
      out,
      '--folds',
      '3',
      '--name',
      'Penguin species',
      '--model-version',
      '2.1.0',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as TrainOutput;
    expect(o.bundle).toMatchObject({
      name: 'Penguin species',
      version: '2.1.0',
      quantization: 'none',
    });
    expect(o.bundle.files).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'model/model.json',
        'model/weights.bin',
        'MODEL_CARD.md',
        'deploy/server.mjs',
        'deploy/k8s.yaml',
      ]),
    );
    expect(o.cvFolds).toBe(3);
    expect(o.metrics!.accuracy.mean).toBeGreaterThan(0.97);
    expect(o.fittedRows).toBe(344);

    const bytes = new Uint8Array(readFileSync(out));
    expect(o.bundle.bytes).toBe(bytes.length);
    const bundle = await readBundle(bytes);
    const m = bundle.manifest;
    expect(m.model).toMatchObject({
      name: 'Penguin species',
      version: '2.1.0',
      task: 'classification',
      spec: { kind: 'logreg', params: { C: 1 } },
    });
    expect(m.target).toMatchObject({
      name: 'Species',
      labels: ['Adelie', 'Chinstrap', 'Gentoo'],
      counts: [152, 68, 124],
    });
    expect(m.metrics.cv!.folds).toBe(3);
    // The Benchtop that trained it: package.json's version (args.ts benchtopVersion).
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(m.libraries.benchtop).toBe(pkg.version);
    expect(m.metrics.cv!.summary.accuracy.mean).toBe(o.metrics!.accuracy.mean);
    expect(m.data.source.name).toBe('penguins.csv');
    // The data file's own sha256 (computed independently here with node:crypto).
    const { createHash } = await import('node:crypto');
    expect(m.data.source.sha256).toBe(
      createHash('sha256').update(readFileSync(PENGUINS)).digest('hex'),
    );
    expect(m.training.backend).toBe('wasm');
    expect(m.input.columns.filter((c) => c.role === 'feature').map((c) => c.name)).toEqual([
      'Island',
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
      'Sex',
    ]);
    expect(await penguinAccuracy(bundle)).toBeGreaterThan(0.98);

    // src/core/inference on the same bundle agrees with the stock model on JSON rows.
    const predictor = await loadPredictor(tf, bundle);
    try {
      const { predictions } = await predictor.predictRows([
        {
          Island: 'Biscoe',
          'Beak Length (mm)': 47.5,
          'Beak Depth (mm)': 14.2,
          'Flipper Length (mm)': 215,
          'Body Mass (g)': 5050,
          Sex: 'FEMALE',
        },
      ]);
      expect((predictions[0] as { label: string }).label).toBe('Gentoo');
    } finally {
      predictor.dispose();
    }
  });

  it('--quantize float16 / uint8: smaller weights, still loaded by stock tfjs, same accuracy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-train-'));
    const sizes: Record<string, number> = {};
    for (const q of ['none', 'float16', 'uint8']) {
      const out = join(dir, `p-${q}.benchtop.zip`);
      const r = await cli(
        'train',
        PENGUINS,
        '--target',
        'Species',
        '--skip-cv',
        '--quantize',
        q,
        '--out',
        out,
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`(weights ${q === 'none' ? 'float32' : q})`);
      const bundle = await readBundle(new Uint8Array(readFileSync(out)));
      expect(bundle.manifest.quantization.dtype).toBe(q);
      sizes[q] = bundle.files.get('model/weights.bin')!.length;
      expect(await penguinAccuracy(bundle)).toBeGreaterThan(0.97);
    }
    // 10 features x 3 classes + 3 biases = 33 weights: 4, 2 and 1 bytes each.
    expect(sizes).toEqual({ none: 132, float16: 66, uint8: 33 });
  });

  it('cars with --skip-cv: linear regression, no metrics, replaced on a second run', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'benchtop-train-')), 'cars.benchtop.zip');
    const r = await cli('train', CARS, '--target', 'Miles_per_Gallon', '--out', out, '--skip-cv');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^trained linear on cars\.csv -> .+: target 'Miles_per_Gallon' \(regression\), 398 training rows/,
    );
    const bundle = await readBundle(new Uint8Array(readFileSync(out)));
    expect(bundle.manifest.metrics.cv).toBeNull();
    expect(bundle.manifest.target.labels).toBeNull();
    expect(bundle.manifest.model.task).toBe('regression');
    expect(bundle.manifest.input.features.some((f) => f.startsWith('Name'))).toBe(false);
    expect(
      (await cli('train', CARS, '--target', 'Miles_per_Gallon', '--out', out, '--skip-cv')).code,
    ).toBe(0);
  });

  it('bad --out / --quantize / --model-version: usage errors (exit 2), nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-train-'));
    const sub = join(dir, 'sub.zip');
    mkdirSync(sub);
    const cases: [string[], RegExp][] = [
      [
        ['--out', join(dir, 'model')],
        /^error: train: --out must name the bundle file to write, ending in \.zip/,
      ],
      [
        ['--out', sub],
        /^error: train: --out .+sub\.zip is a directory; give the path of a \.zip file/,
      ],
      [
        ['--out', join(dir, 'q.zip'), '--quantize', 'int4'],
        /^error: train: --quantize must be one of none, float16, uint8 \(got 'int4'\)/,
      ],
      [
        ['--out', join(dir, 'v.zip'), '--model-version', 'v2'],
        /^error: train: --model-version must be a semantic version such as 1\.0\.0 \(got 'v2'\)/,
      ],
      [
        [],
        /^error: train needs --out <model\.benchtop\.zip>: where to write the model bundle\.\n$/,
      ],
    ];
    for (const [extra, message] of cases) {
      const r = await cli('train', PENGUINS, '--target', 'Species', '--skip-cv', ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    for (const f of ['model', 'q.zip', 'v.zip']) expect(existsSync(join(dir, f))).toBe(false);
    // A data problem is exit 1, and nothing is written.
    writeFileSync(join(dir, 'keep.txt'), 'x');
    const bad = await cli(
      'train',
      PENGUINS,
      '--target',
      'Species',
      '--group',
      'Island',
      '--out',
      join(dir, 'g.zip'),
    );
    expect(bad.code).toBe(1);
    expect(existsSync(join(dir, 'g.zip'))).toBe(false);
    // A bundle that cannot be written (its folder is missing) says why, exit 1, no temp file left.
    const nowhere = await cli(
      'train',
      PENGUINS,
      '--target',
      'Species',
      '--skip-cv',
      '--out',
      join(dir, 'missing', 'm.zip'),
    );
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/cannot write .+m\.zip: its folder does not exist\./);
    expect(readdirSync(dir).sort()).toEqual(['keep.txt', 'sub.zip']);
  });
});
