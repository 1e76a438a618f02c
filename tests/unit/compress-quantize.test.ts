// Quantization in tfjs's own format and compression figures on real data. Proves: our float16
// encoder round-trips through tfjs-core's own decoder (tf.io.decodeWeights) bit for bit; uint8
// keeps 0 exact; stock tfjs (tf.io.http's loader reading model.json then the weights path it
// names, over the bundle's own files) loads a float16 and a uint8 bundle and predicts what our
// predictor predicts; pruning zeros the requested share; and on held-out rows of penguins,
// seattle-weather and breast_cancer the weights shrink float32 : uint8 = 4 and float32 : float16 = 2
// with accuracy drops ≤ 0.5 and ≤ 0.1 points.
import { unzipSync } from 'fflate';
import * as tfl from '@tensorflow/tfjs-layers';
import type * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { takeRows, type Frame } from '../../src/core/data/frame';
import { trainFinal } from '../../src/core/evaluate';
import { nodeTf } from '../../src/core/models/node-tf';
import type { Tf } from '../../src/core/models';
import { createRng } from '../../src/core/rng';
import { range, shuffleInPlace } from '../../src/core/split/keys';
import { bundleInputFromFinal, readBundle, writeBundle } from '../../src/core/bundle';
import { loadPredictor } from '../../src/core/inference';
import {
  compressionTable,
  fromFloat16Bits,
  preparedRows,
  pruneArtifacts,
  quantizeArtifacts,
  splitWeights,
  toFloat16Bits,
  uint8Range,
} from '../../src/core/compress';
import { saveModelArtifacts } from '../../src/core/models';
import type { JsonObject } from '../../src/core/steps';
import { autoFor, DATA, trained } from './bundle-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

/** 75 / 25 split by a seeded shuffle. */
function split(frame: Frame, seed = 7): { train: Frame; test: Frame } {
  const idx = range(frame.rows);
  shuffleInPlace(idx, createRng(seed));
  const cut = Math.floor(frame.rows * 0.75);
  return { train: takeRows(frame, idx.slice(0, cut)), test: takeRows(frame, idx.slice(cut)) };
}

/** Stock tfjs's HTTP loader, fetching from the bundle's files instead of a server. */
async function stockLoad(zip: Uint8Array): Promise<tfl.LayersModel> {
  const files = unzipSync(zip);
  const fetchFunc = async (url: string | URL | Request) => {
    const path = new URL(String(url)).pathname.replace(/^\//, '');
    const bytes = files[path];
    return new Response(bytes ? new Uint8Array(bytes) : null, { status: bytes ? 200 : 404 });
  };
  return tfl.loadLayersModel(tf.io.http('http://bundle.test/model/model.json', { fetchFunc }));
}

describe('float16 / uint8 encoding', () => {
  it('float16: our encoder through tfjs-core’s own decoder gives the nearest half', () => {
    const rng = createRng(1);
    const values = Float32Array.from({ length: 4000 }, (_, i) =>
      i < 8
        ? [0, -0, 1, -2.5, 65504, 1e-8, 6.1e-5, 70000][i]
        : (rng() - 0.5) * 10 ** (rng() * 8 - 4),
    );
    const half = Uint16Array.from(values, (v) => toFloat16Bits(v));
    const decoded = tf.io.decodeWeights(half.buffer, [
      { name: 'w', shape: [values.length], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]).w as tfc.Tensor;
    const d = decoded.dataSync() as Float32Array;
    decoded.dispose();
    for (let i = 0; i < values.length; i++) {
      expect(d[i]).toBe(Math.fround(fromFloat16Bits(half[i])));
      // Nearest: no neighbouring half is closer.
      if (Number.isFinite(d[i]) && Math.abs(values[i]) < 65504) {
        for (const n of [half[i] - 1, half[i] + 1]) {
          if ((n & 0x7c00) === 0x7c00 || n < 0 || ((n ^ half[i]) & 0x8000) !== 0) continue;
          expect(Math.abs(fromFloat16Bits(n) - values[i])).toBeGreaterThanOrEqual(
            Math.abs(d[i] - values[i]),
          );
        }
      }
    }
    expect(d[4]).toBe(65504);
    expect(d[7]).toBe(Infinity);
  });

  it('uint8: zero is exact, error at most half a step', () => {
    const values = Float32Array.from([-0.7, 0, 0.3, 1.9, -0.01]);
    const { min, scale } = uint8Range(values);
    const q = Array.from(values, (v) => Math.round((v - min) / scale));
    expect(q[1] * scale + min).toBe(0);
    values.forEach((v, i) =>
      expect(Math.abs(q[i] * scale + min - v)).toBeLessThanOrEqual(scale / 2 + 1e-12),
    );
    expect(uint8Range(Float32Array.from([0.5, 0.5]))).toEqual({ min: 0.5, scale: 1 });
  });
});

describe('stock tfjs loads quantized bundles', () => {
  it('float16 and uint8 penguins bundles load with tf.loadLayersModel and match our predictor', async () => {
    const t = await trained(tf, DATA.penguins, 'Species');
    try {
      const input = await bundleInputFromFinal(tf, t.final, t.frame, {
        name: 'Penguins',
        created: '2025-03-01T12:00:00.000Z',
      });
      const float32 = (await saveModelArtifacts(tf, t.final.model.model)).weightData.byteLength;
      for (const dtype of ['float16', 'uint8'] as const) {
        const zip = await writeBundle({ ...input, quantization: dtype });
        const files = unzipSync(zip);
        const specs = (
          JSON.parse(new TextDecoder().decode(files['model/model.json'])) as {
            weightsManifest: {
              paths: string[];
              weights: { dtype: string; quantization: { dtype: string } }[];
            }[];
          }
        ).weightsManifest[0];
        expect(specs.paths).toEqual(['weights.bin']);
        for (const w of specs.weights) {
          expect(w.dtype).toBe('float32');
          expect(w.quantization.dtype).toBe(dtype);
        }
        expect(float32 / files['model/weights.bin'].length).toBe(dtype === 'uint8' ? 4 : 2);
        const bundle = await readBundle(zip);
        expect(bundle.manifest.quantization.dtype).toBe(dtype);
        const stock = await stockLoad(zip);
        const predictor = await loadPredictor(tf, bundle);
        try {
          const { X, rows } = preparedRows(t.final, t.frame);
          const y = stock.predict(tf.tensor2d(X, [rows, X.length / rows])) as tfc.Tensor;
          const p = y.dataSync();
          y.dispose();
          const ours = await predictor.predictMatrix(X, rows);
          let max = 0;
          for (let i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - ours[i]));
          expect(max).toBeLessThan(1e-6);
          // And the quantized model still agrees with float32 on most rows.
          const full = await t.final.model.predict(X, rows);
          let agree = 0;
          const k = 3;
          for (let i = 0; i < rows; i++) {
            const arg = (a: ArrayLike<number>) =>
              [0, 1, 2].reduce((b, c) => (a[i * k + c] > a[i * k + b] ? c : b), 0);
            if (arg(full) === arg(ours)) agree++;
          }
          expect(agree / rows).toBeGreaterThan(0.99);
        } finally {
          stock.dispose();
          predictor.dispose();
        }
      }
    } finally {
      t.final.model.dispose();
    }
  });
});

describe('pruning', () => {
  it('zeros the requested share of each kernel, keeps biases, and uint8 keeps the zeros', async () => {
    const d = await autoFor(DATA.breastCancer, 'target', {
      model: { kind: 'mlp', params: { hiddenLayers: [16], epochs: 60 } },
    });
    const final = await trainFinal(tf, d.frame, d.recipe);
    try {
      const base = await saveModelArtifacts(tf, final.model.model);
      const pruned = pruneArtifacts(base, 0.6);
      const weights = splitWeights(pruned.artifacts);
      for (const [i, w] of weights.entries()) {
        const zeros = w.values.filter((v) => v === 0).length;
        if (w.spec.name.endsWith('/kernel')) expect(zeros).toBe(Math.floor(w.values.length * 0.6));
        else expect(pruned.masks[i]).toBeNull();
      }
      const uint8 = quantizeArtifacts(pruned.artifacts, 'uint8');
      const back = tf.io.decodeWeights(uint8.weightData, uint8.weightSpecs);
      for (const w of weights) {
        const t = back[w.spec.name] as tfc.Tensor;
        const v = t.dataSync();
        w.values.forEach((x, j) => {
          if (x === 0) expect(v[j]).toBe(0);
        });
      }
      Object.values(back).forEach((t) => (t as tfc.Tensor).dispose());
      expect(() => pruneArtifacts(base, 1)).toThrow(/below 1/);
    } finally {
      final.model.dispose();
    }
  });
});

describe('compression table on held-out rows of real data', () => {
  const cases = [
    ['penguins', DATA.penguins, 'Species', null],
    ['seattle-weather', DATA.weather, 'weather', null],
    [
      'breast_cancer (mlp)',
      DATA.breastCancer,
      'target',
      { kind: 'mlp', params: { hiddenLayers: [16], epochs: 60 } },
    ],
  ] as [string, string, string, JsonObject | null][];
  for (const [name, path, target, model] of cases) {
    it(`${name}: uint8 ≥ 3.5x, float16 ≥ 1.9x, drops ≤ 0.5 / 0.1 points; the guard flags by the limit`, async () => {
      const d = await autoFor(path, target, model ? { model } : {});
      const { train, test } = split(d.frame);
      const final = await trainFinal(tf, train, d.recipe);
      try {
        const heldOut = preparedRows(final, test);
        const table = await compressionTable(tf, final.model, heldOut, {
          sparsity: 0.5,
          fineTune: { ...preparedRows(final, train), classes: final.labels!.labels.length },
          fineTuneOptions: { epochs: 3, seed: 1 },
        });
        const row = (v: string) => table.rows.find((r) => r.variant === v)!;
        console.log(
          `${name}: ${table.rows.map((r) => `${r.variant} ${r.weightBytes} B (x${r.ratio.toFixed(2)}, zipped ${r.zippedBytes} B) acc ${(r.value * 100).toFixed(2)} drop ${r.drop.toFixed(2)}`).join('; ')}`,
        );
        expect(row('none').drop).toBe(0);
        expect(row('uint8').ratio).toBeGreaterThanOrEqual(3.5);
        expect(row('float16').ratio).toBeGreaterThanOrEqual(1.9);
        expect(row('uint8').drop).toBeLessThanOrEqual(0.5);
        expect(row('float16').drop).toBeLessThanOrEqual(0.1);
        expect(row('pruned').sparsity).toBeGreaterThan(0.45);
        expect(row('pruned').zippedBytes).toBeLessThan(row('none').zippedBytes);
        // The guard: a limit below the pruned drop flags it (when it drops at all); -1 flags all.
        const strict = await compressionTable(tf, final.model, heldOut, { limit: -1 });
        expect(strict.rows.every((r) => r.flagged)).toBe(true);
        expect(strict.warnings).toHaveLength(4);
        expect(table.warnings).toHaveLength(table.rows.filter((r) => r.drop > 1).length);
      } finally {
        final.model.dispose();
      }
    });
  }
});
