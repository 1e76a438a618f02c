// The bundle manifest (DESIGN.md §6): its type, a hand-written schema check that names the field
// at fault, and the format-version migrations. A manifest comes from a file someone sent, so
// `parseManifest` trusts nothing: every field is checked before any other code reads it, and the
// messages say which field is wrong ("manifest.json: 'input.columns[2].kind' must be one of ...").
import { BenchtopError } from '../errors';
import { COLUMN_KINDS, type ColumnKind } from '../data/schema';
import type { JsonObject, JsonValue } from '../steps/types';

export const BUNDLE_FORMAT = 'benchtop.bundle';
/** The newest bundle format this version reads and writes. */
export const BUNDLE_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';
export const MODEL_JSON_FILE = 'model/model.json';
export const WEIGHTS_BIN_FILE = 'model/weights.bin';
export const MODEL_CARD_FILE = 'MODEL_CARD.md';
export const SIGNATURE_FILE = 'signature.json';

export type Quantization = 'none' | 'float16' | 'uint8';
export const QUANTIZATIONS: readonly Quantization[] = ['none', 'float16', 'uint8'];

/** How a uint8 bundle's levels were chosen, when calibrated on training rows. */
export interface QuantizationCalibration {
  method: 'gptq';
  rows: number;
}

/** What a column the model reads looks like, learned from the training data. */
export interface InputColumn {
  name: string;
  kind: ColumnKind;
  /**
   * 'feature': the model needs it (a request must carry the key; null = a missing value);
   * 'target': what is predicted (never needed); 'unused': seen by the steps but not by the model
   * (a split column, a dropped column): a request may leave it out.
   */
  role: 'feature' | 'target' | 'unused';
  /** Missing values in the training data. */
  missing: number;
  /** Categorical / text: the values seen in training, sorted (null: too many to list). */
  categories: string[] | null;
  /** Numeric kinds: the smallest and largest training value (null: no values). */
  range: { min: number; max: number } | null;
}

export interface MetricSummaryJson {
  mean: number | null;
  std: number | null;
}

/** Per column, the training distribution a drift check compares new data with. */
export interface ProfileColumn {
  name: string;
  kind: ColumnKind;
  count: number;
  missing: number;
  /** Numeric kinds. */
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  max?: number | null;
  /** Numeric kinds: 11 quantiles (0, 0.1, ..., 1) and the training rows per decile bin. */
  quantiles?: number[];
  binCounts?: number[];
  /** String kinds: the most frequent values (up to 50) and how many rows hold any other value. */
  top?: { value: string; count: number }[];
  otherCount?: number;
}

export interface CompactProfile {
  rows: number;
  columns: ProfileColumn[];
}

export interface FileEntry {
  sha256: string;
  bytes: number;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  model: {
    name: string;
    /** Semantic version of this model ("1.0.0"), chosen by the person exporting it. */
    version: string;
    description: string | null;
    /** `{kind, params}` of src/core/models, every setting filled in. */
    spec: JsonObject;
    task: 'classification' | 'regression';
  };
  /** ISO 8601 time the bundle was written (given by the caller: core has no clock). */
  created: string;
  input: {
    /** Every column the preparation steps read, in training order. */
    columns: InputColumn[];
    /** The model's input columns after the steps, in order (one-hot names included). */
    features: string[];
  };
  target: {
    name: string;
    kind: ColumnKind;
    /** Classification: class index -> label (the model's output columns). */
    labels: string[] | null;
    /** Training rows per class. */
    counts: number[] | null;
    /** Binary: the label metrics treated as positive. */
    positive: string | null;
  };
  /** The fitted transform steps (encodeFitted JSON), in order; never samplers or filters. */
  steps: JsonObject[];
  training: {
    rows: number;
    fittedRows: number;
    /** The sampler used while fitting, for the record: inference never replays it. */
    sampler: JsonObject | null;
    recipeName: string | null;
    iterations: number | null;
    converged: boolean | null;
    stopReason: string | null;
    backend: string | null;
  };
  metrics: {
    cv: {
      folds: number;
      validation: JsonObject | null;
      summary: Record<string, MetricSummaryJson>;
    } | null;
    holdout: { rows: number; values: Record<string, number | null> } | null;
  };
  data: {
    /** sha256 of the training frame's canonical bytes (src/core/bundle/fingerprint.ts). */
    fingerprint: string;
    /** The file it came from, when known. */
    source: { name: string | null; sha256: string | null };
    profile: CompactProfile;
  };
  seed: number;
  libraries: Record<string, string>;
  quantization: {
    dtype: Quantization;
    /** Magnitude pruning applied before quantization, if any. */
    pruning: { sparsity: number; fineTuned: boolean } | null;
    /**
     * uint8 only: levels chosen by GPTQ on this many training rows (src/core/compress/
     * calibrate.ts) rather than nearest rounding. Absent in bundles written before it existed.
     */
    calibration?: QuantizationCalibration | null;
  };
  /** sha256 and size of every other file in the bundle (not manifest.json, not signature.json). */
  files: Record<string, FileEntry>;
}

// ---- schema check ------------------------------------------------------------------------------

type Json = JsonValue | undefined;

/** Collects "'path' must be ..." problems; the first few become the error message. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, want: string, found: Json): void {
    const shown =
      found === undefined
        ? 'it is missing'
        : `found ${JSON.stringify(found).slice(0, 60)}${JSON.stringify(found).length > 60 ? '…' : ''}`;
    this.problems.push(`'${path}' must be ${want} (${shown})`);
  }

  obj(v: Json, path: string): JsonObject | null {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
    this.fail(path, 'an object', v);
    return null;
  }

  arr(v: Json, path: string): JsonValue[] | null {
    if (Array.isArray(v)) return v;
    this.fail(path, 'a list', v);
    return null;
  }

  str(v: Json, path: string, nonEmpty = false): void {
    if (typeof v !== 'string' || (nonEmpty && v === '')) this.fail(path, 'text', v);
  }

  strOrNull(v: Json, path: string): void {
    if (v !== null && typeof v !== 'string') this.fail(path, 'text or null', v);
  }

  num(v: Json, path: string, opts: { integer?: boolean; min?: number } = {}): void {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!opts.integer || Number.isInteger(v)) &&
      (opts.min === undefined || v >= opts.min);
    if (!ok) {
      const what = opts.integer ? 'a whole number' : 'a number';
      this.fail(path, opts.min !== undefined ? `${what} ≥ ${opts.min}` : what, v);
    }
  }

  numOrNull(v: Json, path: string): void {
    if (v !== null) this.num(v, path);
  }

  boolOrNull(v: Json, path: string): void {
    if (v !== null && typeof v !== 'boolean') this.fail(path, 'true, false or null', v);
  }

  oneOf<T extends string>(v: Json, path: string, options: readonly T[]): void {
    if (typeof v !== 'string' || !options.includes(v as T))
      this.fail(path, `one of ${options.join(', ')}`, v);
  }

  strings(v: Json, path: string): void {
    const a = this.arr(v, path);
    a?.forEach((x, i) => this.str(x, `${path}[${i}]`));
  }

  numbers(v: Json, path: string): void {
    const a = this.arr(v, path);
    a?.forEach((x, i) => this.num(x, `${path}[${i}]`));
  }
}

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** MAJOR.MINOR.PATCH with optional -pre-release and +build: the manifest's model.version. */
export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}
const SHA256 = /^[0-9a-f]{64}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** A path inside the zip: relative, forward slashes, no '..' (a reader never writes it to disk). */
const SAFE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]+$/;

function checkColumn(c: Checker, v: JsonValue, path: string): void {
  const o = c.obj(v, path);
  if (!o) return;
  c.str(o.name, `${path}.name`, true);
  c.oneOf(o.kind, `${path}.kind`, COLUMN_KINDS);
  c.oneOf(o.role, `${path}.role`, ['feature', 'target', 'unused'] as const);
  c.num(o.missing, `${path}.missing`, { integer: true, min: 0 });
  if (o.categories !== null) c.strings(o.categories, `${path}.categories`);
  if (o.range !== null) {
    const r = c.obj(o.range, `${path}.range`);
    if (r) {
      c.num(r.min, `${path}.range.min`);
      c.num(r.max, `${path}.range.max`);
    }
  }
}

function checkProfileColumn(c: Checker, v: JsonValue, path: string): void {
  const o = c.obj(v, path);
  if (!o) return;
  c.str(o.name, `${path}.name`, true);
  c.oneOf(o.kind, `${path}.kind`, COLUMN_KINDS);
  c.num(o.count, `${path}.count`, { integer: true, min: 0 });
  c.num(o.missing, `${path}.missing`, { integer: true, min: 0 });
  for (const k of ['mean', 'std', 'min', 'max'] as const)
    if (o[k] !== undefined) c.numOrNull(o[k], `${path}.${k}`);
  if (o.quantiles !== undefined) c.numbers(o.quantiles, `${path}.quantiles`);
  if (o.binCounts !== undefined) c.numbers(o.binCounts, `${path}.binCounts`);
  if (o.top !== undefined) {
    c.arr(o.top, `${path}.top`)?.forEach((t, i) => {
      const e = c.obj(t, `${path}.top[${i}]`);
      if (e) {
        c.str(e.value, `${path}.top[${i}].value`);
        c.num(e.count, `${path}.top[${i}].count`, { integer: true, min: 0 });
      }
    });
  }
  if (o.otherCount !== undefined) c.num(o.otherCount, `${path}.otherCount`, { min: 0 });
}

/** Checks a manifest of the current version; returns the problems (empty when valid). */
export function manifestProblems(json: unknown): string[] {
  const c = new Checker();
  const m = c.obj(json as Json, 'manifest');
  if (!m) return c.problems;
  if (m.format !== BUNDLE_FORMAT) c.fail('format', `"${BUNDLE_FORMAT}"`, m.format);
  if (m.version !== BUNDLE_VERSION) c.fail('version', String(BUNDLE_VERSION), m.version);

  const model = c.obj(m.model, 'model');
  if (model) {
    c.str(model.name, 'model.name', true);
    if (typeof model.version !== 'string' || !SEMVER.test(model.version))
      c.fail('model.version', 'a semantic version such as "1.0.0"', model.version);
    c.strOrNull(model.description, 'model.description');
    const spec = c.obj(model.spec, 'model.spec');
    if (spec) {
      c.str(spec.kind, 'model.spec.kind', true);
      c.obj(spec.params, 'model.spec.params');
    }
    c.oneOf(model.task, 'model.task', ['classification', 'regression'] as const);
  }
  if (typeof m.created !== 'string' || !ISO_DATE.test(m.created))
    c.fail('created', 'an ISO 8601 time such as "2025-01-31T12:00:00Z"', m.created);

  const input = c.obj(m.input, 'input');
  if (input) {
    c.arr(input.columns, 'input.columns')?.forEach((col, i) =>
      checkColumn(c, col, `input.columns[${i}]`),
    );
    c.strings(input.features, 'input.features');
    if (Array.isArray(input.features) && input.features.length === 0)
      c.fail('input.features', 'a non-empty list', input.features);
  }

  const target = c.obj(m.target, 'target');
  if (target) {
    c.str(target.name, 'target.name', true);
    c.oneOf(target.kind, 'target.kind', COLUMN_KINDS);
    if (target.labels !== null) c.strings(target.labels, 'target.labels');
    if (target.counts !== null) c.numbers(target.counts, 'target.counts');
    c.strOrNull(target.positive, 'target.positive');
  }

  c.arr(m.steps, 'steps')?.forEach((s, i) => {
    const o = c.obj(s, `steps[${i}]`);
    if (!o) return;
    const spec = c.obj(o.spec, `steps[${i}].spec`);
    if (spec) c.str(spec.kind, `steps[${i}].spec.kind`, true);
    c.obj(o.state, `steps[${i}].state`);
    c.arr(o.inputSchema, `steps[${i}].inputSchema`);
    c.arr(o.outputSchema, `steps[${i}].outputSchema`);
  });

  const training = c.obj(m.training, 'training');
  if (training) {
    c.num(training.rows, 'training.rows', { integer: true, min: 0 });
    c.num(training.fittedRows, 'training.fittedRows', { integer: true, min: 0 });
    if (training.sampler !== null) c.obj(training.sampler, 'training.sampler');
    c.strOrNull(training.recipeName, 'training.recipeName');
    c.numOrNull(training.iterations, 'training.iterations');
    c.boolOrNull(training.converged, 'training.converged');
    c.strOrNull(training.stopReason, 'training.stopReason');
    c.strOrNull(training.backend, 'training.backend');
  }

  const metrics = c.obj(m.metrics, 'metrics');
  if (metrics) {
    if (metrics.cv !== null) {
      const cv = c.obj(metrics.cv, 'metrics.cv');
      if (cv) {
        c.num(cv.folds, 'metrics.cv.folds', { integer: true, min: 1 });
        if (cv.validation !== null) c.obj(cv.validation, 'metrics.cv.validation');
        const summary = c.obj(cv.summary, 'metrics.cv.summary');
        if (summary) {
          for (const [name, s] of Object.entries(summary)) {
            const o = c.obj(s, `metrics.cv.summary.${name}`);
            if (o) {
              c.numOrNull(o.mean, `metrics.cv.summary.${name}.mean`);
              c.numOrNull(o.std, `metrics.cv.summary.${name}.std`);
            }
          }
        }
      }
    }
    if (metrics.holdout !== null) {
      const h = c.obj(metrics.holdout, 'metrics.holdout');
      if (h) {
        c.num(h.rows, 'metrics.holdout.rows', { integer: true, min: 0 });
        const values = c.obj(h.values, 'metrics.holdout.values');
        if (values)
          for (const [k, v] of Object.entries(values))
            c.numOrNull(v, `metrics.holdout.values.${k}`);
      }
    }
  }

  const data = c.obj(m.data, 'data');
  if (data) {
    if (typeof data.fingerprint !== 'string' || !SHA256.test(data.fingerprint))
      c.fail('data.fingerprint', 'a sha256 in hex', data.fingerprint);
    const source = c.obj(data.source, 'data.source');
    if (source) {
      c.strOrNull(source.name, 'data.source.name');
      if (
        source.sha256 !== null &&
        (typeof source.sha256 !== 'string' || !SHA256.test(source.sha256))
      )
        c.fail('data.source.sha256', 'a sha256 in hex or null', source.sha256);
    }
    const profile = c.obj(data.profile, 'data.profile');
    if (profile) {
      c.num(profile.rows, 'data.profile.rows', { integer: true, min: 0 });
      c.arr(profile.columns, 'data.profile.columns')?.forEach((col, i) =>
        checkProfileColumn(c, col, `data.profile.columns[${i}]`),
      );
    }
  }

  c.num(m.seed, 'seed', { integer: true });
  const libs = c.obj(m.libraries, 'libraries');
  if (libs) for (const [k, v] of Object.entries(libs)) c.str(v, `libraries.${k}`);

  const q = c.obj(m.quantization, 'quantization');
  if (q) {
    c.oneOf(q.dtype, 'quantization.dtype', QUANTIZATIONS);
    if (q.calibration !== undefined && q.calibration !== null) {
      const cal = c.obj(q.calibration, 'quantization.calibration');
      if (cal) {
        c.oneOf(cal.method, 'quantization.calibration.method', ['gptq']);
        c.num(cal.rows, 'quantization.calibration.rows', { min: 1, integer: true });
      }
    }
    if (q.pruning !== null) {
      const p = c.obj(q.pruning, 'quantization.pruning');
      if (p) {
        c.num(p.sparsity, 'quantization.pruning.sparsity', { min: 0 });
        if (typeof p.fineTuned !== 'boolean')
          c.fail('quantization.pruning.fineTuned', 'true or false', p.fineTuned);
      }
    }
  }

  const files = c.obj(m.files, 'files');
  if (files) {
    for (const [path, entry] of Object.entries(files)) {
      if (!SAFE_PATH.test(path) || path === MANIFEST_FILE || path === SIGNATURE_FILE)
        c.problems.push(`'files' lists '${path}', which is not a file a bundle may hash`);
      const e = c.obj(entry, `files.${path}`);
      if (e) {
        if (typeof e.sha256 !== 'string' || !SHA256.test(e.sha256))
          c.fail(`files.${path}.sha256`, 'a sha256 in hex', e.sha256);
        c.num(e.bytes, `files.${path}.bytes`, { integer: true, min: 0 });
      }
    }
    for (const required of [MODEL_JSON_FILE, WEIGHTS_BIN_FILE])
      if (!(required in files)) c.problems.push(`'files' does not list '${required}'`);
  }
  return c.problems;
}

/** Throws a BenchtopError naming the fields at fault (the first five) unless `json` is valid. */
export function checkManifest(json: unknown): BundleManifest {
  const problems = manifestProblems(json);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? ` and ${problems.length - 5} more` : '';
    throw new BenchtopError(
      'invalid-argument',
      `This bundle's manifest.json is not valid: ${shown}${more}. The bundle was damaged or not written by Benchtop; export it again.`,
      { problems: problems.slice(0, 20) },
    );
  }
  return json as BundleManifest;
}

// ---- migrations --------------------------------------------------------------------------------

/**
 * One function per old version: MIGRATIONS[v] turns a version-v manifest into version v + 1 (as
 * src/core/recipe/recipe.ts does for recipes). Version 1 is the first bundle format, so there is
 * nothing to migrate yet; when version 2 changes the shape, add MIGRATIONS[1] and a test, and bump
 * BUNDLE_VERSION. Migrations only reshape JSON: they never run anything from the bundle.
 */
export type ManifestMigration = (manifest: JsonObject) => JsonObject;
export const MIGRATIONS: Readonly<Record<number, ManifestMigration>> = {};

/** Brings a manifest up to `target`, one version at a time; refuses newer and unknown versions. */
export function migrateManifest(
  json: JsonObject,
  migrations: Readonly<Record<number, ManifestMigration>> = MIGRATIONS,
  target: number = BUNDLE_VERSION,
): { manifest: JsonObject; from: number } {
  const v = json.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new BenchtopError(
      'invalid-argument',
      `This bundle's manifest.json has no valid format version (found ${JSON.stringify(v) ?? 'nothing'}); a Benchtop bundle says "version": ${target}.`,
    );
  }
  if (v > target) {
    throw new BenchtopError(
      'invalid-argument',
      `Bundle format ${v} is newer than this app (it reads bundle formats up to ${target}). Update Benchtop to open it.`,
      { version: v, supported: target },
    );
  }
  let version = v;
  let current = json;
  while (version < target) {
    const step = migrations[version];
    if (!step) {
      throw new BenchtopError(
        'invalid-argument',
        `This bundle is format ${version}, which this version of Benchtop cannot convert (it reads formats ${target} and up).`,
        { version, supported: target },
      );
    }
    current = { ...step(structuredClone(current)), version: version + 1 };
    version++;
  }
  return { manifest: current, from: v };
}
