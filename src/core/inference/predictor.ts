// Predictions from a bundle: rows (or a frame) -> input check by column name -> the fitted
// transform steps replayed (src/core/steps/pipeline.ts, filters never) -> the feature matrix in
// the model's order -> the stock tfjs model -> labels + probabilities, or values. The same code
// serves the browser (batch predictions, the one-row form), `benchtop predict` and `benchtop serve`.
import type * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BenchtopError, toBenchtopError } from '../errors';
import {
  findColumn,
  frameFromRows,
  isNumericColumn,
  isNumericKind,
  makeFrame,
  type Frame,
  type FrameColumn,
} from '../data/frame';
import type { ColumnSchema } from '../data/schema';
import type { Tf } from '../models/types';
import { applySteps } from '../steps';
import type { Bundle } from '../bundle/read';
import type { BundleManifest, InputColumn } from '../bundle/manifest';

/** Rows per tfjs call: bounds the activations' memory on a large batch. */
const BATCH = 8192;

export type Prediction =
  { label: string; probabilities: Record<string, number> } | { value: number };

/** What the input check noticed without refusing the rows. */
export interface InputReport {
  rows: number;
  /** Columns given that the model does not read (ignored). */
  extraColumns: string[];
  /** Per column: values never seen in training (handled as the encoder does) and their rows. */
  unknownCategories: { column: string; values: string[]; rows: number }[];
  /** Per feature column: rows where it was missing (filled as in training, when a step does). */
  missingValues: { column: string; rows: number }[];
}

export interface PredictResult {
  predictions: Prediction[];
  report: InputReport;
}

export interface Predictor {
  /** The columns a request carries: role 'feature' ones are required (null = missing value). */
  inputSignature: InputColumn[];
  task: 'classification' | 'regression';
  /** Classification: the labels, in the order of the probabilities. */
  labels: string[] | null;
  manifest: BundleManifest;
  /** Plain row objects (a JSON request, a form): checked by column name. */
  predictRows(rows: readonly Record<string, unknown>[]): Promise<PredictResult>;
  /** A frame (a stored dataset, a CSV read by the CLI): columns matched by name, kinds converted. */
  predictFrame(frame: Frame): Promise<PredictResult>;
  /** The raw model output for prepared rows: probabilities rows × classes, or values. */
  predictMatrix(X: Float32Array, rows: number): Promise<Float64Array>;
  /** Frees the model's weights (tfjs tensors are not garbage collected). */
  dispose(): void;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "'a', 'b' and 3 more": the first `max` names quoted, for messages and notes. */
export function quotedList(list: readonly string[], max = 8): string {
  const shown = list.slice(0, max).map((n) => `'${n}'`);
  return list.length > max ? `${shown.join(', ')} and ${list.length - max} more` : shown.join(', ');
}

/** Loads the bundle's model into tfjs (stock loader: quantized weights are decoded by tfjs). */
export async function loadPredictor(tf: Tf, bundle: Bundle): Promise<Predictor> {
  const m = bundle.manifest;
  const json = bundle.artifacts.modelJson as unknown as {
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
  };
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        ...(json.format ? { format: json.format } : {}),
        ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
        ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
        weightSpecs: bundle.artifacts.weightSpecs,
        weightData: bundle.artifacts.weightData,
      }),
    );
  } catch (err) {
    throw toBenchtopError(err, "Could not load this bundle's model", 'invalid-argument');
  }
  const inShape = model.inputs[0].shape;
  const cols = inShape[inShape.length - 1] ?? 0;
  const features = m.input.features;
  if (cols !== features.length) {
    model.dispose();
    throw new BenchtopError(
      'invalid-argument',
      `This bundle's model takes ${cols} inputs, but its manifest lists ${features.length} features. The bundle is inconsistent; export it again.`,
    );
  }
  const outShape = model.outputs[0].shape;
  const units = outShape[outShape.length - 1] ?? 1;
  const labels = m.target.labels;
  if (m.model.task === 'classification') {
    const k = Math.max(2, units);
    if (!labels || labels.length !== k) {
      model.dispose();
      throw new BenchtopError(
        'invalid-argument',
        `This bundle's model predicts ${k} classes, but its manifest lists ${labels?.length ?? 0} labels. The bundle is inconsistent; export it again.`,
      );
    }
  }
  const columns = m.input.columns;
  const signature = columns.filter((c) => c.role !== 'target');
  const schema: ColumnSchema[] = columns.map((c) => ({ name: c.name, kind: c.kind }));
  const known = new Set(columns.map((c) => c.name));
  let disposed = false;

  async function predictMatrix(X: Float32Array, rows: number): Promise<Float64Array> {
    if (disposed) {
      throw new BenchtopError(
        'invalid-argument',
        'This predictor was disposed; load the bundle again.',
      );
    }
    const k = m.model.task === 'classification' ? Math.max(2, units) : 1;
    const out = new Float64Array(rows * k);
    for (let start = 0; start < rows; start += BATCH) {
      const n = Math.min(BATCH, rows - start);
      const y = tf.tidy(() => {
        const x = tf.tensor2d(X.subarray(start * cols, (start + n) * cols), [n, cols]);
        return model.predict(x, { batchSize: n }) as tfc.Tensor;
      });
      const v = (await y.data()) as Float32Array;
      y.dispose();
      if (m.model.task === 'classification' && units === 1) {
        for (let i = 0; i < n; i++) {
          out[(start + i) * 2] = 1 - v[i];
          out[(start + i) * 2 + 1] = v[i];
        }
      } else {
        out.set(v, start * k);
      }
    }
    return out;
  }

  /** The prepared frame -> the model's matrix, features by name; a NaN names its column. */
  function matrix(prepared: Frame): Float32Array {
    const X = new Float32Array(prepared.rows * cols);
    features.forEach((name, j) => {
      const c = findColumn(prepared, name);
      if (!c || !isNumericColumn(c)) {
        throw new BenchtopError(
          'internal',
          `After the bundle's steps, the feature '${name}' is ${c ? 'not numeric' : 'missing'}. The bundle is inconsistent; export it again.`,
          { column: name },
        );
      }
      const v = c.values;
      for (let i = 0; i < prepared.rows; i++) {
        const x = v[i];
        if (!Number.isFinite(x)) {
          throw new BenchtopError(
            'invalid-argument',
            `Row ${i + 1} has no usable value for '${name}' once prepared (${x !== x ? 'missing' : 'infinite'}), and the model's steps do not fill it in: give it a value.`,
            { column: name, row: i + 1 },
          );
        }
        X[i * cols + j] = x;
      }
    });
    return X;
  }

  async function run(frame: Frame, report: InputReport): Promise<PredictResult> {
    if (frame.rows === 0) return { predictions: [], report };
    let prepared: Frame;
    try {
      prepared = applySteps(frame, bundle.steps, { inference: true });
    } catch (err) {
      throw toBenchtopError(err, 'Could not prepare the rows', 'invalid-argument');
    }
    const out = await predictMatrix(matrix(prepared), frame.rows);
    const predictions: Prediction[] = new Array<Prediction>(frame.rows);
    if (m.model.task === 'classification') {
      const k = labels!.length;
      for (let i = 0; i < frame.rows; i++) {
        const probabilities: Record<string, number> = {};
        let best = 0;
        for (let c = 0; c < k; c++) {
          probabilities[labels![c]] = out[i * k + c];
          if (out[i * k + c] > out[i * k + best]) best = c;
        }
        predictions[i] = { label: labels![best], probabilities };
      }
    } else {
      for (let i = 0; i < frame.rows; i++) predictions[i] = { value: out[i] };
    }
    return { predictions, report };
  }

  /** Unknown categories and missing values per signature column, for the report. */
  function inspect(frame: Frame, extra: string[]): InputReport {
    const unknownCategories: InputReport['unknownCategories'] = [];
    const missingValues: InputReport['missingValues'] = [];
    for (const s of signature) {
      if (s.role !== 'feature') continue;
      const c = findColumn(frame, s.name);
      if (!c) continue;
      let missingRows = 0;
      if (isNumericColumn(c)) {
        for (const v of c.values) if (v !== v) missingRows++;
      } else {
        const seen = s.categories ? new Set(s.categories) : null;
        const perCode = new Int32Array(c.categories.length);
        for (const code of c.codes) {
          if (code < 0) missingRows++;
          else perCode[code]++;
        }
        if (seen) {
          const values: string[] = [];
          let rows = 0;
          c.categories.forEach((v, k) => {
            if (perCode[k] > 0 && !seen.has(v)) {
              values.push(v);
              rows += perCode[k];
            }
          });
          if (values.length > 0)
            unknownCategories.push({ column: s.name, values: values.slice(0, 50), rows });
        }
      }
      if (missingRows > 0) missingValues.push({ column: s.name, rows: missingRows });
    }
    return { rows: frame.rows, extraColumns: extra, unknownCategories, missingValues };
  }

  function requireColumns(present: (name: string) => boolean, where: string): void {
    const absent = signature
      .filter((s) => s.role === 'feature' && !present(s.name))
      .map((s) => s.name);
    if (absent.length > 0) {
      throw new BenchtopError(
        'invalid-argument',
        `${where} ${absent.length === 1 ? 'has no column' : `lacks ${plural(absent.length, 'column')}`} ${quotedList(absent)}, which the model needs. Add ${absent.length === 1 ? 'it' : 'them'} (null or an empty value marks a value as unknown).`,
        { missing: absent.slice(0, 50), column: absent[0] },
      );
    }
  }

  return {
    inputSignature: signature,
    task: m.model.task,
    labels: labels ? [...labels] : null,
    manifest: m,
    predictMatrix,

    async predictRows(rows) {
      if (!Array.isArray(rows)) {
        throw new BenchtopError(
          'invalid-argument',
          'Predictions need a list of rows (objects of column: value).',
        );
      }
      const extra = new Set<string>();
      rows.forEach((row, i) => {
        if (typeof row !== 'object' || row === null || Array.isArray(row)) {
          throw new BenchtopError(
            'invalid-argument',
            `Row ${i + 1} is not an object of column: value pairs.`,
            { row: i + 1 },
          );
        }
        for (const key of Object.keys(row)) if (!known.has(key)) extra.add(key);
      });
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        requireColumns((name) => name in row, rows.length === 1 ? 'The row' : `Row ${i + 1}`);
      }
      const frame = frameFromRows(rows as Record<string, unknown>[], schema);
      return run(frame, inspect(frame, [...extra]));
    },

    async predictFrame(frame) {
      const extra = frame.columns.map((c) => c.name).filter((n) => !known.has(n));
      requireColumns((name) => findColumn(frame, name) !== undefined, 'The data');
      const cols: FrameColumn[] = columns.map((s) => {
        const c = findColumn(frame, s.name);
        if (!c) return emptyColumn(s.name, s.kind, frame.rows);
        return convertColumn(c, s);
      });
      const input = makeFrame(cols, frame.rows);
      return run(input, inspect(input, extra));
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}

function emptyColumn(name: string, kind: ColumnSchema['kind'], rows: number): FrameColumn {
  if (isNumericKind(kind)) return { name, kind, values: new Float64Array(rows).fill(NaN) };
  return { name, kind, codes: new Int32Array(rows).fill(-1), categories: [] };
}

/**
 * A data column in the kind the model was trained on: numbers <-> text converted value by value
 * (a stored dataset may have inferred '1', '2', '3' as categories where training saw integers).
 * A value that cannot be converted is an error naming the column, the value and its first row.
 */
function convertColumn(c: FrameColumn, s: InputColumn): FrameColumn {
  const wantNumeric = isNumericKind(s.kind);
  if (isNumericColumn(c)) {
    if (wantNumeric) {
      if (s.kind === 'integer' || s.kind === 'boolean') {
        // Reuse the row checks of frameFromRows for whole numbers / 0-1 values.
        for (let i = 0; i < c.values.length; i++) {
          const v = c.values[i];
          if (v !== v) continue;
          if (
            (s.kind === 'integer' && Number.isFinite(v) && !Number.isInteger(v)) ||
            (s.kind === 'boolean' && v !== 0 && v !== 1)
          ) {
            throw new BenchtopError(
              'invalid-argument',
              `Column '${c.name}' should hold ${s.kind === 'integer' ? 'whole numbers' : 'true or false'}, but row ${i + 1} has ${v}.`,
              { column: c.name, row: i + 1 },
            );
          }
        }
      }
      return { name: c.name, kind: s.kind as FrameColumn['kind'], values: c.values } as FrameColumn;
    }
    // Numbers where the model expects categories: their text, as a CSV would spell them.
    const strings = Array.from(c.values, (v) =>
      v !== v ? null : c.kind === 'boolean' ? (v !== 0 ? 'true' : 'false') : String(v),
    );
    return frameFromRows(
      strings.map((v) => ({ [c.name]: v })),
      [{ name: c.name, kind: s.kind }],
    ).columns[0];
  }
  if (!wantNumeric)
    return { name: c.name, kind: s.kind, codes: c.codes, categories: c.categories } as FrameColumn;
  // Categories where the model expects numbers: convert each distinct value once.
  const values = new Float64Array(c.codes.length);
  const perCategory = new Float64Array(c.categories.length);
  c.categories.forEach((v, k) => {
    const row = c.codes.indexOf(k);
    if (row < 0) return; // a category no row uses: nothing to convert
    try {
      perCategory[k] = (
        frameFromRows([{ [c.name]: v }], [{ name: c.name, kind: s.kind }]).columns[0] as {
          values: Float64Array;
        }
      ).values[0];
    } catch {
      throw new BenchtopError(
        'invalid-argument',
        `Column '${c.name}' should hold ${s.kind === 'boolean' ? 'true or false' : s.kind === 'date' ? 'dates' : s.kind === 'integer' ? 'whole numbers' : 'numbers'}, but row ${row + 1} has "${v}".`,
        { column: c.name, row: row + 1 },
      );
    }
  });
  for (let i = 0; i < values.length; i++)
    values[i] = c.codes[i] < 0 ? NaN : perCategory[c.codes[i]];
  return { name: c.name, kind: s.kind, values } as FrameColumn;
}
