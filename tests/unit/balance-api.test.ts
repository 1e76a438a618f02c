// The data worker's class-balance API (classBalance, previewSampler, cancel), one test body over
// two transports: in-process, and through comlink over a MessageChannel (which catches anything
// that is not cloneable: previews with typed arrays, errors, progress). Storage is the real Dexie
// store on fake-indexeddb; the data are vega-datasets' seattle-weather.csv (weather: snow 26,
// drizzle 53, fog 101, sun 640, rain 641) and tests/fixtures/cv/penguins.csv (categorical Island and
// Sex, missing measurements), imported through the data API as the app does it. Expected values
// are recomputed independently from the stored bytes with the core functions the preview builds
// on (fitRecipeSync, resample, fitPca2), plus hand counts.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { tableFromIPC } from 'apache-arrow';
import { createDataApi, type DatasetMeta } from '../../src/core/api/data-api';
import {
  allocatePoints,
  createBalanceApi,
  ORIGINAL_POINT,
  REMOVED_POINT,
  SCATTER_POINTS,
  SYNTHETIC_POINT,
  type BalanceProgress,
  type SamplerPreview,
} from '../../src/core/api/balance-api';
import {
  findColumn,
  frameFromTable,
  type Frame,
  type NumericFrameColumn,
} from '../../src/core/data/frame';
import { foldSeed } from '../../src/core/evaluate/cross-validate';
import { autoRecipe, fitRecipeSync, type Recipe } from '../../src/core/recipe';
import { bytesSource } from '../../src/core/ingest/index';
import { resample, SYNTHETIC } from '../../src/core/resample';
import { fitPca2, projectPca2 } from '../../src/core/resample/pca';
import { createDexieDatasetStore, openBenchtopDb, type BenchtopDB } from '../../src/db';
import type { DataWorkerFullApi } from '../../workers/data.worker';
import { openDataWorker, WEATHER } from './data-worker-setup';
import { expectUserError, inProcess, overComlink, rejection, type Transport } from './transports';

const PENGUINS = readFileSync('tests/fixtures/cv/penguins.csv');
/** seattle-weather's classes in sorted order, counted by hand (pandas value_counts agrees). */
const WEATHER_COUNTS = { drizzle: 53, fog: 101, rain: 641, snow: 26, sun: 640 };

function sortedPairs(x: ArrayLike<number>, y: ArrayLike<number>): string[] {
  return Array.from(x, (v, i) => `${v.toFixed(9)},${y[i].toFixed(9)}`).sort();
}

for (const make of [inProcess, overComlink]) {
  describe(`class-balance API (${make.name})`, () => {
    let db: BenchtopDB;
    let t: Transport<DataWorkerFullApi>;
    let weather: DatasetMeta;

    beforeEach(async () => {
      ({ db, t, weather } = await openDataWorker(make, 'balance'));
    });
    afterEach(() => {
      t.close();
      db.close();
    });

    /** The stored data, decoded as the worker decodes it. */
    async function stored(meta: DatasetMeta): Promise<Frame> {
      const bytes = (await db.datasetBytes.get(meta.id))!.bytes;
      return frameFromTable(tableFromIPC(bytes), meta.schema);
    }

    async function weatherRecipe(sampler: Recipe['sampler']): Promise<Recipe> {
      const recipe = await t.api.autoRecipe(weather.id, 'weather');
      return { ...recipe, sampler };
    }

    it('counts the target classes in the stored data, in the samplers’ class order', async () => {
      const balance = await t.api.classBalance(weather.id, 'weather');
      expect(balance).toEqual({
        target: 'weather',
        rows: 1461,
        missing: 0,
        classes: Object.entries(WEATHER_COUNTS).map(([label, count]) => ({ label, count })),
      });
      expectUserError(
        await rejection(t.api.classBalance(weather.id, 'temp_max')),
        'invalid-argument',
        /^The target column 'temp_max' holds 12\.8 \(row 1\), which is not a class label/,
      );
      expectUserError(
        await rejection(t.api.classBalance(weather.id, 'nope')),
        'invalid-argument',
        /^There is no column 'nope' in this dataset/,
      );
      expectUserError(
        await rejection(t.api.classBalance('gone', 'weather')),
        'not-found',
        /is not in this browser's storage any more/,
      );
    });

    it('previews SMOTE on the auto-prepared data: every class at 641, synthetic rows in PCA space', async () => {
      const recipe = await weatherRecipe({ kind: 'smote', params: { kNeighbors: 5 } });
      const progress: BalanceProgress[] = [];
      const p = await t.api.previewSampler(
        'smote',
        weather.id,
        recipe,
        { kind: 'pca' },
        t.callback((x: BalanceProgress) => void progress.push(x)),
      );
      expect(p.classes).toEqual(
        Object.entries(WEATHER_COUNTS).map(([label, before]) => ({ label, before, after: 641 })),
      );
      expect(p).toMatchObject({
        target: 'weather',
        seed: foldSeed(0, -1),
        sampler: { kind: 'smote', params: { kNeighbors: 5, samplingStrategy: 'auto' } },
        title: 'SMOTE',
        family: 'over',
        rows: { before: 1461, after: 5 * 641 },
        synthetic: 5 * 641 - 1461,
        repeated: 0,
        removed: 0,
        classWeights: null,
        scatterNote: null,
      });
      // The same resampling, computed here from the stored bytes with the final model's seed.
      const prepared = fitRecipeSync(await stored(weather), recipe).frame;
      const expected = resample(prepared, recipe.sampler, {
        target: 'weather',
        seed: foldSeed(recipe.seed, -1),
      });
      expect(p.classes).toEqual(expected.classes);
      expect(p.features).toEqual(
        prepared.columns.filter((c) => c.name !== 'weather').map((c) => c.name),
      );

      // 2-D view: 3,205 rows fit in the 5,000-point budget, so every row is drawn, and the groups
      // count every class's originals and synthetic rows exactly.
      const s = p.scatter!;
      expect(s.x.length).toBe(3205);
      expect(s.groups.every((g) => g.shown === g.total)).toBe(true);
      const total = (kind: string) =>
        s.groups.filter((g) => g.kind === kind).reduce((a, g) => a + g.total, 0);
      expect(total('original')).toBe(1461);
      expect(total('synthetic')).toBe(1744);
      expect(s.groups.find((g) => g.label === 'snow' && g.kind === 'synthetic')?.total).toBe(615);
      expect(s.groups.some((g) => g.label === 'rain' && g.kind === 'synthetic')).toBe(false);
      // Components fitted on the original rows only; synthetic rows projected with the same ones.
      const names = p.features;
      const d = names.length;
      const matrix = (frame: Frame, rows: number[]) => {
        const out = new Float64Array(rows.length * d);
        names.forEach((name, f) => {
          const v = (findColumn(frame, name) as NumericFrameColumn).values;
          rows.forEach((r, i) => (out[i * d + f] = v[r]));
        });
        return out;
      };
      const all = Array.from({ length: 1461 }, (_, i) => i);
      const pca = fitPca2(matrix(prepared, all), 1461, d);
      expect(s.pca!.fittedRows).toBe(1461);
      s.pca!.components.forEach((v, i) => expect(v).toBeCloseTo(pca.components[i], 9));
      expect(s.xLabel).toBe(`PC1 (${(pca.ratio[0] * 100).toFixed(1)}% of the variance)`);
      const synthRows = Array.from(expected.origin.keys()).filter(
        (r) => expected.origin[r] === SYNTHETIC,
      );
      const proj = projectPca2(pca, matrix(expected.frame, synthRows), synthRows.length);
      const drawn = (kind: number) => {
        const idx = Array.from(s.kind.keys()).filter((i) => s.kind[i] === kind);
        return sortedPairs(
          idx.map((i) => s.x[i]),
          idx.map((i) => s.y[i]),
        );
      };
      expect(drawn(SYNTHETIC_POINT)).toEqual(sortedPairs(proj.x, proj.y));
      const orig = projectPca2(pca, matrix(prepared, all), 1461);
      expect(drawn(ORIGINAL_POINT)).toEqual(sortedPairs(orig.x, orig.y));
      // Synthetic rows are drawn last (on top), and each point has its class.
      expect(s.kind[s.kind.length - 1]).toBe(SYNTHETIC_POINT);
      expect(s.labels).toEqual(Object.keys(WEATHER_COUNTS));
      const snow = s.labels.indexOf('snow');
      expect(Array.from(s.cls).filter((c) => c === snow)).toHaveLength(641);

      // Progress: loading, each step, the sampler's phases, projecting.
      await expect.poll(() => progress.some((x) => x.phase === 'projecting')).toBe(true);
      const phases = [...new Set(progress.map((x) => x.phase))];
      expect(phases).toEqual(['loading', 'fitting', 'resampling', 'projecting']);
      expect(progress.filter((x) => x.phase === 'fitting').map((x) => x.done)).toEqual([
        ...recipe.steps.keys(),
        recipe.steps.length,
      ]);
      expect(progress.some((x) => x.detail?.includes("26 'snow' rows"))).toBe(true);
      const fractions = progress.filter((x) => x.phase === 'resampling').map((x) => x.fraction!);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(fractions.at(-1)).toBe(1);
    });

    it('draws two chosen features as prepared; an axis that is not a feature is said, not thrown', async () => {
      const recipe = await weatherRecipe({ kind: 'smote', params: { kNeighbors: 3 } });
      const view = { kind: 'features' as const, x: 'temp_max', y: 'wind' };
      const p = await t.api.previewSampler('f1', weather.id, recipe, view);
      const s = p.scatter!;
      expect(s).toMatchObject({ xLabel: 'temp_max', yLabel: 'wind', pca: null, view });
      const prepared = fitRecipeSync(await stored(weather), recipe).frame;
      const tx = (findColumn(prepared, 'temp_max') as NumericFrameColumn).values;
      const wy = (findColumn(prepared, 'wind') as NumericFrameColumn).values;
      const idx = Array.from(s.kind.keys()).filter((i) => s.kind[i] === ORIGINAL_POINT);
      expect(
        sortedPairs(
          idx.map((i) => s.x[i]),
          idx.map((i) => s.y[i]),
        ),
      ).toEqual(sortedPairs(tx, wy));
      // A synthetic point lies within its class's range on each axis (it is between two rows).
      const min = Math.min(...tx);
      const max = Math.max(...tx);
      for (let i = 0; i < s.x.length; i++) {
        expect(s.x[i]).toBeGreaterThanOrEqual(min);
        expect(s.x[i]).toBeLessThanOrEqual(max);
      }
      const gone = await t.api.previewSampler('f2', weather.id, recipe, {
        kind: 'features',
        x: 'temp_max',
        y: 'date',
      });
      expect(gone.scatter).toBeNull();
      expect(gone.scatterNote).toMatch(
        /^'date' is not a numeric feature after the recipe's steps\. Choose among: 'date_year'/,
      );
      expect(gone.classes.every((c) => c.after === 641)).toBe(true);
    });

    it('random under-sampling: every class at 26, the removed rows drawn apart and counted', async () => {
      const p = await t.api.previewSampler(
        'u1',
        weather.id,
        await weatherRecipe({ kind: 'random-under', params: {} }),
      );
      expect(p.classes.map((c) => c.after)).toEqual([26, 26, 26, 26, 26]);
      expect(p).toMatchObject({
        rows: { before: 1461, after: 130 },
        synthetic: 0,
        removed: 1331,
        family: 'under',
      });
      const s = p.scatter!;
      const removed = s.groups.filter((g) => g.kind === 'removed');
      expect(removed.reduce((a, g) => a + g.total, 0)).toBe(1331);
      expect(s.groups.find((g) => g.label === 'rain' && g.kind === 'removed')?.total).toBe(615);
      expect(s.groups.find((g) => g.label === 'snow' && g.kind === 'removed')).toBeUndefined();
      expect(Array.from(s.kind).filter((k) => k === REMOVED_POINT)).toHaveLength(1331);
    });

    it('class weights: the rows stay, the balanced weight per class comes back', async () => {
      const p = await t.api.previewSampler(
        'w1',
        weather.id,
        await weatherRecipe({ kind: 'class-weights', params: {} }),
      );
      expect(p.classes.every((c) => c.after === c.before)).toBe(true);
      expect(p.family).toBe('weights');
      // scikit-learn's compute_class_weight('balanced'): n / (classes × count).
      for (const [label, count] of Object.entries(WEATHER_COUNTS)) {
        expect(p.classWeights![label]).toBeCloseTo(1461 / (5 * count), 12);
      }
      expect(p.notes[0]).toMatch(/^Class weights for the model: 'drizzle' 5\.513/);
      expect(p.scatter!.groups.every((g) => g.kind === 'original')).toBe(true);
    });

    it('no sampler: the prepared balance and the 2-D view of the rows as they are', async () => {
      const p = await t.api.previewSampler('n1', weather.id, await weatherRecipe(null));
      expect(p.sampler).toBeNull();
      expect(p.classes.map((c) => [c.before, c.after])).toEqual(
        Object.values(WEATHER_COUNTS).map((n) => [n, n]),
      );
      expect(p.scatter!.x.length).toBe(1461);
    });

    it('bad settings and data the sampler cannot use come back as the sampler’s own messages', async () => {
      // k larger than the smallest class (snow: 26 rows).
      expectUserError(
        await rejection(
          t.api.previewSampler(
            'e1',
            weather.id,
            await weatherRecipe({ kind: 'smote', params: { kNeighbors: 26 } }),
          ),
        ),
        'invalid-argument',
        /^Class 'snow' has 26 rows, but SMOTE with kNeighbors = 26 needs more than 26 rows .* Lower 'kNeighbors' to 25 or less, or use random over-sampling/,
      );
      // A setting out of range is refused before anything runs.
      expectUserError(
        await rejection(
          t.api.previewSampler(
            'e2',
            weather.id,
            await weatherRecipe({ kind: 'smote', params: { kNeighbors: 0 } }),
          ),
        ),
        'invalid-argument',
        /SMOTE: 'kNeighbors' must be between 1 and 1000 \(it is 0\)/,
      );
      // Without the recipe's steps, the date column reaches SMOTE.
      const bare = { ...(await weatherRecipe({ kind: 'smote', params: {} })), steps: [] };
      expectUserError(
        await rejection(t.api.previewSampler('e3', weather.id, bare)),
        'invalid-argument',
        /^Column 'date' holds dates; SMOTE works on numbers\. Turn it into numbers first with the 'Date: parts' step/,
      );
      expectUserError(
        await rejection(
          t.api.previewSampler('e4', weather.id, { ...bare, target: null, sampler: null }),
        ),
        'invalid-argument',
        /^Choose the target column first/,
      );
      expectUserError(
        await rejection(
          t.api.previewSampler('e5', weather.id, {
            ...bare,
            target: 'temp_max',
            task: 'regression',
            sampler: null,
          }),
        ),
        'invalid-argument',
        /^'temp_max' is a regression target: class balance and resampling are for classification/,
      );
    });

    it('penguins: categorical columns refused by SMOTE (use SMOTE-NC), missing values named', async () => {
      const penguins = await t.api.importFile('penguins', new File([PENGUINS], 'penguins.csv'), {
        fileName: 'penguins.csv',
      });
      const numeric = [
        'Beak Length (mm)',
        'Beak Depth (mm)',
        'Flipper Length (mm)',
        'Body Mass (g)',
      ];
      const base: Recipe = {
        ...(await t.api.autoRecipe(penguins.id, 'Species')),
        steps: [{ kind: 'rows.drop-missing-target', params: { target: 'Species' } }],
      };
      expectUserError(
        await rejection(
          t.api.previewSampler('p1', penguins.id, {
            ...base,
            sampler: { kind: 'smote', params: {} },
          }),
        ),
        'invalid-argument',
        /^Column 'Island' is categorical; SMOTE works on numeric features only\. Use SMOTE-NC/,
      );
      const noCategories: Recipe = { ...base, roles: { ignored: ['Island', 'Sex'] } };
      expectUserError(
        await rejection(
          t.api.previewSampler('p2', penguins.id, {
            ...noCategories,
            sampler: { kind: 'smote', params: {} },
          }),
        ),
        'invalid-argument',
        /^Column 'Beak Length \(mm\)' has 2 missing values; SMOTE measures distances between rows and cannot use them\. Add an imputation step such as 'Impute: median'/,
      );
      // Imputed and left categorical: SMOTE-NC grows Chinstrap (68) and Gentoo (124) to 152.
      const imputed: Recipe = {
        ...base,
        steps: [
          ...base.steps,
          { kind: 'impute.median', params: { columns: numeric, indicator: false } },
          {
            kind: 'impute.most-frequent',
            params: { columns: ['Island', 'Sex'], indicator: false },
          },
          { kind: 'scale.standard', params: { columns: numeric } },
        ],
        sampler: { kind: 'smote-nc', params: {} },
      };
      const p: SamplerPreview = await t.api.previewSampler('p3', penguins.id, imputed);
      expect(p.classes).toEqual([
        { label: 'Adelie', before: 152, after: 152 },
        { label: 'Chinstrap', before: 68, after: 152 },
        { label: 'Gentoo', before: 124, after: 152 },
      ]);
      expect(p.synthetic).toBe(84 + 28);
      // PCA on the numeric features only (the categorical ones stay out of the view).
      expect(p.features).toEqual(numeric);
      expect(p.scatter!.pca!.columns).toEqual(numeric);
    });

    it('cancel stops a preview; the same job id runs again afterwards', async () => {
      const recipe = await weatherRecipe({ kind: 'smote', params: {} });
      await t.api.cancel('c1');
      expectUserError(
        await rejection(t.api.previewSampler('c1', weather.id, recipe)),
        'cancelled',
        /^The balance preview was cancelled\.$/,
      );
      expect((await t.api.previewSampler('c1', weather.id, recipe)).synthetic).toBe(1744);
    });

    // In-process only: the progress callback then runs inside the sampler's synchronous loop, as
    // the page's click handler would run beside it in the browser, with the flag shared memory.
    if (make === inProcess) {
      it('a shared cancel flag stops the sampler between blocks of its neighbour search', async () => {
        const recipe = await weatherRecipe({ kind: 'smote', params: { kNeighbors: 2 } });
        const flag = new Int32Array(new SharedArrayBuffer(4));
        const seen: BalanceProgress[] = [];
        const err = await rejection(
          t.api.previewSampler(
            'c2',
            weather.id,
            recipe,
            { kind: 'pca' },
            (p) => {
              seen.push(p);
              if (p.phase === 'resampling' && (p.fraction ?? 0) > 0) Atomics.store(flag, 0, 1);
            },
            flag,
          ),
        );
        expectUserError(err, 'cancelled', /^The balance preview was cancelled\.$/);
        // It stopped inside the sampler: resampling had started but never reached its end.
        expect(seen.some((p) => p.phase === 'resampling' && p.detail)).toBe(true);
        expect(seen.some((p) => p.phase === 'projecting')).toBe(false);
        expect(seen.filter((p) => p.phase === 'resampling').at(-1)!.fraction).toBeLessThan(1);
      });
    }
  });
}

describe('the 2-D view beyond its bounds (limits lowered on seattle-weather)', () => {
  it('draws small groups whole and a seeded sample of the rest; counts stay exact', async () => {
    const db = openBenchtopDb('balance-limits', { indexedDB: new IDBFactory(), IDBKeyRange });
    const deps = { store: createDexieDatasetStore(db), now: () => 0, newId: () => 'weather' };
    const meta = await createDataApi(deps).importData(
      'import',
      bytesSource('seattle-weather.csv', new Uint8Array(WEATHER)),
    );
    // 9 prepared features: 300 × 9² = 24,300, so the components are fitted on 300 rows.
    const api = createBalanceApi(deps, { scatterPoints: 500, pcaFitWork: 24_300, pcaMinRows: 300 });
    const recipe = {
      ...autoRecipe(meta.schema, meta.profile, 'weather'),
      sampler: { kind: 'smote', params: {} },
    };
    const p = await api.previewSampler('l1', meta.id, recipe);
    const s = p.scatter!;
    expect(s.x.length).toBe(500);
    const group = (label: string, kind: string) =>
      s.groups.find((g) => g.label === label && g.kind === kind)!;
    // Exact counts whatever is drawn.
    expect(s.groups.reduce((a, g) => a + g.total, 0)).toBe(3205);
    expect(group('rain', 'original')).toEqual({
      label: 'rain',
      kind: 'original',
      total: 641,
      shown: 70,
    });
    // The smallest groups whole: snow's 26 and drizzle's 53 rows, sun's 1 synthetic row.
    expect(group('snow', 'original').shown).toBe(26);
    expect(group('drizzle', 'original').shown).toBe(53);
    expect(group('sun', 'synthetic')).toMatchObject({ total: 1, shown: 1 });
    expect(group('snow', 'synthetic')).toMatchObject({ total: 615, shown: 70 });
    expect(s.pca!.fittedRows).toBe(300);
    // Seeded: the same preview draws the same points.
    const again = await createBalanceApi(deps, {
      scatterPoints: 500,
      pcaFitWork: 24_300,
      pcaMinRows: 300,
    }).previewSampler('l2', meta.id, recipe);
    expect(Array.from(again.scatter!.x)).toEqual(Array.from(s.x));
    db.close();
  });
});

describe('allocatePoints (how many of each group the 2-D view draws)', () => {
  it('draws small groups whole and shares the rest equally, never above the budget', () => {
    expect(allocatePoints([26, 53, 101, 640, 641], 5000)).toEqual([26, 53, 101, 640, 641]);
    expect(allocatePoints([26, 10_000, 20_000], 5000)).toEqual([26, 2487, 2487]);
    expect(allocatePoints([3000, 3000, 0], 5000)).toEqual([2500, 2500, 0]);
    expect(allocatePoints([7, 7, 7], 10)).toEqual([4, 3, 3]);
    for (const totals of [
      [1, 2, 3],
      [5000, 1],
      [100_000, 90_000, 12, 4000],
    ]) {
      const out = allocatePoints(totals, SCATTER_POINTS);
      expect(out.reduce((a, b) => a + b, 0)).toBe(
        Math.min(
          SCATTER_POINTS,
          totals.reduce((a, b) => a + b, 0),
        ),
      );
      out.forEach((n, i) => expect(n).toBeLessThanOrEqual(totals[i]));
    }
  });
});
