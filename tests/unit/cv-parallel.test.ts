// The folds of `benchtop cv` / `train` on worker threads (src/cli/fold-pool.ts, fold-worker.ts)
// against the in-process path, on real data (penguins, breast_cancer, wine and cars as CSV in
// tests/fixtures/cv, vega-datasets' seattle-weather): the same results to the last bit (every
// fold's predictions, reports and curves, the pooled report; the --json output of cv and train),
// with samplers, an MLP, repeated and time-series splits; crossValidate's runFolds hook gets plain
// data only; fold progress and loss curves come back from the workers; errors are the same
// BenchtopError messages (the lowest failing fold's); a cancel stops the run and its workers; a
// worker that cannot start is a clear error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadJob, type CvOutput, type Job } from '../../src/cli/cv';
import { train } from '../../src/cli/train';
import { readZip } from '../../src/core/bundle/zip';
import { FoldPool } from '../../src/cli/fold-pool';
import { makeSchedule, shareFrame, stopFrom, takeFold } from '../../src/cli/fold-protocol';
import { bundledWorker, unchanged, type WorkerManifest } from '../../src/cli/worker-bundle';
import { fileSource, main } from '../../src/cli/main';
import { isNumericColumn } from '../../src/core/data/frame';
import { BenchtopError } from '../../src/core/errors';
import {
  crossValidate,
  resolveStages,
  samplerHook,
  tfTrainer,
  type CrossValidationResult,
  type CvProgress,
  type EpochReport,
} from '../../src/core/evaluate';
import {
  foldContext,
  runFold,
  type FoldRunPlan,
  type FoldStages,
} from '../../src/core/evaluate/cross-validate';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';

const PENGUINS = 'tests/fixtures/cv/penguins.csv';
const CANCER = 'tests/fixtures/cv/breast_cancer.csv';
const WINE = 'tests/fixtures/cv/wine.csv';
const CARS = 'tests/fixtures/cv/cars.csv';
const WEATHER = 'node_modules/vega-datasets/data/seattle-weather.csv';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

/** `--json` output without the wall time (the one field that may differ). */
async function cvJson(...args: string[]): Promise<Omit<CvOutput, 'seconds'>> {
  const r = await cli('cv', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const { seconds: _seconds, ...rest } = JSON.parse(r.stdout) as CvOutput;
  return rest;
}

/** A job from a real file, its stages, and the in-process model and sampler. */
async function setup(args: Record<string, string>) {
  const job: Job = await loadJob({ data: args.data, ...args }, fileSource);
  const stages = resolveStages(job.frame, job.recipe, job.overrides);
  const local: FoldStages = {
    trainer: tfTrainer(tf, stages.model),
    ...(stages.sampler ? { resample: samplerHook(stages.sampler, tf) } : {}),
  };
  const cvOptions = {
    ...local,
    validation: stages.validation,
    ...(job.positive !== undefined ? { positive: job.positive } : {}),
  };
  return { job, stages, local, cvOptions };
}

/** Everything crossValidate returns, typed arrays as plain arrays (NaN kept as 'NaN'). */
function plain(r: CrossValidationResult): unknown {
  return JSON.parse(
    JSON.stringify(r, (_k, v: unknown) =>
      ArrayBuffer.isView(v)
        ? Array.from(v as Float64Array, (x) => (Number.isNaN(x) ? 'NaN' : x))
        : typeof v === 'number' && Number.isNaN(v)
          ? 'NaN'
          : v,
    ),
  );
}

describe('folds on worker threads: the same results as in process', () => {
  it.each([
    ['penguins, 3 classes', { data: PENGUINS, target: 'Species' }],
    ['breast_cancer, repeated 3 x 2', { data: CANCER, target: 'target', folds: '3', repeats: '2' }],
    ['wine, MLP', { data: WINE, target: 'target', model: 'mlp', folds: '3' }],
    ['seattle-weather, SMOTE', { data: WEATHER, target: 'weather', sampler: 'smote', folds: '3' }],
    ['cars, linear regression', { data: CARS, target: 'Miles_per_Gallon' }],
  ])('%s: every fold, prediction, curve and pooled score to the last bit', async (_name, args) => {
    const { job, stages, local, cvOptions } = await setup(args);
    const here = await crossValidate(job.frame, job.recipe, cvOptions);
    // Two workers and this thread: folds land on three isolates in an order set by timing.
    const pool = new FoldPool(2, 'wasm');
    try {
      const there = await crossValidate(job.frame, job.recipe, {
        ...cvOptions,
        runFolds: pool.runner({ model: stages.model, sampler: stages.sampler }, local),
      });
      expect(plain(there)).toEqual(plain(here));
      // Workers only: nothing of the result comes from this thread.
      const workersOnly = await crossValidate(job.frame, job.recipe, {
        ...cvOptions,
        runFolds: pool.runner({ model: stages.model, sampler: stages.sampler }),
      });
      expect(plain(workersOnly)).toEqual(plain(here));
    } finally {
      await pool.close();
    }
    expect(pool.liveWorkers).toBe(0);
  });

  it('the TypeScript worker through tsx (no bundle) gives the same results too', async () => {
    const { job, stages, cvOptions } = await setup({ data: PENGUINS, target: 'Species' });
    const here = await crossValidate(job.frame, job.recipe, cvOptions);
    const pool = new FoldPool(1, 'wasm', { bundled: false });
    try {
      const there = await crossValidate(job.frame, job.recipe, {
        ...cvOptions,
        runFolds: pool.runner({ model: stages.model, sampler: stages.sampler }),
      });
      expect(plain(there)).toEqual(plain(here));
    } finally {
      await pool.close();
    }
  });

  it("the worker's bundle lists every source it holds, so editing one rebuilds it", async () => {
    const url = await bundledWorker(new URL('../../src/cli/fold-worker.ts', import.meta.url));
    expect(url).not.toBeNull();
    const manifest = JSON.parse(readFileSync(new URL(`${url!.href}.json`), 'utf8')) as {
      inputs: Record<string, { size: number; mtimeMs: number }>;
    };
    const inputs = Object.keys(manifest.inputs);
    for (const source of [
      'src/cli/fold-worker.ts',
      'src/core/evaluate/cross-validate.ts',
      'src/core/metrics/report.ts',
      'src/core/models/logreg.ts',
    ]) {
      expect(inputs).toContain(source);
    }
    expect(inputs.some((p) => p.includes('@tensorflow/tfjs-backend-wasm'))).toBe(true);
    // Current as built; an edit of any listed source (its size or mtime), a deleted source, or
    // another build key makes it stale, so the next run rebuilds it.
    const m = JSON.parse(readFileSync(new URL(`${url!.href}.json`), 'utf8')) as WorkerManifest;
    expect(unchanged(m, m.key)).toBe(true);
    const edited = (change: (e: { size: number; mtimeMs: number }) => void): WorkerManifest => {
      const copy = structuredClone(m);
      change(copy.inputs['src/core/metrics/report.ts']);
      return copy;
    };
    expect(
      unchanged(
        edited((e) => (e.mtimeMs += 1)),
        m.key,
      ),
    ).toBe(false);
    expect(
      unchanged(
        edited((e) => (e.size += 1)),
        m.key,
      ),
    ).toBe(false);
    const gone = structuredClone(m);
    gone.inputs['src/core/metrics/no-such-file.ts'] = { size: 1, mtimeMs: 1 };
    expect(unchanged(gone, m.key)).toBe(false);
    expect(unchanged(m, 'another-key')).toBe(false);
  });

  it('cv --json and train --json: --jobs 3 prints what --jobs 1 prints', async () => {
    const one = await cvJson(PENGUINS, '--target', 'Species', '--jobs', '1');
    const three = await cvJson(PENGUINS, '--target', 'Species', '--jobs', '3');
    expect(three).toEqual(one);
    const time = await cvJson(WEATHER, '--target', 'weather', '--date', 'date', '--jobs', '1');
    expect(await cvJson(WEATHER, '--target', 'weather', '--date', 'date', '--jobs', '3')).toEqual(
      time,
    );
    // train: the same metrics in the bundle and the same weights, byte for byte.
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-jobs-'));
    const trained = [];
    for (const jobs of ['1', '3']) {
      const out = join(dir, `m${jobs}.benchtop.zip`);
      const o = await train(
        { data: CANCER, target: 'target', out, jobs },
        fileSource,
        () => 0,
        () => new Date('2024-01-01T00:00:00Z'),
      );
      expect(o.cvFolds).toBe(5);
      const files = readZip(readFileSync(out));
      const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as {
        metrics: unknown;
      };
      trained.push({
        metrics: o.metrics,
        manifest: manifest.metrics,
        weights: files.get('model/weights.bin'),
        // Layers are named explicitly, so model.json does not depend on what ran before.
        modelJson: new TextDecoder().decode(files.get('model/model.json')),
      });
    }
    expect(trained[0].weights!.length).toBeGreaterThan(100);
    expect(trained[1]).toEqual(trained[0]);
  });
});

describe('the runFolds hook', () => {
  it('gets plain data only: the plan survives structuredClone, and runFold on the clone agrees', async () => {
    const { job, local, cvOptions } = await setup({ data: PENGUINS, target: 'Species' });
    const here = await crossValidate(job.frame, job.recipe, cvOptions);
    let seen: FoldRunPlan | null = null;
    const cloned = await crossValidate(job.frame, job.recipe, {
      ...cvOptions,
      runFolds: async (plan) => {
        seen = plan;
        const copy = structuredClone(plan);
        const ctx = foldContext(copy);
        return Promise.all(copy.folds.map((_, f) => runFold(ctx, f, local)));
      },
    });
    expect(plain(cloned)).toEqual(plain(here));
    expect(seen!.folds).toHaveLength(5);
    expect(seen!.target).toBe('Species');
    expect(seen!.mapping!.labels).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('the shared schedule hands each fold out once, in order, and stops at the first failure', () => {
    const s = makeSchedule(5);
    expect([takeFold(s), takeFold(s)]).toEqual([0, 1]);
    stopFrom(s, 3); // fold 3 failed: 4 is never started, 2 still is
    stopFrom(s, 4); // a later failure does not raise the stop
    expect([takeFold(s), takeFold(s), takeFold(s)]).toEqual([2, null, null]);
    stopFrom(s, 0);
    expect(takeFold(makeSchedule(0))).toBeNull();
  });

  it("the frame crosses once, over shared memory, with the original's values", async () => {
    const { job } = await setup({ data: PENGUINS, target: 'Species' });
    const shared = shareFrame(job.frame);
    expect(shareFrame(job.frame)).toBe(shared);
    expect(shared.columns.map((c) => c.name)).toEqual(job.frame.columns.map((c) => c.name));
    shared.columns.forEach((c, i) => {
      const original = job.frame.columns[i];
      const a = isNumericColumn(c) ? c.values : c.codes;
      const b = isNumericColumn(original) ? original.values : original.codes;
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(a)).toEqual(Array.from(b));
    });
  });

  it('progress and loss curves come back from the workers, per fold', async () => {
    const { job, stages, local, cvOptions } = await setup({ data: WINE, target: 'target' });
    const record = () => {
      const progress: CvProgress[] = [];
      const epochs = new Map<number, EpochReport[]>();
      return {
        progress,
        epochs,
        hooks: {
          onProgress: (p: CvProgress) => progress.push(p),
          onEpoch: (fold: number, r: EpochReport) =>
            epochs.set(fold, [...(epochs.get(fold) ?? []), r]),
        },
      };
    };
    const here = record();
    await crossValidate(job.frame, job.recipe, { ...cvOptions, ...here.hooks });
    const there = record();
    const pool = new FoldPool(2, 'wasm');
    try {
      await crossValidate(job.frame, job.recipe, {
        ...cvOptions,
        ...there.hooks,
        runFolds: pool.runner({ model: stages.model, sampler: stages.sampler }, local),
      });
    } finally {
      await pool.close();
    }
    // Each fold's loss curve, epoch by epoch, as in process.
    expect(there.epochs.size).toBe(5);
    for (let fold = 1; fold <= 5; fold++) {
      expect(there.epochs.get(fold)!.length).toBeGreaterThan(1);
      expect(there.epochs.get(fold)).toEqual(here.epochs.get(fold));
    }
    // 'split' first, 'done' last, every fold's stages in order in between (folds interleave).
    expect(there.progress[0].stage).toBe('split');
    expect(there.progress.at(-1)).toEqual({ stage: 'done', fold: 5, folds: 5 });
    for (let fold = 1; fold <= 5; fold++) {
      expect(there.progress.filter((p) => p.fold === fold && p.stage !== 'done')).toEqual(
        ['prepare', 'train', 'score'].map((stage) => ({ stage, fold, folds: 5 })),
      );
    }
  });
});

describe('errors and cancelling with workers', () => {
  it('a failing fold is the same message as in process: the lowest fold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-jobs-'));
    const recipe = join(dir, 'r.json');
    // No imputation: penguins' missing measurements reach the model in every fold.
    writeFileSync(
      recipe,
      JSON.stringify({
        format: 'benchtop.recipe',
        version: 1,
        target: 'Species',
        task: 'classification',
        roles: { ignored: ['Island', 'Sex'] },
        steps: [{ kind: 'scale.standard', params: { columns: ['Beak Length (mm)'] } }],
        seed: 0,
      }),
    );
    const one = await cli('cv', PENGUINS, '--recipe', recipe, '--jobs', '1');
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/^error: Fold 1 of 5 \(building the training matrix\): Column /);
    for (let i = 0; i < 3; i++) {
      expect(await cli('cv', PENGUINS, '--recipe', recipe, '--jobs', '3')).toEqual(one);
    }
  });

  it('bad input before the folds: the same exit code and message as in process', async () => {
    const cases = [
      [WEATHER, '--target', 'weather', '--drop', 'date,precipitation,temp_max,temp_min,wind'],
      [WEATHER, '--target', 'weather', '--folds', '30'],
      [PENGUINS, '--target', 'Species', '--group', 'Island'],
      [CARS, '--target', 'Miles_per_Gallon', '--model', 'logreg'],
    ];
    for (const args of cases) {
      const one = await cli('cv', ...args, '--jobs', '1');
      expect(one.code).not.toBe(0);
      expect(one.stderr).toMatch(/^error: /);
      expect(await cli('cv', ...args, '--jobs', '3')).toEqual(one);
    }
  });

  it('a cancel ends the run with the cancelled error and terminates the workers', async () => {
    const { job, stages, local, cvOptions } = await setup({
      data: WEATHER,
      target: 'weather',
      folds: '10',
    });
    const pool = new FoldPool(2, 'wasm');
    const scored = new Set<number>();
    let cancel = false;
    const run = crossValidate(job.frame, job.recipe, {
      ...cvOptions,
      onProgress: (p) => {
        if (p.stage === 'train') cancel = true;
        if (p.stage === 'score') scored.add(p.fold);
      },
      isCancelled: () => cancel,
      runFolds: pool.runner({ model: stages.model, sampler: stages.sampler }, local),
    });
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BenchtopError);
    expect((err as BenchtopError).code).toBe('cancelled');
    // The stage that noticed words it ("The cross-validation was ...", "Training was ...").
    expect((err as BenchtopError).message).toMatch(/ was cancelled\. Nothing was stored\.$/);
    expect(scored.size).toBeLessThan(10);
    await pool.close();
    expect(pool.liveWorkers).toBe(0);
  });

  it('a worker that cannot start its backend is a clear error, not a hang', async () => {
    const { job, stages, cvOptions } = await setup({ data: PENGUINS, target: 'Species' });
    const pool = new FoldPool(1, 'webgpu');
    try {
      await expect(
        crossValidate(job.frame, job.recipe, {
          ...cvOptions,
          runFolds: pool.runner({ model: stages.model, sampler: stages.sampler }),
        }),
      ).rejects.toThrow(
        /^A fold worker stopped: it could not start tfjs \(the webgpu backend did not start .+\)\. Run with --jobs 1 to cross-validate in this process\.$/,
      );
    } finally {
      await pool.close();
    }
  });

  it('--jobs must be a whole number from 1', async () => {
    const r = await cli('cv', PENGUINS, '--target', 'Species', '--jobs', '0');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: cv: --jobs must be a whole number from 1 to 1024 (got '0').\n",
    });
  });
});
