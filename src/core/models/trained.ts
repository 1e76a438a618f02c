// A fitted model as callers use it (predict, dispose) and as a bundle stores it: the stock tfjs
// model.json + one weights buffer, saved through tf.io.withSaveHandler and loaded back with
// tf.io.fromMemory + tf.loadLayersModel, so what Benchtop writes is what plain tfjs reads.
import type * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BenchtopError, toBenchtopError } from '../errors';
import type { JsonObject } from '../steps/types';
import type { ModelSpec, ModelTask, Tf, TrainedModel, TrainInfo } from './types';

/** Rows predicted per tfjs call: bounds the activations' memory on large inputs. */
const PREDICT_BATCH = 8192;

/** The model as tfjs saves it: model.json's content and the bytes of weights.bin. */
export interface ModelArtifacts {
  /** model.json: modelTopology, format, generatedBy, convertedBy, weightsManifest. */
  modelJson: JsonObject;
  weightSpecs: tfc.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** The path model.json's weightsManifest names for the weights (a bundle stores them there). */
export const WEIGHTS_FILE = 'weights.bin';

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

export async function saveModelArtifacts(tf: Tf, model: tfl.LayersModel): Promise<ModelArtifacts> {
  let saved: tfc.io.ModelArtifacts | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
      }),
    );
  } catch (err) {
    throw toBenchtopError(err, 'Could not save the model');
  }
  if (!saved || !saved.weightSpecs || saved.weightData === undefined) {
    throw toBenchtopError(new Error('tfjs returned no weights'), 'Could not save the model');
  }
  const weightData = Array.isArray(saved.weightData) ? concat(saved.weightData) : saved.weightData;
  const modelJson = {
    modelTopology: saved.modelTopology,
    format: saved.format ?? 'layers-model',
    generatedBy: saved.generatedBy ?? '',
    convertedBy: saved.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs }],
  } as unknown as JsonObject;
  return { modelJson, weightSpecs: saved.weightSpecs, weightData: weightData.slice(0) };
}

export async function loadModelArtifacts(
  tf: Tf,
  artifacts: ModelArtifacts,
): Promise<tfl.LayersModel> {
  const json = artifacts.modelJson as unknown as {
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
  };
  try {
    return await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        weightSpecs: artifacts.weightSpecs,
        weightData: artifacts.weightData,
      }),
    );
  } catch (err) {
    throw toBenchtopError(err, 'Could not load the model', 'invalid-argument');
  }
}

/** The TrainInfo of a model loaded from artifacts rather than trained here (nothing to report). */
export function loadedInfo(tf: Tf): TrainInfo {
  return {
    iterations: 0,
    converged: true,
    stopReason: 'loaded',
    finalLoss: NaN,
    seconds: 0,
    backend: tf.getBackend(),
    lossCurve: [],
  };
}

/** Wraps a tfjs model in the TrainedModel interface (predict with binary expansion, dispose). */
export function wrapModel(
  tf: Tf,
  spec: ModelSpec,
  task: ModelTask,
  model: tfl.LayersModel,
  info: TrainInfo,
): TrainedModel {
  const outShape = model.outputs[0].shape;
  const units = outShape[outShape.length - 1] ?? 1;
  const inShape = model.inputs[0].shape;
  const cols = inShape[inShape.length - 1] ?? 0;
  const outputs = task === 'classification' ? Math.max(2, units) : 1;
  let disposed = false;
  return {
    spec,
    task,
    outputs,
    cols,
    model,
    info,
    async predict(X: Float32Array, rows: number): Promise<Float64Array> {
      if (disposed) {
        throw new BenchtopError(
          'invalid-argument',
          'This model was disposed; train or load it again to predict.',
        );
      }
      if (!Number.isInteger(rows) || rows < 0 || X.length !== rows * cols) {
        throw new BenchtopError(
          'invalid-argument',
          `The model takes ${cols} features per row; ${X.length} values do not make ${rows} rows of ${cols}.`,
          { cols, rows },
        );
      }
      const out = new Float64Array(rows * outputs);
      for (let start = 0; start < rows; start += PREDICT_BATCH) {
        const n = Math.min(PREDICT_BATCH, rows - start);
        const y = tf.tidy(() => {
          const x = tf.tensor2d(X.subarray(start * cols, (start + n) * cols), [n, cols]);
          // One batch per call: predict's default (32 rows) slices the input hundreds of times,
          // and each slice copies the whole input out of the wasm heap (~1 s per 100k rows).
          return model.predict(x, { batchSize: n }) as tfc.Tensor;
        });
        const v = (await y.data()) as Float32Array;
        y.dispose();
        if (task === 'classification' && units === 1) {
          for (let i = 0; i < n; i++) {
            out[(start + i) * 2] = 1 - v[i];
            out[(start + i) * 2 + 1] = v[i];
          }
        } else {
          out.set(v, start * outputs);
        }
      }
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
