// The mean ROC / PR curves over folds (src/core/evaluate/summary.ts meanCurves) read each fold's
// curve once with a moving pointer; they must equal, bit for bit, the definition they replaced: a
// search of the whole curve per grid point (kept here as the reference). Real folds: vega-datasets
// seattle-weather.csv (5 classes, one-vs-rest curves) through crossValidate with the nearest-
// centroid double; seeded binary reports with tied and coarse scores; and hand-made curves: grid
// points exactly on curve points, a vertical ROC step, and a PR curve whose recall is not monotone
// (the walk does not assume it; the search defines the answer).
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn } from '../../src/core/data/frame';
import { crossValidate, meanCurves, summarize, type MeanCurve } from '../../src/core/evaluate';
import {
  classificationReport,
  type ClassCurves,
  type ClassificationReport,
  type PrCurve,
  type RocCurve,
} from '../../src/core/metrics';
import { createRng } from '../../src/core/rng';
import { nearestCentroid, recipeOf } from './evaluate-doubles';

const GRID = Float64Array.from({ length: 101 }, (_, i) => i / 100);

/** The reference: TPR at x by a search from the start of the curve. */
function rocAt(c: RocCurve, x: number): number {
  const { fpr, tpr } = c;
  let i = -1;
  while (i + 1 < fpr.length && fpr[i + 1] <= x) i++;
  if (i < 0) return tpr[0];
  if (fpr[i] === x || i === fpr.length - 1) return tpr[i];
  return tpr[i] + ((tpr[i + 1] - tpr[i]) * (x - fpr[i])) / (fpr[i + 1] - fpr[i]);
}

/** The reference: precision of the last point whose recall reaches x, by a search of every point. */
function prAt(c: PrCurve, x: number): number {
  const { precision, recall } = c;
  if (x <= 0) return precision[precision.length - 1];
  let best = 0;
  for (let j = 0; j < recall.length; j++) if (recall[j] >= x) best = j;
  return precision[best];
}

function referenceMean(values: number[][], folds: number): MeanCurve {
  const y = new Float64Array(GRID.length);
  const std = new Float64Array(GRID.length);
  for (let g = 0; g < GRID.length; g++) {
    const s = summarize(values.map((v) => v[g]));
    y[g] = s.mean;
    std[g] = s.std;
  }
  return { x: GRID.slice(), y, std, folds };
}

function referenceCurves(perFold: readonly (readonly ClassCurves[])[]) {
  const classes = [...new Set(perFold.flatMap((f) => f.map((c) => c.class)))].sort((a, b) => a - b);
  return classes.map((cls) => {
    const curves = perFold.flatMap((f) => f.filter((c) => c.class === cls));
    const roc = curves.map((c) => {
      const t = Array.from(GRID, (x) => rocAt(c.roc, x));
      t[0] = 0;
      return t;
    });
    const pr = curves.map((c) => Array.from(GRID, (x) => prAt(c.pr, x)));
    const meanRoc = referenceMean(roc, curves.length);
    meanRoc.y[meanRoc.y.length - 1] = 1;
    return { class: cls, roc: meanRoc, pr: referenceMean(pr, curves.length) };
  });
}

/** Bit for bit (Object.is: NaN equals NaN, 0 differs from -0). */
function expectSameCurves(
  got: ReturnType<typeof meanCurves>,
  want: ReturnType<typeof referenceCurves>,
  what: string,
) {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    expect(g.class, what).toBe(w.class);
    for (const key of ['roc', 'pr'] as const) {
      expect(g[key].folds, `${what} ${key} folds`).toBe(w[key].folds);
      for (const part of ['x', 'y', 'std'] as const) {
        const a = Array.from(g[key][part]);
        const b = Array.from(w[key][part]);
        const differ = a.findIndex((v, j) => !Object.is(v, b[j]));
        expect(differ, `${what} class ${g.class} ${key}.${part} at grid ${differ}`).toBe(-1);
      }
    }
  });
}

describe('meanCurves: one walk per curve equals a search per grid point', () => {
  it('one-vs-rest curves of real folds (seattle-weather, 5 classes, 5 folds)', async () => {
    const text = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv', 'utf8');
    const rows = Papa.parse<Record<string, string>>(text, {
      header: true,
      skipEmptyLines: true,
    }).data;
    const num = ['precipitation', 'temp_max', 'temp_min', 'wind'];
    const frame = makeFrame([
      ...num.map((n) =>
        numericColumn(
          n,
          'number',
          rows.map((r) => Number(r[n])),
        ),
      ),
      stringColumn(
        'weather',
        'categorical',
        rows.map((r) => r.weather),
      ),
    ]);
    const r = await crossValidate(frame, recipeOf('weather', 'classification', []), {
      trainer: nearestCentroid,
    });
    const perFold = r.folds.map((f) => (f.report as ClassificationReport).curves);
    expect(perFold.flat().length).toBeGreaterThan(5);
    expectSameCurves(r.curves, referenceCurves(perFold), 'seattle-weather');
    expectSameCurves(meanCurves(perFold), referenceCurves(perFold), 'seattle-weather again');
  });

  it('seeded binary reports: tied, coarse, near-perfect and random scores, 2 to 7 folds', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 60; trial++) {
      const folds = 2 + (trial % 6);
      const perFold: ClassCurves[][] = [];
      for (let f = 0; f < folds; f++) {
        const n = 5 + Math.floor(rng() * 400);
        const y = Int32Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0));
        y[0] = 0;
        y[1] = 1; // both classes present
        const levels = [2, 5, 20, 1e9][trial % 4]; // how coarse the scores are: ties
        const proba = new Float64Array(2 * n);
        for (let i = 0; i < n; i++) {
          const signal = trial % 5 === 0 ? y[i] * 0.9 : y[i] * 0.3;
          const p = Math.min(1, Math.floor((signal + rng() * 0.7) * levels) / levels);
          proba[2 * i + 1] = p;
          proba[2 * i] = 1 - p;
        }
        perFold.push(classificationReport(y, proba, 2, { positive: 1 }).curves);
      }
      expectSameCurves(meanCurves(perFold), referenceCurves(perFold), `trial ${trial}`);
    }
  });

  it('hand-made curves: grid points on the curve points, a vertical step, a non-monotone recall', () => {
    const curve = (roc: [number[], number[]], pr: [number[], number[]]): ClassCurves => ({
      class: 1,
      roc: {
        fpr: Float64Array.from(roc[0]),
        tpr: Float64Array.from(roc[1]),
        thresholds: new Float64Array(roc[0].length),
      },
      pr: {
        precision: Float64Array.from(pr[0]),
        recall: Float64Array.from(pr[1]),
        thresholds: new Float64Array(pr[0].length),
      },
    });
    const perFold = [
      [
        curve(
          [
            [0, 0, 0.25, 0.25, 0.5, 1],
            [0, 0.5, 0.5, 0.75, 1, 1],
          ],
          [
            [0.5, 0.6, 0.8, 1, 1],
            [1, 0.75, 0.5, 0.25, 0],
          ],
        ),
      ],
      [
        curve(
          [
            [0, 0.1, 0.3, 1],
            [0, 0.2, 0.9, 1],
          ],
          // Recall not non-increasing: at 0.5 the last point reaching it (index 2) sits behind one
          // that does not (index 1).
          [
            [0.4, 0.9, 0.7, 0.6, 1],
            [1, 0.2, 0.6, 0.3, 0],
          ],
        ),
      ],
    ];
    const want = referenceCurves(perFold);
    expectSameCurves(meanCurves(perFold), want, 'hand-made');
    // Hand-checked: at recall 0.5 the first fold gives 0.8 (index 2) and the second 0.7 (index 2).
    expect(prAt(perFold[1][0].pr, 0.5)).toBe(0.7);
    expect(want[0].pr.y[50]).toBeCloseTo((0.8 + 0.7) / 2, 12);
  });
});
