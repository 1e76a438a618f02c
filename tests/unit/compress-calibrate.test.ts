// Calibrated uint8 rounding (src/core/compress/calibrate.ts, GPTQ) on real data. Proves: every
// calibrated weight sits on its tensor's own uint8 grid (the one nearest rounding uses, so pruned
// zeros stay 0 and stock tfjs decodes it); on the rows it was calibrated on, each Dense layer's
// output errs less than with nearest rounding, and the model's probabilities on held-out rows it
// never saw err less on average over six seeded splits; topologies it does not know, rows that do not fit, or rows with gaps fall
// back to nearest; and a uint8 bundle records the calibration in its manifest and model card.
import { beforeAll, describe, expect, it } from 'vitest';
import { takeRows, type Frame } from '../../src/core/data/frame';
import { trainFinal, type FinalModel } from '../../src/core/evaluate';
import { nodeTf } from '../../src/core/models/node-tf';
import { loadModelArtifacts, saveModelArtifacts, type ModelArtifacts } from '../../src/core/models';
import type { Tf } from '../../src/core/models';
import { createRng } from '../../src/core/rng';
import { range, shuffleInPlace } from '../../src/core/split/keys';
import { bundleInputFromFinal, readBundle, writeBundle } from '../../src/core/bundle';
import {
  calibratedUint8,
  dequantizedWeights,
  preparedRows,
  pruneArtifacts,
  quantizeArtifacts,
  quantizeUint8Calibrated,
  splitWeights,
  uint8Range,
  type CalibrationRows,
} from '../../src/core/compress';
import type { JsonObject } from '../../src/core/steps';
import { autoFor, DATA } from './bundle-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

function split(frame: Frame, seed: number): { train: Frame; test: Frame } {
  const idx = range(frame.rows);
  shuffleInPlace(idx, createRng(seed));
  const cut = Math.floor(frame.rows * 0.75);
  return { train: takeRows(frame, idx.slice(0, cut)), test: takeRows(frame, idx.slice(cut)) };
}

async function predict(artifacts: ModelArtifacts, rows: CalibrationRows): Promise<Float32Array> {
  const model = await loadModelArtifacts(tf, artifacts);
  const x = tf.tensor2d(rows.X, [rows.rows, rows.cols]);
  const y = model.predict(x) as ReturnType<typeof tf.tensor2d>;
  const out = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  model.dispose();
  return out;
}

function rms(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

/** Sum over rows and units of (x·W + b − x·W' − b')² for one Dense layer on its own inputs. */
function layerError(
  x: Float64Array,
  n: number,
  w: Float32Array,
  b: Float32Array,
  wq: Float32Array,
  bq: Float32Array,
): number {
  const units = b.length;
  const inputs = w.length / units;
  let total = 0;
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < units; o++) {
      let e = b[o] - bq[o];
      for (let i = 0; i < inputs; i++)
        e += x[r * inputs + i] * (w[i * units + o] - wq[i * units + o]);
      total += e * e;
    }
  }
  return total;
}

interface Case {
  name: string;
  path: string;
  target: string;
  model: { kind: string; params: JsonObject };
}

const CASES: Case[] = [
  {
    name: 'seattle-weather logreg',
    path: DATA.weather,
    target: 'weather',
    model: { kind: 'logreg', params: {} },
  },
  {
    name: 'penguins mlp[16]',
    path: DATA.penguins,
    target: 'Species',
    model: { kind: 'mlp', params: { hiddenLayers: [16], epochs: 40 } },
  },
  {
    name: 'breast_cancer mlp[16]',
    path: DATA.breastCancer,
    target: 'target',
    model: { kind: 'mlp', params: { hiddenLayers: [16], epochs: 40 } },
  },
];

describe('GPTQ-calibrated uint8 on real data', () => {
  for (const c of CASES) {
    it(`${c.name}: on its grids, lower layer error on training rows, lower output error on held-out rows`, async () => {
      const d = await autoFor(c.path, c.target, { model: c.model as never });
      const heldOutErrors: { nearest: number; calibrated: number }[] = [];
      for (const seed of [3, 4, 5, 6, 7, 8]) {
        const { train, test } = split(d.frame, seed);
        const final: FinalModel = await trainFinal(tf, train, d.recipe);
        try {
          const base = await saveModelArtifacts(tf, final.model.model);
          const calibration = preparedRows(final, train);
          const codes = calibratedUint8(base, calibration);
          expect(codes).not.toBeNull();
          const weights = splitWeights(base);
          // Same grid as nearest rounding (uint8Range of the float weights).
          codes!.forEach((q, i) => {
            const { min, scale } = uint8Range(weights[i].values);
            expect(q.min).toBe(min);
            expect(q.scale).toBe(scale);
            expect(q.codes.length).toBe(weights[i].values.length);
          });
          const calibrated = quantizeUint8Calibrated(base, calibration);
          expect(calibrated.calibration).toEqual({ method: 'gptq', rows: calibration.rows });
          const nearest = quantizeArtifacts(base, 'uint8');
          // What tfjs decodes is code · scale + min.
          const decoded = dequantizedWeights(calibrated.artifacts);
          decoded.forEach((v, i) => {
            for (let k = 0; k < v.length; k++)
              expect(v[k]).toBeCloseTo(codes![i].codes[k] * codes![i].scale + codes![i].min, 6);
          });
          expect(calibrated.artifacts.weightData.byteLength).toBe(nearest.weightData.byteLength);

          // First layer, on the rows it was calibrated on: GPTQ minimises exactly this error.
          const x = Float64Array.from(calibration.X);
          const near = dequantizedWeights(nearest);
          const [w, b] = [weights[0].values, weights[1].values];
          const eNear = layerError(x, calibration.rows, w, b, near[0], near[1]);
          const eCal = layerError(x, calibration.rows, w, b, decoded[0], decoded[1]);
          expect(eCal).toBeLessThan(eNear);

          // The whole model on held-out rows it never saw: probabilities compared with float32's.
          const heldOut = preparedRows(final, test);
          const f32 = await predict(base, heldOut);
          const errors = {
            nearest: rms(f32, await predict(nearest, heldOut)),
            calibrated: rms(f32, await predict(calibrated.artifacts, heldOut)),
          };
          heldOutErrors.push(errors);
          console.log(
            `[calibrate] ${c.name} split ${seed}: layer-1 error ${eNear.toExponential(3)} -> ${eCal.toExponential(3)}; held-out probability RMS error ${errors.nearest.toExponential(3)} -> ${errors.calibrated.toExponential(3)}`,
          );
        } finally {
          final.model.dispose();
        }
      }
      // One split's unseen rows may fare worse (the rounding fits the training rows); over six
      // seeded splits they fare better.
      const mean = (k: 'nearest' | 'calibrated') =>
        heldOutErrors.reduce((a, e) => a + e[k], 0) / heldOutErrors.length;
      console.log(
        `[calibrate] ${c.name}: mean held-out probability RMS error ${mean('nearest').toExponential(3)} -> ${mean('calibrated').toExponential(3)}`,
      );
      expect(mean('calibrated')).toBeLessThan(mean('nearest'));
    });
  }

  it('pruned zeros stay exactly 0 after calibration', async () => {
    const d = await autoFor(DATA.penguins, 'Species', {
      model: { kind: 'mlp', params: { hiddenLayers: [16], epochs: 30 } },
    });
    const final = await trainFinal(tf, d.frame, d.recipe);
    try {
      const base = await saveModelArtifacts(tf, final.model.model);
      const pruned = pruneArtifacts(base, 0.5).artifacts;
      const before = splitWeights(pruned);
      const cal = quantizeUint8Calibrated(pruned, preparedRows(final, d.frame));
      expect(cal.calibration).not.toBeNull();
      const after = dequantizedWeights(cal.artifacts);
      let zeros = 0;
      before.forEach(({ values }, i) => {
        for (let k = 0; k < values.length; k++) {
          if (values[k] === 0) {
            zeros++;
            expect(after[i][k]).toBe(0);
          }
        }
      });
      expect(zeros).toBeGreaterThan(0);
    } finally {
      final.model.dispose();
    }
  });

  it('falls back to nearest rounding when the rows or the model do not fit', async () => {
    const d = await autoFor(DATA.penguins, 'Species', { model: { kind: 'logreg', params: {} } });
    const final = await trainFinal(tf, d.frame, d.recipe);
    try {
      const base = await saveModelArtifacts(tf, final.model.model);
      const rows = preparedRows(final, d.frame);
      const nearest = new Uint8Array(quantizeArtifacts(base, 'uint8').weightData);
      // Wrong width.
      const narrow = {
        X: rows.X.subarray(0, rows.rows * (rows.cols - 1)),
        rows: rows.rows,
        cols: rows.cols - 1,
      };
      expect(calibratedUint8(base, narrow)).toBeNull();
      // A gap in the rows.
      const gap = { ...rows, X: Float32Array.from(rows.X) };
      gap.X[5] = NaN;
      expect(calibratedUint8(base, gap)).toBeNull();
      const fallback = quantizeUint8Calibrated(base, gap);
      expect(fallback.calibration).toBeNull();
      expect(new Uint8Array(fallback.artifacts.weightData)).toEqual(nearest);
      // No rows at all.
      expect(quantizeUint8Calibrated(base, null).calibration).toBeNull();
      // A topology it does not know (a layer class other than Dense / Dropout / Activation).
      const topology = structuredClone(base.modelJson.modelTopology) as {
        config: { layers: { class_name: string }[] };
      };
      topology.config.layers[0].class_name = 'Conv1D';
      const odd = {
        ...base,
        modelJson: { ...base.modelJson, modelTopology: topology } as unknown as JsonObject,
      };
      expect(calibratedUint8(odd, rows)).toBeNull();
    } finally {
      final.model.dispose();
    }
  });
});

describe('uint8 bundles record their calibration', () => {
  it('a uint8 bundle says GPTQ on how many training rows; float16 and nearest say nothing', async () => {
    const d = await autoFor(DATA.penguins, 'Species', {
      model: { kind: 'mlp', params: { hiddenLayers: [8], epochs: 20 } },
    });
    const final = await trainFinal(tf, d.frame, d.recipe);
    try {
      const base = await bundleInputFromFinal(tf, final, d.frame, {
        name: 'Penguins',
        created: '2026-01-01T00:00:00.000Z',
      });
      const uint8 = await readBundle(await writeBundle({ ...base, quantization: 'uint8' }));
      expect(uint8.manifest.quantization.calibration).toEqual({
        method: 'gptq',
        rows: d.frame.rows,
      });
      expect(uint8.modelCard).toContain(`levels chosen by GPTQ on ${d.frame.rows} training rows`);
      const f16 = await readBundle(await writeBundle({ ...base, quantization: 'float16' }));
      expect(f16.manifest.quantization.calibration).toBeNull();
    } finally {
      final.model.dispose();
    }
  });
});
