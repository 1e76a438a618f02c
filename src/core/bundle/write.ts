// Writing a model bundle (DESIGN.md §6): one zip holding model/model.json + model/weights.bin
// (stock tfjs layers format, quantized here when asked), manifest.json (every field of §6, with
// the sha256 of every other file), MODEL_CARD.md, deploy/ (from deploy/index.ts) and, when a key
// pair is given, signature.json. Callers build a BundleInput with `bundleInputFromFinal` (after
// src/core/evaluate's trainFinal) or by hand from a stored model (the browser's ModelRecord has
// the same pieces), then call `writeBundle`.
import { BenchtopError } from '../errors';
import { findColumn, type Frame } from '../data/frame';
import type { LabelMapping } from '../evaluate/labels';
import type { FinalModel } from '../evaluate/run';
import { saveModelArtifacts, type ModelArtifacts, type Tf } from '../models';
import type { ModelSpec } from '../models/types';
import { recipeInput } from '../recipe/run';
import type { Recipe } from '../recipe/recipe';
import { encodeFitted, getStep, inferenceSteps, stepInputs, type FittedStep } from '../steps';
import type { JsonObject } from '../steps/types';
import { quantizeArtifacts } from '../compress/quantize';
import { quantizeUint8Calibrated, type CalibrationRows } from '../compress/calibrate';
import { toMatrix } from '../evaluate/matrix';
import { applySteps } from '../steps';
import { compactProfile, frameFingerprint, inputSignature } from './describe';
import { deployFiles, type DeployManifest } from './deploy';
import { sha256Hex, utf8 } from './hash';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  MANIFEST_FILE,
  MODEL_CARD_FILE,
  MODEL_JSON_FILE,
  SIGNATURE_FILE,
  WEIGHTS_BIN_FILE,
  checkManifest,
  isSemver,
  type BundleManifest,
  type QuantizationCalibration,
  type MetricSummaryJson,
  type Quantization,
} from './manifest';
import { modelCard } from './model-card';
import { signManifest } from './sign';
import { writeZip } from './zip';

/** Everything a bundle is written from. */
export interface BundleInput {
  /** Shown in the UI and the model card ("Penguin species"). */
  name: string;
  /** Semantic version, default "1.0.0". */
  version?: string;
  description?: string | null;
  /** ISO 8601 time, e.g. new Date().toISOString() (core has no clock). */
  created: string;
  task: 'classification' | 'regression';
  target: string;
  labels: LabelMapping | null;
  /** The recipe as trained (roles decide which columns the steps saw). */
  recipe: Recipe;
  /** The fitted steps, filters included (the writer keeps the transforms only). */
  fittedSteps: readonly FittedStep[];
  /** The model's input columns after the steps, in order. */
  features: readonly string[];
  modelSpec: ModelSpec | JsonObject;
  /** The float32 artifacts as saved (saveModelArtifacts), pruned if pruning was chosen. */
  artifacts: ModelArtifacts;
  /** The data the model was trained on, as loaded (before the steps): signature, profile, hash. */
  trainingFrame: Frame;
  /** Columns the steps see that the model must not require (split / group / fold columns). */
  unusedColumns?: readonly string[];
  training?: {
    rows?: number;
    fittedRows?: number;
    sampler?: JsonObject | null;
    iterations?: number | null;
    converged?: boolean | null;
    stopReason?: string | null;
    backend?: string | null;
  };
  seed: number;
  metrics?: {
    cv?: {
      folds: number;
      validation?: JsonObject | null;
      summary: Record<string, MetricSummaryJson>;
    } | null;
    holdout?: { rows: number; values: Record<string, number | null> } | null;
  };
  /** The file the data came from, when known (name, sha256 of its bytes). */
  source?: { name?: string | null; sha256?: string | null };
  /** Weight storage (default 'none' = float32). */
  quantization?: Quantization;
  /** Recorded in the manifest when `artifacts` were pruned (src/core/compress/prune.ts). */
  pruning?: { sparsity: number; fineTuned: boolean } | null;
  /** Extra library versions to record ("benchtop": "0.1.0"); tfjs's own are added. */
  libraries?: Record<string, string>;
  /** Signs the bundle (ECDSA P-256; see sign.ts). */
  signingKey?: CryptoKeyPair;
  /** Set false to leave deploy/ out. */
  deploy?: boolean;
}

const TFJS_VERSION = '4.22.0';

/**
 * The input columns the model's features depend on, traced through the steps: a step's new or
 * rewritten columns depend on every column it reads (a step that names no columns, on all of
 * them). Conservative: a column is only "unused" when no feature can depend on it.
 */
export function neededColumns(
  input: readonly string[],
  fitted: readonly FittedStep[],
  features: readonly string[],
): Set<string> {
  let deps = new Map<string, Set<string>>(input.map((c) => [c, new Set([c])]));
  for (const f of fitted) {
    const def = getStep(f.spec.kind);
    const reads = stepInputs(def, f.spec.params).map((r) => r.column);
    const readSet = new Set(reads);
    const sources = reads.length > 0 ? reads : [...deps.keys()];
    const union = new Set<string>();
    for (const r of sources) for (const d of deps.get(r) ?? []) union.add(d);
    const next = new Map<string, Set<string>>();
    const before = new Set(f.inputSchema.map((c) => c.name));
    for (const c of f.outputSchema) {
      const untouched = before.has(c.name) && !readSet.has(c.name) && reads.length > 0;
      next.set(c.name, untouched ? (deps.get(c.name) ?? new Set([c.name])) : union);
    }
    deps = next;
  }
  const out = new Set<string>();
  for (const feature of features) for (const d of deps.get(feature) ?? []) out.add(d);
  return out;
}

/** The manifest minus `files` (deploy templates and the model card are written from it). */
export function describeBundle(
  input: BundleInput,
  calibration: QuantizationCalibration | null = null,
): DeployManifest {
  const version = input.version ?? '1.0.0';
  if (!isSemver(version)) {
    throw new BenchtopError(
      'invalid-argument',
      `The model version '${version}' is not a semantic version: write it as MAJOR.MINOR.PATCH, such as 1.0.0.`,
    );
  }
  if (input.name.trim() === '') {
    throw new BenchtopError('invalid-argument', 'Give the model a name before exporting it.');
  }
  const stepsFrame = recipeInput(input.trainingFrame, input.recipe);
  const targetColumn = findColumn(stepsFrame, input.target);
  if (!targetColumn) {
    throw new BenchtopError(
      'invalid-argument',
      `The training data has no column '${input.target}' (the model's target): pass the data the model was trained on.`,
      { column: input.target },
    );
  }
  const transforms = inferenceSteps(input.fittedSteps);
  const needed = neededColumns(
    stepsFrame.columns.map((c) => c.name),
    transforms,
    input.features,
  );
  const unused = new Set<string>(input.unusedColumns ?? []);
  for (const c of stepsFrame.columns) if (!needed.has(c.name)) unused.add(c.name);
  const columns = inputSignature(stepsFrame, input.target, unused);
  const labels = input.labels;
  const spec = input.modelSpec as unknown as JsonObject;
  const t = input.training ?? {};
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    model: {
      name: input.name.trim(),
      version,
      description: input.description ?? null,
      spec: { kind: spec.kind, params: spec.params ?? {} } as JsonObject,
      task: input.task,
    },
    created: input.created,
    input: { columns, features: [...input.features] },
    target: {
      name: input.target,
      kind: targetColumn.kind,
      labels: labels ? [...labels.labels] : null,
      counts: labels ? [...labels.counts] : null,
      positive: labels && labels.positive !== null ? labels.labels[labels.positive] : null,
    },
    steps: transforms.map(encodeFitted),
    training: {
      rows: t.rows ?? input.trainingFrame.rows,
      fittedRows: t.fittedRows ?? input.trainingFrame.rows,
      sampler: t.sampler ?? null,
      recipeName: input.recipe.name ?? null,
      iterations: t.iterations ?? null,
      converged: t.converged ?? null,
      stopReason: t.stopReason ?? null,
      backend: t.backend ?? null,
    },
    metrics: {
      cv: input.metrics?.cv
        ? {
            folds: input.metrics.cv.folds,
            validation: input.metrics.cv.validation ?? null,
            summary: input.metrics.cv.summary,
          }
        : null,
      holdout: input.metrics?.holdout ?? null,
    },
    data: {
      fingerprint: frameFingerprint(input.trainingFrame),
      source: { name: input.source?.name ?? null, sha256: input.source?.sha256 ?? null },
      profile: compactProfile(stepsFrame),
    },
    seed: input.seed,
    libraries: {
      '@tensorflow/tfjs-core': TFJS_VERSION,
      '@tensorflow/tfjs-layers': TFJS_VERSION,
      ...(input.libraries ?? {}),
    },
    quantization: {
      dtype: input.quantization ?? 'none',
      pruning: input.pruning ?? null,
      calibration,
    },
  };
}

/**
 * The model-input rows of the training data, for calibrating uint8 rounding: the training frame
 * through the fitted steps, as the model saw it. Null when they cannot be formed (a feature
 * still missing values, say); the weights are then rounded to nearest, and the manifest says so.
 */
function calibrationRows(input: BundleInput): CalibrationRows | null {
  try {
    const prepared = applySteps(recipeInput(input.trainingFrame, input.recipe), input.fittedSteps, {
      inference: true,
    });
    const m = toMatrix(prepared, input.target, { features: input.features });
    return { X: m.X, rows: m.rows, cols: m.cols };
  } catch {
    return null;
  }
}

/** The model's weights as the bundle stores them, and how uint8 levels were chosen. */
function storedArtifacts(input: BundleInput): {
  artifacts: ModelArtifacts;
  calibration: QuantizationCalibration | null;
} {
  const dtype = input.quantization ?? 'none';
  if (dtype === 'none') return { artifacts: input.artifacts, calibration: null };
  if (dtype === 'float16')
    return { artifacts: quantizeArtifacts(input.artifacts, dtype), calibration: null };
  return quantizeUint8Calibrated(input.artifacts, calibrationRows(input));
}

/** JSON with NaN / ±Infinity as null (metrics can be NaN: a fold without a class). */
function json(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    indent,
  );
}

/** The bundle's files (path -> bytes) and its manifest, before zipping. */
export async function bundleFiles(
  input: BundleInput,
): Promise<{ manifest: BundleManifest; files: Record<string, Uint8Array> }> {
  const { artifacts, calibration } = storedArtifacts(input);
  const described = describeBundle(input, calibration);
  const files: Record<string, Uint8Array> = {
    [MODEL_JSON_FILE]: utf8(json(artifacts.modelJson)),
    [WEIGHTS_BIN_FILE]: new Uint8Array(artifacts.weightData.slice(0)),
    [MODEL_CARD_FILE]: utf8(modelCard(described)),
  };
  if (input.deploy !== false) {
    for (const [path, text] of Object.entries(deployFiles(described))) {
      if (!path.startsWith('deploy/') || path.includes('..')) {
        throw new BenchtopError('internal', `A deploy template wrote '${path}', outside deploy/.`);
      }
      files[path] = utf8(text);
    }
  }
  const hashes: BundleManifest['files'] = {};
  for (const [path, bytes] of Object.entries(files)) {
    hashes[path] = { sha256: sha256Hex(bytes), bytes: bytes.length };
  }
  // Round-trip through JSON so the manifest we sign is exactly the one a reader parses (NaN -> null).
  const manifest = JSON.parse(json({ ...described, files: hashes })) as BundleManifest;
  checkManifest(manifest);
  return { manifest, files };
}

/** Writes the bundle: one zip (`.benchtop.zip`) as bytes. */
export async function writeBundle(input: BundleInput): Promise<Uint8Array> {
  const { manifest, files } = await bundleFiles(input);
  const all: Record<string, Uint8Array> = {
    [MANIFEST_FILE]: utf8(`${json(manifest, 2)}\n`),
    ...files,
  };
  if (input.signingKey) {
    all[SIGNATURE_FILE] = utf8(`${json(await signManifest(manifest, input.signingKey), 2)}\n`);
  }
  const created = new Date(input.created);
  // Zip times are 1980..2107; a bad date in the input was refused by the manifest check.
  return writeZip(all, Number.isNaN(created.getTime()) ? new Date(Date.UTC(1980, 0, 1)) : created);
}

/**
 * A BundleInput from trainFinal's result: saves the model's artifacts and reads the rest from
 * `final`. `frame` is the data trainFinal was given; `extras` adds name, time, metrics...
 */
export async function bundleInputFromFinal(
  tf: Tf,
  final: FinalModel,
  frame: Frame,
  extras: Pick<BundleInput, 'name' | 'created'> &
    Partial<Omit<BundleInput, 'artifacts' | 'trainingFrame' | 'fittedSteps'>>,
): Promise<BundleInput> {
  const artifacts = await saveModelArtifacts(tf, final.model.model);
  const info = final.model.info;
  return {
    task: final.task,
    target: final.target,
    labels: final.labels,
    recipe: final.fitted.recipe,
    features: final.features,
    modelSpec: final.modelSpec,
    seed: final.seed,
    training: {
      rows: final.rows,
      fittedRows: final.fittedRows,
      sampler: (final.sampler as unknown as JsonObject | null) ?? null,
      iterations: info.iterations,
      converged: info.converged,
      stopReason: info.stopReason,
      backend: info.backend,
    },
    ...extras,
    fittedSteps: final.fitted.fitted,
    artifacts,
    trainingFrame: frame,
  };
}
