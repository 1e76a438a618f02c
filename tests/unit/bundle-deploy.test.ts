// The bundle's deploy/ folder, checked on real bundles unzipped into a temp dir (with a
// node_modules link standing in for `npm install` there):
// - deploy/predict.mjs (hand-written step replay) gives the same predictions as src/core/inference
//   (≤ 1e-5) on every row of penguins / seattle-weather / cars with auto-prepare, and with two
//   recipes that together use every transform step kind Benchtop has; bad rows are refused the same;
// - deploy/server.mjs, started with plain node, answers /health, /predict (equal to
//   src/core/inference), 400, 413, and stops on SIGTERM;
// - deploy/k8s.yaml parses (the `yaml` package, YAML 1.2, any error refused)
//   into a Deployment, Service and HorizontalPodAutoscaler whose labels, ports and target match;
// - the Dockerfile, package.json and embed.html say what DESIGN.md §6 asks of them.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseAllDocuments } from 'yaml';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { transform } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundle, type Bundle } from '../../src/core/bundle';
import { DEPLOY_STEP_KINDS } from '../../src/core/bundle/deploy';
import { frameRow, type Frame } from '../../src/core/data/frame';
import { loadPredictor, type Prediction } from '../../src/core/inference';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { RECIPE_FORMAT, RECIPE_VERSION, type Recipe } from '../../src/core/recipe';
import { listSteps } from '../../src/core/steps';
import { DATA } from './bundle-helpers';
import { autoBundle, post, postHuge, recipeBundle, requestRows } from './serve-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

interface DeployPredictor {
  predictRows(
    rows: Record<string, unknown>[],
  ): Promise<{ predictions: Prediction[]; warnings: string[] }>;
  dispose(): void;
}
interface PredictModule {
  loadPredictor(
    tf: unknown,
    parts: { manifest: unknown; modelJson: unknown; weightData: ArrayBuffer },
  ): Promise<DeployPredictor>;
}

/** Unzips a bundle into a fresh temp dir, with node_modules linked as `npm install` would. */
function unzipTo(bundle: Bundle): string {
  const dir = mkdtempSync(join(tmpdir(), 'benchtop-deploy-'));
  for (const [path, bytes] of bundle.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** deploy/predict.mjs as shipped, imported from the unzipped bundle, on its own files. */
async function deployPredictor(dir: string): Promise<DeployPredictor> {
  const mod = (await import(
    /* @vite-ignore */ pathToFileURL(join(dir, 'deploy/predict.mjs')).href
  )) as PredictModule;
  const weights = readFileSync(join(dir, 'model/weights.bin'));
  return mod.loadPredictor(
    { ...tf, loadLayersModel: tfl.loadLayersModel },
    {
      manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
      modelJson: JSON.parse(readFileSync(join(dir, 'model/model.json'), 'utf8')),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    },
  );
}

function maxDiff(a: readonly Prediction[], b: readonly Prediction[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((p, i) => {
    const q = b[i];
    if ('value' in p && 'value' in q) worst = Math.max(worst, Math.abs(p.value - q.value));
    else if ('label' in p && 'label' in q) {
      expect(p.label).toBe(q.label);
      for (const k of Object.keys(q.probabilities))
        worst = Math.max(worst, Math.abs(p.probabilities[k] - q.probabilities[k]));
    } else throw new Error(`row ${i}: prediction kinds differ`);
  });
  return worst;
}

/** Every row of the data (target removed) plus rows with unseen categories and missing values. */
function rowsOf(frame: Frame, target: string): Record<string, unknown>[] {
  const rows = requestRows(
    Array.from({ length: frame.rows }, (_, i) => frameRow(frame, i)),
    target,
  );
  const odd = rows.slice(0, 5).map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const [k, v] of Object.entries(out)) {
      if (typeof v === 'string') out[k] = `${v} (unseen)`;
      else if (typeof v === 'number') out[k] = null;
    }
    return out;
  });
  return [...rows, ...odd];
}

/** Equal predictions from src/core/inference and deploy/predict.mjs, over whole files. */
async function compare(zip: Uint8Array, frame: Frame, target: string): Promise<number> {
  const bundle = await readBundle(zip);
  const dir = unzipTo(bundle);
  const ours = await loadPredictor(tf, bundle);
  const theirs = await deployPredictor(dir);
  try {
    const rows = rowsOf(frame, target);
    // Rows whose prepared values the model cannot use (no imputer for them) are refused by both.
    const usable: Record<string, unknown>[] = [];
    for (const row of rows) {
      const a = await ours.predictRows([row]).then(
        () => null,
        (e: Error) => e.message,
      );
      const b = await theirs.predictRows([row]).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(b).toBe(a);
      if (a === null) usable.push(row);
    }
    expect(usable.length).toBeGreaterThan(frame.rows * 0.9);
    const [a, b] = await Promise.all([ours.predictRows(usable), theirs.predictRows(usable)]);
    return maxDiff(b.predictions, a.predictions);
  } finally {
    ours.dispose();
    theirs.dispose();
  }
}

function recipe(
  target: string,
  task: Recipe['task'],
  steps: Recipe['steps'],
  model: object,
): Recipe {
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    target,
    task,
    roles: { ignored: [] },
    steps,
    model: model as Recipe['model'],
    seed: 7,
  };
}

// Cars: drop, casts both ways, ordinal, one-hot with an (other) bucket, date parts, mean
// imputation with an indicator, Yeo-Johnson, log1p, IQR clip, z-score flag, isolation forest,
// robust / min-max / standard scaling.
const CARS_RECIPE = recipe(
  'Miles_per_Gallon',
  'regression',
  [
    { kind: 'rows.drop-missing-target', params: { target: 'Miles_per_Gallon' } },
    { kind: 'columns.drop', params: { columns: ['Name'] } },
    { kind: 'type.cast', params: { column: 'Cylinders', to: 'categorical' } },
    { kind: 'encode.ordinal', params: { columns: ['Cylinders'] } },
    { kind: 'type.cast', params: { column: 'Origin', to: 'text' } },
    { kind: 'encode.onehot', params: { columns: ['Origin'], maxCategories: 2 } },
    {
      kind: 'date.parts',
      params: {
        columns: ['Year'],
        year: true,
        month: true,
        day: false,
        dayOfWeek: true,
        dayOfYear: true,
        dropOriginal: true,
      },
    },
    { kind: 'impute.mean', params: { columns: ['Horsepower'], indicator: true } },
    { kind: 'transform.yeo-johnson', params: { columns: ['Horsepower'], standardize: true } },
    {
      kind: 'transform.log',
      params: { columns: ['Displacement'], method: 'log1p', invalid: 'error' },
    },
    {
      kind: 'outliers.iqr',
      params: { columns: ['Acceleration'], factor: 1.5, action: 'clip' },
    },
    {
      kind: 'outliers.zscore',
      params: { columns: ['Weight_in_lbs'], threshold: 2, action: 'flag' },
    },
    {
      kind: 'outliers.isolation-forest',
      params: {
        columns: ['Displacement', 'Weight_in_lbs'],
        trees: 20,
        sampleSize: 64,
        flagColumn: 'odd',
      },
    },
    {
      kind: 'scale.robust',
      params: {
        columns: ['Acceleration'],
        withCentering: true,
        withScaling: true,
        quantileLow: 25,
        quantileHigh: 75,
      },
    },
    {
      kind: 'scale.minmax',
      params: { columns: ['Weight_in_lbs'], min: 0, max: 1, clip: true },
    },
    {
      kind: 'scale.standard',
      params: { columns: ['Displacement', 'Year_year'], withMean: true, withStd: true },
    },
  ],
  { kind: 'linear', params: {} },
);

// Penguins: constant-category / most-frequent / median / constant imputation, a number cast to
// text and back, mean imputation, one-hot, standard scaling.
const PENGUINS_RECIPE = recipe(
  'Species',
  'classification',
  [
    {
      kind: 'impute.constant-category',
      params: { columns: ['Sex'], indicator: true, value: 'unknown' },
    },
    { kind: 'impute.most-frequent', params: { columns: ['Island'], indicator: false } },
    { kind: 'impute.median', params: { columns: ['Body Mass (g)'], indicator: false } },
    {
      kind: 'impute.constant',
      params: { columns: ['Beak Length (mm)'], indicator: false, value: 44 },
    },
    { kind: 'type.cast', params: { column: 'Flipper Length (mm)', to: 'text' } },
    { kind: 'type.cast', params: { column: 'Flipper Length (mm)', to: 'number' } },
    {
      kind: 'impute.mean',
      params: { columns: ['Flipper Length (mm)', 'Beak Depth (mm)'], indicator: false },
    },
    { kind: 'encode.onehot', params: { columns: ['Island', 'Sex'], maxCategories: 20 } },
    {
      kind: 'scale.standard',
      params: {
        columns: ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'],
        withMean: true,
        withStd: true,
      },
    },
  ],
  { kind: 'logreg', params: {} },
);

describe('deploy/predict.mjs equals src/core/inference', () => {
  it('knows every transform step kind Benchtop has (and the recipes below use them all)', () => {
    const transforms = listSteps()
      .filter((s) => s.role === 'transform')
      .map((s) => s.kind)
      .sort();
    expect([...DEPLOY_STEP_KINDS].sort()).toEqual(transforms);
    const used = new Set([...CARS_RECIPE.steps, ...PENGUINS_RECIPE.steps].map((s) => s.kind));
    for (const kind of transforms) expect(used.has(kind), kind).toBe(true);
  });

  for (const [name, path, target] of [
    ['penguins (auto-prepare)', DATA.penguins, 'Species'],
    ['seattle-weather (auto-prepare: date parts)', DATA.weather, 'weather'],
    ['cars (auto-prepare, regression)', DATA.cars, 'Miles_per_Gallon'],
  ] as const) {
    it(name, async () => {
      const { zip, frame } = await autoBundle(tf, path, target, name);
      expect(await compare(zip, frame, target)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('cars with a recipe of twelve step kinds (regression)', async () => {
    const { zip, frame } = await recipeBundle(tf, DATA.cars, CARS_RECIPE, 'cars, every step');
    expect(await compare(zip, frame, 'Miles_per_Gallon')).toBeLessThanOrEqual(1e-5);
  });

  it('penguins with a recipe of the imputers, casts and one-hot (3 classes)', async () => {
    const { zip, frame } = await recipeBundle(
      tf,
      DATA.penguins,
      PENGUINS_RECIPE,
      'penguins, every imputer',
    );
    expect(await compare(zip, frame, 'Species')).toBeLessThanOrEqual(1e-5);
  });

  it('refuses the same bad rows with the same messages', async () => {
    const { zip, frame } = await autoBundle(tf, DATA.penguins, 'Species', 'penguins');
    const bundle = await readBundle(zip);
    const ours = await loadPredictor(tf, bundle);
    const theirs = await deployPredictor(unzipTo(bundle));
    const [row] = requestRows([frameRow(frame, 0)], 'Species');
    const { Island: _i, Sex: _s, ...partial } = row;
    try {
      for (const rows of [
        [partial],
        [row, { ...row, 'Body Mass (g)': 'heavy' }],
        [{ ...row, Sex: { value: 'MALE' } }],
        [row, 'a row'],
      ] as Record<string, unknown>[][]) {
        const a = await ours.predictRows(rows).catch((e: Error) => e.message);
        const b = await theirs.predictRows(rows).catch((e: Error) => e.message);
        expect(typeof a).toBe('string');
        expect(b).toBe(a);
      }
    } finally {
      ours.dispose();
      theirs.dispose();
    }
  });
});

describe('deploy/server.mjs from an unzipped bundle, with plain node', () => {
  it('answers /health and /predict like src/core/inference, 400 and 413, stops on SIGTERM', async () => {
    const { zip, frame } = await autoBundle(tf, DATA.penguins, 'Species', 'Penguin species');
    const bundle = await readBundle(zip);
    const dir = unzipTo(bundle);
    const child = spawn(
      process.execPath,
      ['deploy/server.mjs', '--port', '0', '--host', '127.0.0.1'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL: ${out} ${err}`)), 60_000);
        child.stdout.on('data', () => {
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', () => reject(new Error(`server exited: ${err}`)));
      });
      const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: 'ok',
        model: { name: 'Penguin species', version: '1.2.3' },
        task: 'classification',
        backend: 'wasm',
      });
      const rows = requestRows(
        Array.from({ length: 30 }, (_, i) => frameRow(frame, i * 11)),
        'Species',
      );
      const predictor = await loadPredictor(tf, bundle);
      const want = (await predictor.predictRows(rows)).predictions;
      predictor.dispose();
      const answers = await Promise.all(rows.map((row) => post(url, { rows: [row] })));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(
        maxDiff(
          answers.map((a) => (a.json.predictions as Prediction[])[0]),
          want,
        ),
      ).toBeLessThanOrEqual(1e-5);
      const bad = await post(url, { rows: [{ ...rows[0], 'Beak Depth (mm)': 'deep' }] });
      expect(bad).toEqual({
        status: 400,
        json: { error: `Column 'Beak Depth (mm)' should hold a number, but row 1 has "deep".` },
      });
      expect((await post(url, 'not json', true)).status).toBe(400);
      expect((await postHuge(url, 50 * 1024 * 1024)).status).toBe(413);
      expect((await postHuge(url, 50 * 1024 * 1024, { chunked: true })).status).toBe(413);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/other`)).status).toBe(404);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/POST \/predict 200 [\d.]+ms 1 row\n/);
      expect(out).toMatch(/stopped after \d+ requests\.\n$/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start on a changed model file', async () => {
    const { zip } = await autoBundle(tf, DATA.cars, 'Miles_per_Gallon', 'cars');
    const dir = unzipTo(await readBundle(zip));
    const weights = readFileSync(join(dir, 'model/weights.bin'));
    weights[0] ^= 1;
    writeFileSync(join(dir, 'model/weights.bin'), weights);
    const child = spawn(process.execPath, ['deploy/server.mjs', '--port', '0'], { cwd: dir });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toBe(
      'error: model/weights.bin does not match its hash in manifest.json: the bundle was changed after it was written. Unzip a fresh copy.\n',
    );
  });
});

// ---- YAML through the `yaml` package (a YAML 1.2 parser): every document, refusing any error ----

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

function parseYamlDocuments(text: string): Yaml[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`not YAML: ${doc.errors[0].message}`);
    return doc.toJS() as Yaml;
  });
}

type Obj = { [key: string]: Yaml };
const at = (v: Yaml, ...path: (string | number)[]): Yaml =>
  path.reduce<Yaml>((o, k) => (o as Obj | Yaml[])[k as never] as Yaml, v);

describe('deploy/ templates', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    const { zip } = await autoBundle(tf, DATA.penguins, 'Species', 'Penguin species (v2)');
    bundle = await readBundle(zip);
  });
  const text = (path: string) => new TextDecoder().decode(bundle.files.get(path)!);

  it('the YAML reader reads every document and refuses bad indentation', () => {
    expect(
      parseYamlDocuments('a: 1\nb:\n  - x: "y"\n    z: [1, "2"]\n  - 3\nc: true\n---\nd: ~\n'),
    ).toEqual([{ a: 1, b: [{ x: 'y', z: [1, '2'] }, 3], c: true }, { d: null }]);
    expect(() => parseYamlDocuments('a:\n  b: 1\n    c: 2\n')).toThrow(/not YAML/);
  });

  it('k8s.yaml: a Deployment, Service and HPA with matching labels, ports and probes', () => {
    const docs = parseYamlDocuments(text('deploy/k8s.yaml'));
    expect(docs.map((d) => at(d, 'kind'))).toEqual([
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
    ]);
    const [deployment, service, hpa] = docs;
    const name = 'penguin-species-v2';
    for (const d of docs) expect(at(d, 'metadata', 'name')).toBe(name);
    expect(at(deployment, 'apiVersion')).toBe('apps/v1');
    expect(at(service, 'apiVersion')).toBe('v1');
    expect(at(hpa, 'apiVersion')).toBe('autoscaling/v2');
    // The selector picks the pod template's labels; the Service selects the same pods.
    const selector = at(deployment, 'spec', 'selector', 'matchLabels') as Obj;
    const podLabels = at(deployment, 'spec', 'template', 'metadata', 'labels') as Obj;
    expect(selector['app.kubernetes.io/name']).toBe(name);
    for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
    expect(at(service, 'spec', 'selector')).toEqual(selector);
    const container = at(deployment, 'spec', 'template', 'spec', 'containers', 0) as Obj;
    const port = at(container, 'ports', 0) as Obj;
    expect(port).toEqual({ name: 'http', containerPort: 8080 });
    expect(at(service, 'spec', 'ports', 0, 'targetPort')).toBe('http');
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      expect(at(container, probe, 'httpGet')).toEqual({ path: '/health', port: 'http' });
    }
    expect(at(container, 'resources', 'requests')).toEqual({ cpu: '250m', memory: '256Mi' });
    expect(at(container, 'resources', 'limits')).toEqual({ cpu: '1', memory: '512Mi' });
    const env = Object.fromEntries(
      (at(container, 'env') as Obj[]).map((e) => [e.name as string, e.value]),
    );
    expect(env).toEqual({ PORT: '8080', HOST: '0.0.0.0', MAX_BODY: '10mb' });
    expect(at(hpa, 'spec', 'scaleTargetRef')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
    });
    expect(at(hpa, 'spec', 'metrics', 0, 'resource', 'name')).toBe('cpu');
    expect(at(hpa, 'spec', 'minReplicas')).toBe(2);
  });

  it('Dockerfile: node:20-slim, non-root, HEALTHCHECK on /health, exec-form CMD', () => {
    const d = text('deploy/Dockerfile');
    expect(d).toMatch(/^FROM node:20-slim$/m);
    expect(d).toMatch(/^USER node$/m);
    expect(d).toMatch(/^HEALTHCHECK .*\\\n\s+CMD node -e .*\/health/m);
    expect(d).toMatch(/^CMD \["node", "deploy\/server\.mjs"\]$/m);
    // Every file COPY names exists in the bundle.
    for (const m of d.matchAll(/^COPY (.+) (\S+)$/gm)) {
      for (const src of m[1].split(' ')) {
        const path = src.replace(/\/$/, '');
        expect(
          [...bundle.files.keys()].some((f) => f === path || f.startsWith(`${path}/`)),
          src,
        ).toBe(true);
      }
    }
    const pkg = JSON.parse(text('deploy/package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies).toEqual({
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-layers': '4.22.0',
      '@tensorflow/tfjs-backend-wasm': '4.22.0',
    });
  });

  it('embed.html: valid module script, tfjs from a local path unless the deployer picks a CDN', async () => {
    const html = text('deploy/embed.html');
    const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html)![1];
    await expect(transform(script, { loader: 'js', format: 'esm' })).resolves.toBeDefined();
    expect(script).toContain("const TFJS_URL = './tf.min.js';");
    expect(script).toContain("import { loadPredictor } from './predict.mjs';");
    expect(html).toContain('It reaches a CDN only if you point TFJS_URL at one');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).toContain('<title>Penguin species (v2) 1.2.3</title>');
  });
});
