// The data worker's recipe API (auto-prepare, previews, apply as a new dataset, cancel), one test
// body over two transports: in-process, and through comlink over a MessageChannel (which catches
// anything that is not cloneable: recipes, previews, errors, progress). Storage is the real Dexie
// store on fake-indexeddb; the data is vega-datasets' seattle-weather.csv imported through the
// data API, as the app does it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { DatasetMeta } from '../../src/core/api/data-api';
import type { PrepProgress } from '../../src/core/api/prep-api';
import { frameFromTable } from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import { autoRecipe, fitRecipeSync, parseRecipe, type Recipe } from '../../src/core/recipe';
import { listDatasets, type BenchtopDB } from '../../src/db';
import type { DataWorkerFullApi } from '../../workers/data.worker';
import { openDataWorker, WEATHER } from './data-worker-setup';
import { expectUserError, inProcess, overComlink, rejection, type Transport } from './transports';

for (const make of [inProcess, overComlink]) {
  describe(`recipe API (${make.name})`, () => {
    let db: BenchtopDB;
    let t: Transport<DataWorkerFullApi>;
    let weather: DatasetMeta;

    beforeEach(async () => {
      ({ db, t, weather } = await openDataWorker(make, 'prep'));
    });
    afterEach(() => {
      t.close();
      db.close();
    });

    it('auto-prepares from the stored schema and profile, and suggests roles and the task', async () => {
      const recipe = await t.api.autoRecipe(weather.id, 'weather');
      expect(recipe).toEqual(
        autoRecipe(weather.schema, weather.profile, 'weather', { name: 'Auto: seattle-weather' }),
      );
      expect(recipe.steps.map((s) => s.kind)).toContain('scale.standard');
      const s = await t.api.suggestRoles(weather.id, 'weather');
      expect(s).toMatchObject({ ignored: [], date: 'date', task: { task: 'classification' } });
      expectUserError(
        await rejection(t.api.autoRecipe(weather.id, 'nope')),
        'invalid-argument',
        /^There is no column 'nope' to predict/,
      );
      expectUserError(
        await rejection(t.api.autoRecipe('missing-id', 'weather')),
        'not-found',
        /is not in this browser's storage any more/,
      );
    });

    it('previews every step on the whole dataset', async () => {
      const recipe = await t.api.autoRecipe(weather.id, 'weather');
      const progress: PrepProgress[] = [];
      const previews = await t.api.previewRecipe(
        'p1',
        weather.id,
        recipe,
        {},
        t.callback((p: PrepProgress) => void progress.push(p)),
      );
      expect(previews.map((p) => p.kind)).toEqual(recipe.steps.map((s) => s.kind));
      // Step by step, so the UI can say which step is running.
      const n = recipe.steps.length;
      await expect.poll(() => progress.length).toBe(n + 2);
      expect(progress[0]).toEqual({ phase: 'loading' });
      expect(progress.slice(1)).toEqual(
        Array.from({ length: n + 1 }, (_, done) => ({ phase: 'previewing', done, total: n })),
      );
      expect(previews[0]).toMatchObject({
        role: 'filter',
        rows: { before: 1461, after: 1461 },
        summary: { dropped: 0 },
      });
      // The only categorical column is the target: it is never encoded.
      expect(recipe.steps.map((s) => s.kind)).not.toContain('encode.onehot');
      const scale = previews[previews.length - 1];
      expect(scale.kind).toBe('scale.standard');
      expect(scale.touched).not.toContain('weather');
      expect(scale.touched).toEqual(expect.arrayContaining(['precipitation', 'wind']));
      for (const h of scale.histograms) {
        expect(
          h.after!.counts.reduce((a, b) => a + b, 0),
          h.column,
        ).toBe(1461);
      }
    });

    it('a step that fails comes back as a preview with its error; a broken recipe is refused', async () => {
      const recipe = parseRecipe({
        format: 'benchtop.recipe',
        version: 1,
        target: 'weather',
        task: 'classification',
        roles: { ignored: [] },
        steps: [
          { kind: 'scale.standard', params: { columns: ['wind'] } },
          { kind: 'scale.standard', params: { columns: ['gust'] } },
        ],
        seed: 0,
      });
      const previews = await t.api.previewRecipe('p2', weather.id, recipe);
      expect(previews).toHaveLength(2);
      expect(previews[1].error).toMatchObject({
        code: 'invalid-argument',
        message: "Step 2 (Scale: standard): column 'gust' does not exist any more.",
      });
      expectUserError(
        await rejection(t.api.previewRecipe('p3', weather.id, { ...recipe, version: 9 })),
        'invalid-argument',
        /format version 9; this version of Benchtop reads up to 1/,
      );
      expectUserError(
        await rejection(t.api.previewRecipe('p4', weather.id, { ...recipe, target: 'gone' })),
        'invalid-argument',
        /The target column 'gone' is not in this dataset/,
      );
    });

    it('sees a type override made after the frame was cached', async () => {
      const recipe: Recipe = {
        ...(await t.api.autoRecipe(weather.id, 'weather')),
        steps: [{ kind: 'scale.standard', params: { columns: ['wind'] } }],
      };
      expect((await t.api.previewRecipe('p5', weather.id, recipe))[0].error).toBeUndefined();
      await t.api.setColumnKind(weather.id, 'wind', 'text');
      const [p] = await t.api.previewRecipe('p6', weather.id, recipe);
      expect(p.error?.message).toBe(
        "Step 1 (Scale: standard): column 'wind' is text, but this step works on numeric columns (integer, number, boolean or date).",
      );
    });

    it('applies a recipe as a new dataset with lineage; its data equals the fitted recipe output', async () => {
      const recipe = await t.api.autoRecipe(weather.id, 'weather');
      const progress: PrepProgress[] = [];
      const meta = await t.api.applyRecipe(
        weather.id,
        recipe,
        '  weather, prepared  ',
        'a1',
        t.callback((p: PrepProgress) => void progress.push(p)),
      );
      expect(meta).toMatchObject({
        name: 'weather, prepared',
        rows: 1461,
        lineage: { from: weather.id, fromName: 'seattle-weather', recipe },
        source: { format: 'arrow' },
      });
      expect(meta.lineage.fromSha256).toBe(weather.source.sha256);
      expect(meta.report.notes[0]).toBe(
        `Prepared from "seattle-weather" with ${recipe.steps.length} steps: 1,461 rows in, 1,461 out.`,
      );
      const list = await listDatasets(db);
      expect(list.map((d) => d.id).sort()).toEqual([weather.id, meta.id].sort());
      // The stored bytes hold exactly what the recipe produces on the same data.
      const bytes = (await db.datasetBytes.get(meta.id))!.bytes;
      const stored = frameFromTable(tableFromIPC(bytes));
      const original = await ingest(bytesSource('seattle-weather.csv', WEATHER));
      const expected = fitRecipeSync(frameFromTable(original.table, original.schema), recipe).frame;
      expect(stored).toEqual(expected);
      expect(meta.schema).toEqual(expected.columns.map((c) => ({ name: c.name, kind: c.kind })));
      // The stored row restores with its lineage.
      expect(list.find((d) => d.id === meta.id)).toMatchObject({ lineage: { from: weather.id } });
      // Progress: loading, one figure per step and the end, storing.
      await new Promise((r) => setTimeout(r, 10));
      expect(progress.map((p) => p.phase)).toEqual([
        'loading',
        ...recipe.steps.map(() => 'fitting'),
        'fitting',
        'storing',
      ]);
      expect(progress.filter((p) => p.phase === 'fitting').map((p) => p.done)).toEqual([
        ...recipe.steps.keys(),
        recipe.steps.length,
      ]);
    });

    it('cancel stops an apply (nothing stored) and a preview; the API keeps working', async () => {
      const recipe = await t.api.autoRecipe(weather.id, 'weather');
      await t.api.cancel('c1');
      expectUserError(
        await rejection(t.api.applyRecipe(weather.id, recipe, 'x', 'c1')),
        'cancelled',
        /^Applying the recipe was cancelled\. Nothing was stored\.$/,
      );
      expect((await listDatasets(db)).map((d) => d.id)).toEqual([weather.id]);
      await t.api.cancel('c2');
      expectUserError(
        await rejection(t.api.previewRecipe('c2', weather.id, recipe)),
        'cancelled',
        /^The preview was cancelled\.$/,
      );
      // The job ids are forgotten afterwards: the same id runs again.
      expect(await t.api.previewRecipe('c2', weather.id, recipe)).toHaveLength(recipe.steps.length);
    });

    // In-process only: through a MessageChannel the cancel races the remaining steps (a timing
    // question); the test above already sends cancel through comlink.
    if (make === inProcess) {
      it('a cancel sent while fitting lands between steps', async () => {
        const recipe = await t.api.autoRecipe(weather.id, 'weather');
        const err = await rejection(
          t.api.applyRecipe(
            weather.id,
            recipe,
            'x',
            'c3',
            t.callback((p: PrepProgress) => {
              if (p.phase === 'fitting' && p.done === 1) void t.api.cancel('c3');
            }),
          ),
        );
        expectUserError(err, 'cancelled', /cancelled/);
        expect((await listDatasets(db)).map((d) => d.id)).toEqual([weather.id]);
      });
    }
  });
}
