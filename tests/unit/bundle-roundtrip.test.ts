// Train -> write -> read -> predict on real data (penguins: logreg over 3 classes with one-hot
// categories and missing values; seattle-weather: 5-class logreg with a date column; cars:
// regression): the bundle's predictions equal the in-process model's (max abs difference ≤ 1e-5,
// float32 weights), through both predictRows (JSON rows) and predictFrame (the data as read).
import { beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../../src/core/data/frame';
import { toMatrix } from '../../src/core/evaluate';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { applyRecipe } from '../../src/core/recipe';
import { bundleInputFromFinal, readBundle, writeBundle } from '../../src/core/bundle';
import { loadPredictor } from '../../src/core/inference';
import { DATA, trained } from './bundle-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

const CREATED = '2025-03-01T12:00:00.000Z';

async function inProcess(
  t: Awaited<ReturnType<typeof trained>>,
): Promise<{ probs: Float64Array; k: number }> {
  const prepared = applyRecipe(t.frame, t.final.fitted, { inference: true });
  const m = toMatrix(prepared, t.final.target, { features: t.final.features });
  const probs = await t.final.model.predict(m.X, m.rows);
  return { probs, k: t.final.model.outputs };
}

describe('bundle round trip', () => {
  for (const [name, path, target] of [
    ['penguins', DATA.penguins, 'Species'],
    ['seattle-weather', DATA.weather, 'weather'],
    ['cars (regression)', DATA.cars, 'Miles_per_Gallon'],
  ] as const) {
    it(`${name}: predictions from the read bundle equal the trained model's`, async () => {
      const t = await trained(tf, path, target);
      try {
        const input = await bundleInputFromFinal(tf, t.final, t.frame, {
          name: `${name} model`,
          created: CREATED,
          source: { name: path.split('/').pop()! },
        });
        const zip = await writeBundle(input);
        const bundle = await readBundle(zip);
        expect(bundle.signature.signed).toBe(false);
        expect(bundle.manifest.target.name).toBe(target);
        const predictor = await loadPredictor(tf, bundle);
        try {
          const want = await inProcess(t);
          // Every row, as JSON rows (the target left out: a request never carries it).
          const rows = Array.from({ length: t.frame.rows }, (_, i) => {
            const r = frameRow(t.frame, i);
            delete r[target];
            return r;
          });
          const byRows = await predictor.predictRows(rows);
          const byFrame = await predictor.predictFrame(t.frame);
          expect(byRows.predictions).toHaveLength(t.frame.rows);
          expect(byFrame.predictions).toHaveLength(t.frame.rows);
          let maxDiff = 0;
          for (const res of [byRows, byFrame]) {
            res.predictions.forEach((p, i) => {
              if ('value' in p) {
                maxDiff = Math.max(maxDiff, Math.abs(p.value - want.probs[i]));
              } else {
                const labels = t.final.labels!.labels;
                labels.forEach((l, c) => {
                  maxDiff = Math.max(
                    maxDiff,
                    Math.abs(p.probabilities[l] - want.probs[i * want.k + c]),
                  );
                });
              }
            });
          }
          expect(maxDiff).toBeLessThanOrEqual(1e-5);
          // Columns auto-prepare ignored (cars' Name is ID-like) are extra: read past and reported.
          const ignored = t.recipe.roles.ignored;
          expect(byRows.report.extraColumns.sort()).toEqual([...ignored].sort());
          expect(byFrame.report.extraColumns.sort()).toEqual([...ignored].sort());
        } finally {
          predictor.dispose();
        }
      } finally {
        t.final.model.dispose();
      }
    });
  }
});
