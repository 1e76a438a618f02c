// Weight quantization in tfjs's own weightsManifest format, so stock tf.loadLayersModel decodes it
// (tfjs-core 4.22 io_utils.js decodeWeight): every entry keeps `dtype: 'float32'` and gains
//   quantization: {dtype: 'float16'}                      2 bytes per weight (IEEE half)
//   quantization: {dtype: 'uint8', min, scale}            1 byte per weight, value = q * scale + min
// tfjs can read these but not write them, so we do. uint8 is affine per weight tensor, with the
// range nudged so that 0 is exactly representable (as the tfjs converter's quantizer does): a
// pruned weight stays exactly zero, and a zero bias stays zero.
import type * as tfc from '@tensorflow/tfjs-core';
import { BenchtopError } from '../errors';
import type { ModelArtifacts } from '../models/trained';
import type { JsonObject } from '../steps/types';

export type QuantizeDtype = 'float16' | 'uint8';

/** One weight tensor on its uint8 grid: value = code · scale + min (calibrate.ts makes these). */
export interface Uint8Codes {
  codes: Uint8Array;
  min: number;
  scale: number;
}

export interface QuantizeOptions {
  /**
   * uint8 only: codes chosen elsewhere (calibratedUint8), one per weight in spec order, instead of
   * rounding each weight to its nearest level.
   */
  uint8Codes?: readonly Uint8Codes[];
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE 754 half (round to nearest even; overflow to ±Infinity; subnormals kept). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its hidden bit in.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry may run into the exponent (up to 0x7c00 = Infinity): that is the correct rounding.
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** IEEE half -> number (what tfjs's float16 decoder returns). */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** min / scale for uint8, with 0 exactly representable when the range spans it. */
export function uint8Range(values: Float32Array): { min: number; scale: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    if (values.length === 0) return { min: 0, scale: 1 };
    throw new BenchtopError(
      'invalid-argument',
      'The model has infinite or missing weights, so it cannot be quantized. Train it again.',
    );
  }
  if (hi === lo) return { min: lo, scale: 1 };
  // Widen to include 0, then nudge so 0 falls on a grid point (tfjs converter's affine quantizer).
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const scale = (hi - lo) / 255;
  const zero = Math.round(-lo / scale);
  return { min: -zero * scale, scale };
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Splits float32 weight data into one Float32Array per spec (tfjs order: specs in sequence). */
export function splitWeights(
  artifacts: ModelArtifacts,
): { spec: WeightEntry; values: Float32Array }[] {
  let offset = 0;
  const data = artifacts.weightData;
  return artifacts.weightSpecs.map((s) => {
    const spec = s as unknown as WeightEntry;
    if (spec.dtype !== 'float32' || spec.quantization) {
      throw new BenchtopError(
        'invalid-argument',
        `Weight '${spec.name}' is ${spec.quantization ? `already quantized (${spec.quantization.dtype})` : spec.dtype}; only float32 weights can be quantized. Start from the unquantized model.`,
      );
    }
    const n = sizeOf(spec.shape);
    if (offset + n * 4 > data.byteLength) {
      throw new BenchtopError(
        'invalid-argument',
        `The model's weights are shorter than its manifest says (weight '${spec.name}'). Save the model again.`,
      );
    }
    const values = new Float32Array(data.slice(offset, offset + n * 4));
    offset += n * 4;
    return { spec, values };
  });
}

/** Artifacts with new float32 values per weight (e.g. after pruning), in the same order. */
export function withWeights(
  artifacts: ModelArtifacts,
  values: readonly Float32Array[],
): ModelArtifacts {
  const total = values.reduce((a, v) => a + v.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const v of values) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  return { ...artifacts, weightData: out.buffer };
}

/** The model.json object with its weightsManifest's weights replaced by `specs`. */
function withSpecs(modelJson: JsonObject, specs: WeightEntry[]): JsonObject {
  const manifest = (modelJson.weightsManifest as unknown as { paths: string[] }[] | undefined) ?? [
    { paths: ['weights.bin'] },
  ];
  const paths = manifest[0]?.paths ?? ['weights.bin'];
  return {
    ...modelJson,
    weightsManifest: [{ paths, weights: specs }],
  } as unknown as JsonObject;
}

/**
 * Quantizes float32 artifacts to float16 or uint8. The result's model.json and weight bytes are
 * what a bundle stores; `tf.io.fromMemory` / `tf.loadLayersModel` decode them back to float32.
 */
export function quantizeArtifacts(
  artifacts: ModelArtifacts,
  dtype: QuantizeDtype,
  options: QuantizeOptions = {},
): ModelArtifacts {
  const weights = splitWeights(artifacts);
  const given = dtype === 'uint8' ? options.uint8Codes : undefined;
  if (given && given.length !== weights.length) {
    throw new BenchtopError(
      'internal',
      `Calibrated codes for ${given.length} weights were given for a model with ${weights.length}.`,
    );
  }
  const specs: WeightEntry[] = [];
  const total = weights.reduce((a, w) => a + w.values.length * (dtype === 'float16' ? 2 : 1), 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const [w, { spec, values }] of weights.entries()) {
    if (dtype === 'float16') {
      const half = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) half[i] = toFloat16Bits(values[i]);
      out.set(new Uint8Array(half.buffer), at);
      at += half.byteLength;
      specs.push({
        name: spec.name,
        shape: spec.shape,
        dtype: 'float32',
        quantization: { dtype: 'float16' },
      });
    } else {
      const fixed = given?.[w];
      if (fixed && fixed.codes.length !== values.length) {
        throw new BenchtopError(
          'internal',
          `Calibrated codes for weight '${spec.name}' have ${fixed.codes.length} values, not ${values.length}.`,
        );
      }
      const { min, scale } = fixed ?? uint8Range(values);
      if (fixed) out.set(fixed.codes, at);
      else {
        for (let i = 0; i < values.length; i++) {
          const q = Math.round((values[i] - min) / scale);
          out[at + i] = q < 0 ? 0 : q > 255 ? 255 : q;
        }
      }
      at += values.length;
      specs.push({
        name: spec.name,
        shape: spec.shape,
        dtype: 'float32',
        quantization: { dtype: 'uint8', min, scale },
      });
    }
  }
  return {
    modelJson: withSpecs(artifacts.modelJson, specs),
    weightSpecs: specs as unknown as tfc.io.WeightsManifestEntry[],
    weightData: out.buffer,
  };
}

/** The float32 values a quantized weight decodes to (what tfjs will compute with). */
export function dequantizedWeights(artifacts: ModelArtifacts): Float32Array[] {
  let offset = 0;
  const data = new Uint8Array(artifacts.weightData);
  return artifacts.weightSpecs.map((s) => {
    const spec = s as unknown as WeightEntry;
    const n = sizeOf(spec.shape);
    const q = spec.quantization;
    const out = new Float32Array(n);
    if (!q) {
      out.set(new Float32Array(data.slice(offset, offset + n * 4).buffer));
      offset += n * 4;
    } else if (q.dtype === 'float16') {
      const half = new Uint16Array(data.slice(offset, offset + n * 2).buffer);
      for (let i = 0; i < n; i++) out[i] = fromFloat16Bits(half[i]);
      offset += n * 2;
    } else {
      for (let i = 0; i < n; i++) out[i] = data[offset + i] * (q.scale ?? 1) + (q.min ?? 0);
      offset += n;
    }
    return out;
  });
}
