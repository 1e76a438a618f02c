// Calibrated uint8 rounding (GPTQ, Frantar et al. 2023, "GPTQ: Accurate Post-Training Quantization
// for Generative Pre-trained Transformers", after Optimal Brain Quantization). Rounding each weight
// to its nearest uint8 level makes every layer's output err by X·ΔW. Given rows the model was
// trained on, GPTQ rounds one input's weights at a time and shifts the not-yet-rounded weights of
// the same unit to cancel that error on those rows (through the inverse of H = XᵀX), with the bias
// rounded last so it absorbs what is left of the mean shift. Every weight still lands on its
// tensor's own uint8 grid (one min / scale per tensor, the grid uint8Range picks from the float
// weights), so the result is tfjs's stock format and stock loaders decode it unchanged.
//
// Layers run in order, each calibrated on the activations of the already-quantized layers before
// it, so later layers also correct for earlier layers' rounding. The output layer of a classifier
// weights each row by the curvature of its loss in the logits (headSensitivity), so rounding
// spends its accuracy on borderline rows rather than on rows classified with confidence. Only plain stacks of Dense
// (relu / tanh / sigmoid / linear), Dropout and a final Activation are calibrated; any other
// topology returns null and the caller rounds to nearest. Weights that are exactly 0 (pruned) stay
// exactly 0. Calibration rows come from the training data only: never from rows used to score.
import { choleskyLower } from '../models/linalg';
import type { ModelArtifacts } from '../models/trained';
import { quantizeArtifacts, splitWeights, uint8Range, type Uint8Codes } from './quantize';

/** Prepared model-input rows (row-major float32), as the model's first layer receives them. */
export interface CalibrationRows {
  X: Float32Array;
  rows: number;
  cols: number;
}

export interface CalibrationOptions {
  /** Rows used at most (an evenly spaced subset beyond it): H costs rows · inputs². */
  maxRows?: number;
  /** Layers with more inputs than this are rounded to nearest (the inverse costs inputs³). */
  maxInputs?: number;
}

const DEFAULT_MAX_ROWS = 4096;
const DEFAULT_MAX_INPUTS = 1024;
/** GPTQ's dampening: a share of H's mean diagonal added to it, so the inverse is well behaved. */
const DAMP = 0.01;

type Activation = (z: number) => number;

const HIDDEN_ACTIVATIONS: Record<string, Activation> = {
  relu: (z) => (z > 0 ? z : 0),
  linear: (z) => z,
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};

/** The activation after the last Dense layer: probabilities for classifiers, none for regressors. */
type Head = 'softmax' | 'sigmoid' | 'linear';

interface DenseLayer {
  name: string;
  units: number;
  activation: Activation;
  kernel: number;
  bias: number | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The Dense layers of a Sequential model.json with the index of each one's kernel and bias among
 * the weight specs; null when the model is anything else (then it is rounded to nearest).
 */
function denseChain(
  artifacts: ModelArtifacts,
  names: readonly string[],
): { layers: DenseLayer[]; head: Head } | null {
  const topology = artifacts.modelJson.modelTopology;
  if (!isObject(topology) || topology.class_name !== 'Sequential') return null;
  const config = topology.config;
  const layers = isObject(config) ? config.layers : null;
  if (!Array.isArray(layers)) return null;
  const out: DenseLayer[] = [];
  let head: Head = 'linear';
  for (let i = 0; i < layers.length; i++) {
    const layer: unknown = layers[i];
    if (!isObject(layer) || !isObject(layer.config)) return null;
    const c = layer.config;
    if (layer.class_name === 'Dropout') continue;
    if (layer.class_name === 'Activation') {
      if (i !== layers.length - 1) return null; // only the output head may follow the last Dense
      if (c.activation !== 'softmax' && c.activation !== 'sigmoid') return null;
      head = c.activation;
      continue;
    }
    if (layer.class_name !== 'Dense' || typeof c.name !== 'string' || typeof c.units !== 'number')
      return null;
    const activation = HIDDEN_ACTIVATIONS[typeof c.activation === 'string' ? c.activation : ''];
    if (!activation) return null;
    const kernel = names.indexOf(`${c.name}/kernel`);
    const bias = c.use_bias === false ? null : names.indexOf(`${c.name}/bias`);
    if (kernel < 0 || bias === -1) return null;
    out.push({ name: c.name, units: c.units, activation, kernel, bias });
  }
  return out.length > 0 ? { layers: out, head } : null;
}

function nearestCodes(values: Float32Array, min: number, scale: number): Uint8Array {
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = codeOf(values[i], min, scale);
  return codes;
}

function codeOf(v: number, min: number, scale: number): number {
  const q = Math.round((v - min) / scale);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

/** Upper Cholesky factor U (A = UᵀU) of a symmetric positive-definite d×d matrix, or null. */
function upperCholesky(a: Float64Array, d: number): Float64Array | null {
  const l = choleskyLower(a, d);
  if (!l) return null;
  const u = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) u[i * d + j] = l[j * d + i];
  return u;
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor, or null. */
function spdInverse(a: Float64Array, d: number): Float64Array | null {
  const u = upperCholesky(a, d);
  if (!u) return null;
  // A⁻¹ = U⁻¹ U⁻ᵀ; U⁻¹ is upper triangular.
  const ui = new Float64Array(d * d);
  for (let i = d - 1; i >= 0; i--) {
    ui[i * d + i] = 1 / u[i * d + i];
    for (let j = i + 1; j < d; j++) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += u[i * d + k] * ui[k * d + j];
      ui[i * d + j] = -s / u[i * d + i];
    }
  }
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = j; k < d; k++) s += ui[i * d + k] * ui[j * d + k];
      inv[i * d + j] = s;
      inv[j * d + i] = s;
    }
  }
  return inv;
}

/**
 * The GPTQ factor for inputs X (n × inputs, plus a constant-1 input last when the layer has a
 * bias): the upper Cholesky factor of (H + damping)⁻¹, with H = XᵀDX, D the rows' weights (all 1
 * unless given). Null when it cannot be formed (then the layer is rounded to nearest).
 */
function gptqFactor(
  x: Float64Array,
  n: number,
  inputs: number,
  bias: boolean,
  rowWeights: Float64Array | null,
): Float64Array | null {
  const d = inputs + (bias ? 1 : 0);
  const h = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const weight = rowWeights ? Math.sqrt(rowWeights[r]) : 1;
    if (weight === 0) continue;
    for (let i = 0; i < inputs; i++) row[i] = x[r * inputs + i] * weight;
    if (bias) row[inputs] = weight;
    for (let i = 0; i < d; i++) {
      const xi = row[i];
      if (xi === 0) continue;
      const at = i * d;
      for (let j = i; j < d; j++) h[at + j] += xi * row[j];
    }
  }
  let mean = 0;
  for (let i = 0; i < d; i++) mean += h[i * d + i];
  mean /= d;
  if (!(mean > 0) || !Number.isFinite(mean)) return null;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) h[i * d + j] = h[j * d + i];
    // An input that is always 0 carries no information: any rounding of its weights is as good.
    if (h[i * d + i] === 0) h[i * d + i] = mean;
  }
  for (let attempt = 0, damp = DAMP; attempt < 4; attempt++, damp *= 10) {
    const damped = Float64Array.from(h);
    for (let i = 0; i < d; i++) damped[i * d + i] += damp * mean;
    const inv = spdInverse(damped, d);
    const u = inv && upperCholesky(inv, d);
    if (u) return u;
  }
  return null;
}

/**
 * GPTQ over one Dense layer. `kernel` is [inputs, units] row-major (tfjs's layout), `bias` [units]
 * or null. Returns the codes on each tensor's grid; weights that are exactly 0 stay 0.
 */
function calibrateDense(
  kernel: Float32Array,
  bias: Float32Array | null,
  kGrid: { min: number; scale: number },
  bGrid: { min: number; scale: number } | null,
  u: Float64Array,
  inputs: number,
  units: number,
): { kernel: Uint8Array; bias: Uint8Array | null } {
  const d = inputs + (bias ? 1 : 0);
  const kCodes = new Uint8Array(kernel.length);
  const bCodes = bias ? new Uint8Array(bias.length) : null;
  const w = new Float64Array(d);
  const fixed = new Uint8Array(d);
  const kZero = codeOf(0, kGrid.min, kGrid.scale);
  const bZero = bGrid ? codeOf(0, bGrid.min, bGrid.scale) : 0;
  for (let o = 0; o < units; o++) {
    for (let i = 0; i < inputs; i++) {
      w[i] = kernel[i * units + o];
      fixed[i] = w[i] === 0 ? 1 : 0;
    }
    if (bias) {
      w[inputs] = bias[o];
      fixed[inputs] = bias[o] === 0 ? 1 : 0;
    }
    for (let i = 0; i < d; i++) {
      const isBias = i === inputs;
      const grid = isBias ? bGrid! : kGrid;
      const code = fixed[i] ? (isBias ? bZero : kZero) : codeOf(w[i], grid.min, grid.scale);
      if (isBias) bCodes![o] = code;
      else kCodes[i * units + o] = code;
      const err = (w[i] - (code * grid.scale + grid.min)) / u[i * d + i];
      if (err === 0) continue;
      const at = i * d;
      for (let j = i + 1; j < d; j++) if (!fixed[j]) w[j] -= err * u[at + j];
    }
  }
  return { kernel: kCodes, bias: bCodes };
}

/**
 * How much each row's logits matter to its probabilities, from the float weights: p(1 − p) for a
 * sigmoid head, Σ p_c(1 − p_c) for softmax. That is the cross-entropy's curvature in the logits,
 * so weighting H by it makes the output layer's rounding minimise the change in the loss (as
 * Optimal Brain Quantization does) rather than in logits that no longer matter: a confidently
 * classified row tolerates a logit error that would flip a borderline one.
 */
function headSensitivity(
  x: Float64Array,
  n: number,
  inputs: number,
  kernel: Float32Array,
  bias: Float32Array | null,
  units: number,
  head: 'softmax' | 'sigmoid',
): Float64Array {
  const out = new Float64Array(n);
  const z = new Float64Array(units);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < units; o++) z[o] = bias ? bias[o] : 0;
    for (let i = 0; i < inputs; i++) {
      const xi = x[r * inputs + i];
      if (xi === 0) continue;
      for (let o = 0; o < units; o++) z[o] += xi * kernel[i * units + o];
    }
    let s = 0;
    if (head === 'sigmoid') {
      for (let o = 0; o < units; o++) {
        const p = 1 / (1 + Math.exp(-z[o]));
        s += p * (1 - p);
      }
    } else {
      let max = -Infinity;
      for (let o = 0; o < units; o++) if (z[o] > max) max = z[o];
      let sum = 0;
      for (let o = 0; o < units; o++) sum += Math.exp(z[o] - max);
      for (let o = 0; o < units; o++) {
        const p = Math.exp(z[o] - max) / sum;
        s += p * (1 - p);
      }
    }
    out[r] = s;
  }
  return out;
}

/** Evenly spaced rows of the calibration set, as float64 (at most `max`). */
function sampleRows(c: CalibrationRows, max: number): { x: Float64Array; n: number } {
  const n = Math.min(c.rows, max);
  const x = new Float64Array(n * c.cols);
  for (let r = 0; r < n; r++) {
    const src = Math.floor((r * c.rows) / n) * c.cols;
    for (let j = 0; j < c.cols; j++) x[r * c.cols + j] = c.X[src + j];
  }
  return { x, n };
}

/**
 * uint8 codes for every weight of `artifacts` (in weight-spec order), calibrated on `rows` with
 * GPTQ; null when the model is not a plain Dense stack or the rows do not fit it (then round to
 * nearest). Grids are uint8Range's, so pruned zeros and a zero bias stay exactly 0.
 */
export function calibratedUint8(
  artifacts: ModelArtifacts,
  rows: CalibrationRows,
  options: CalibrationOptions = {},
): Uint8Codes[] | null {
  const weights = splitWeights(artifacts);
  const chain = denseChain(
    artifacts,
    weights.map((w) => w.spec.name),
  );
  if (!chain || rows.rows === 0 || weights[chain.layers[0].kernel].spec.shape[0] !== rows.cols)
    return null;
  for (let i = 0; i < rows.X.length; i++) if (!Number.isFinite(rows.X[i])) return null;
  const out: Uint8Codes[] = weights.map(({ values }) => {
    const { min, scale } = uint8Range(values);
    return { codes: nearestCodes(values, min, scale), min, scale };
  });
  const maxInputs = options.maxInputs ?? DEFAULT_MAX_INPUTS;
  const sample = sampleRows(rows, options.maxRows ?? DEFAULT_MAX_ROWS);
  const n = sample.n;
  let x = sample.x;
  let inputs = rows.cols;
  for (const [l, layer] of chain.layers.entries()) {
    const kernel = weights[layer.kernel];
    const bias = layer.bias === null ? null : weights[layer.bias];
    const units = layer.units;
    if (kernel.spec.shape[0] !== inputs || kernel.spec.shape[1] !== units) return null;
    const kq = out[layer.kernel];
    const bq = layer.bias === null ? null : out[layer.bias];
    const last = l === chain.layers.length - 1;
    const rowWeights =
      last && chain.head !== 'linear'
        ? headSensitivity(x, n, inputs, kernel.values, bias?.values ?? null, units, chain.head)
        : null;
    const u = inputs <= maxInputs ? gptqFactor(x, n, inputs, bias !== null, rowWeights) : null;
    if (u) {
      const codes = calibrateDense(kernel.values, bias?.values ?? null, kq, bq, u, inputs, units);
      kq.codes = codes.kernel;
      if (bq && codes.bias) bq.codes = codes.bias;
    }
    // The next layer is calibrated on what this quantized layer actually outputs.
    const next = new Float64Array(n * units);
    const kv = new Float64Array(kernel.values.length);
    for (let i = 0; i < kv.length; i++) kv[i] = kq.codes[i] * kq.scale + kq.min;
    for (let r = 0; r < n; r++) {
      const at = r * units;
      for (let o = 0; o < units; o++) next[at + o] = bq ? bq.codes[o] * bq.scale + bq.min : 0;
      for (let i = 0; i < inputs; i++) {
        const xi = x[r * inputs + i];
        if (xi === 0) continue;
        const k = i * units;
        for (let o = 0; o < units; o++) next[at + o] += xi * kv[k + o];
      }
      for (let o = 0; o < units; o++) next[at + o] = layer.activation(next[at + o]);
    }
    x = next;
    inputs = units;
  }
  return out;
}

/**
 * uint8 artifacts calibrated on `rows` when the model allows it (see calibratedUint8), else
 * rounded to nearest; `calibrated` says which, and on how many rows.
 */
export function quantizeUint8Calibrated(
  artifacts: ModelArtifacts,
  rows: CalibrationRows | null | undefined,
  options: CalibrationOptions = {},
): { artifacts: ModelArtifacts; calibration: { method: 'gptq'; rows: number } | null } {
  const codes = rows ? calibratedUint8(artifacts, rows, options) : null;
  if (!codes || !rows)
    return { artifacts: quantizeArtifacts(artifacts, 'uint8'), calibration: null };
  return {
    artifacts: quantizeArtifacts(artifacts, 'uint8', { uint8Codes: codes }),
    calibration: {
      method: 'gptq',
      rows: Math.min(rows.rows, options.maxRows ?? DEFAULT_MAX_ROWS),
    },
  };
}
