// `benchtop predict <bundle.zip> <data> --out <predictions.csv|.arrow>`: reads and verifies a model
// bundle (src/core/bundle), reads the data with Benchtop's ingest, predicts through the same
// inference code as the browser (src/core/inference's predictFrame: columns matched by name, kinds
// converted, missing / wrongly typed columns refused with the column named) and writes the input
// columns plus `prediction` and one `proba_<class>` column per class (regression: `prediction`
// only), DESIGN.md §7. Columns the model does not use are kept in the output and mentioned.
// `loadBundleFile` is shared with `benchtop serve`.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { readBundle, type Bundle } from '../core/bundle';
import { BenchtopError } from '../core/errors';
import {
  frameFromTable,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type FrameColumn,
} from '../core/data/frame';
import { ingest } from '../core/ingest/index';
import type { ByteSource } from '../core/ingest/types';
import { DEFAULT_MISSING_TEXT } from '../core/ingest/reading-options';
import { loadPredictor, quotedList, type InputReport, type Prediction } from '../core/inference';
import { JSON_HELP_FLAGS, READING_FLAGS, parseCommandLine, readingFlags } from './args';
import { startTf } from './cv';
import { PrepareUsageError, outputFormat, writeOutput, type PrepareOutput } from './prepare';

export const PREDICT_USAGE = `Usage: benchtop predict <bundle.zip> <data> --out <predictions.csv|.arrow> [options]

Predicts every row of <data> with a model bundle exported from Benchtop (a .benchtop.zip, verified
before use) and writes the input columns plus 'prediction' and, for a classifier, one
'proba_<class>' column per class. Columns are matched by name: a column the model needs that is
absent, or a value of the wrong type, is an error naming it; columns the model does not use are
kept in the output and listed.

Options:
  --out FILE        where to write the predictions (.csv, .arrow or .arrows)
  --json            print one JSON object: {bundle, model, data, out, rows, columns, extraColumns,
                    unknownCategories, missingValues, predicted, backend, seconds}
  --backend B       tfjs backend: wasm (default) or cpu
  --delimiter D     CSV input: auto (default), comma, semicolon, tab or pipe
  --encoding E      CSV input: auto (default), utf-8 or windows-1252 (latin-1)
  --missing LIST    CSV input: values read as missing (default: "${DEFAULT_MISSING_TEXT}")
  -h, --help        show this help
`;

export interface PredictArgs {
  bundle: string;
  data: string;
  out: string;
  backend?: string;
  delimiter?: string;
  encoding?: string;
  missing?: string;
}

/** What `benchtop predict --json` prints. */
export interface PredictOutput {
  bundle: string;
  model: { name: string; version: string; task: 'classification' | 'regression' };
  data: string;
  out: string;
  format: PrepareOutput['format'];
  rows: number;
  /** The output's columns, in order: the input's, then prediction and proba_<class>. */
  columns: string[];
  /** Input columns the model does not read (kept in the output). */
  extraColumns: string[];
  unknownCategories: InputReport['unknownCategories'];
  missingValues: InputReport['missingValues'];
  /** Values the reader could not parse as their column's kind (read as missing), per column. */
  strayValues: { column: string; count: number; examples: { line: number; value: string }[] }[];
  /** The reader's notes (ragged rows left out, renamed headers, decimal commas...). */
  notes: string[];
  /** Classification: rows per predicted label. Regression: the predictions' mean, min and max. */
  predicted: Record<string, number>;
  backend: string;
  seconds: number;
}

/** Reads and verifies a bundle file; every failure is a BenchtopError naming the file. */
export async function loadBundleFile(path: string): Promise<Bundle> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new BenchtopError('not-found', `no such bundle: ${path}`);
    if (code === 'EISDIR') {
      throw new BenchtopError(
        'invalid-argument',
        `${path} is a directory; give the .benchtop.zip file that Benchtop exported (benchtop train --out model.benchtop.zip writes one).`,
      );
    }
    throw new BenchtopError('invalid-argument', `cannot read ${path}: ${String(err)}`);
  }
  try {
    return await readBundle(bytes);
  } catch (err) {
    if (err instanceof BenchtopError) {
      throw new BenchtopError(err.code, `${basename(path)}: ${err.message}`, err.details);
    }
    throw err;
  }
}

const usage = (message: string) => new PrepareUsageError(message);

export const PREDICTION_COLUMN = 'prediction';
export const probaColumn = (label: string): string => `proba_${label}`;

/** The input frame plus the prediction columns. */
function predictionsFrame(
  input: Frame,
  predictions: readonly Prediction[],
  labels: readonly string[] | null,
): Frame {
  const added: FrameColumn[] = [];
  if (labels) {
    const cls = predictions as { label: string; probabilities: Record<string, number> }[];
    added.push(
      stringColumn(
        PREDICTION_COLUMN,
        'categorical',
        cls.map((p) => p.label),
      ),
    );
    for (const label of labels) {
      added.push(
        numericColumn(
          probaColumn(label),
          'number',
          cls.map((p) => p.probabilities[label]),
        ),
      );
    }
  } else {
    added.push(
      numericColumn(
        PREDICTION_COLUMN,
        'number',
        (predictions as { value: number }[]).map((p) => p.value),
      ),
    );
  }
  const taken = added.map((c) => c.name).filter((n) => input.columns.some((c) => c.name === n));
  if (taken.length > 0) {
    throw new BenchtopError(
      'invalid-argument',
      `The data already has ${taken.length === 1 ? 'a column' : 'columns'} ${taken.map((n) => `'${n}'`).join(', ')}, which the predictions would be written to (is it an earlier predictions file?). Rename or drop ${taken.length === 1 ? 'it' : 'them'}, or predict on the original data.`,
      { column: taken[0] },
    );
  }
  return makeFrame([...input.columns, ...added], input.rows);
}

function summary(
  predictions: readonly Prediction[],
  labels: readonly string[] | null,
): Record<string, number> {
  if (labels) {
    const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
    for (const p of predictions) counts[(p as { label: string }).label]++;
    return counts;
  }
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const p of predictions) {
    const v = (p as { value: number }).value;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return predictions.length === 0
    ? {}
    : { mean: sum / predictions.length, min, max, count: predictions.length };
}

/** Runs `benchtop predict`; `now` (milliseconds) is injectable for tests. */
export async function predict(
  args: PredictArgs,
  open: (path: string) => Promise<ByteSource>,
  now: () => number = () => performance.now(),
): Promise<PredictOutput> {
  const format = outputFormat(args.out);
  if (resolve(args.out) === resolve(args.data) || resolve(args.out) === resolve(args.bundle)) {
    throw new PrepareUsageError('--out must not be the data file or the bundle itself.');
  }
  const backend = args.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new PrepareUsageError(`--backend must be wasm or cpu (got '${backend}').`);
  }
  const options = readingFlags(args, usage);
  const started = now();
  const bundle = await loadBundleFile(args.bundle);
  const source = await open(args.data);
  const result = await ingest(source, options);
  const frame = frameFromTable(result.table, result.schema);
  const { tf } = await startTf(backend);
  const predictor = await loadPredictor(tf, bundle);
  try {
    const { predictions, report } = await predictor.predictFrame(frame);
    const out = predictionsFrame(frame, predictions, predictor.labels);
    writeOutput(args.out, format, out);
    const m = bundle.manifest.model;
    return {
      bundle: basename(args.bundle),
      model: { name: m.name, version: m.version, task: m.task },
      data: source.name,
      out: args.out,
      format,
      rows: frame.rows,
      columns: out.columns.map((c) => c.name),
      extraColumns: report.extraColumns,
      unknownCategories: report.unknownCategories,
      missingValues: report.missingValues,
      strayValues: Object.entries(result.report.strayValues).map(([column, v]) => ({
        column,
        count: v.count,
        examples: v.examples.slice(0, 5).map((e) => ({ line: e.line, value: e.value })),
      })),
      notes: [
        ...(result.report.raggedRows.count > 0
          ? [
              `${result.report.raggedRows.count} rows have a different number of fields than the header and were left out (first at line ${result.report.raggedRows.lines[0]})`,
            ]
          : []),
        ...result.report.notes,
      ],
      predicted: summary(predictions, predictor.labels),
      backend: tf.getBackend(),
      seconds: (now() - started) / 1000,
    };
  } finally {
    predictor.dispose();
  }
}

/** The summary for a terminal. */
export function renderPredict(o: PredictOutput): string {
  const lines = [
    `predicted ${o.rows.toLocaleString('en-US')} rows of ${o.data} with ${o.model.name} ${o.model.version} (${o.model.task}) -> ${o.out}; backend ${o.backend}; ${o.seconds.toFixed(2)} s`,
  ];
  if (o.model.task === 'classification') {
    const parts = Object.entries(o.predicted).map(([label, n]) => `${label} ${n}`);
    lines.push(`predicted classes: ${parts.join(', ')}`);
  } else if (o.predicted.count !== undefined) {
    const f = (v: number) => v.toPrecision(5);
    lines.push(
      `predictions: mean ${f(o.predicted.mean)}, min ${f(o.predicted.min)}, max ${f(o.predicted.max)}`,
    );
  }
  if (o.extraColumns.length > 0) {
    lines.push(
      `note: the model does not use ${quotedList(o.extraColumns)}; kept in the output as they were`,
    );
  }
  for (const u of o.unknownCategories) {
    lines.push(
      `note: '${u.column}' has values never seen in training (${quotedList(u.values, 5)}) in ${u.rows} rows; they are encoded as the model's steps encode unknown values`,
    );
  }
  for (const s of o.strayValues) {
    const shown = s.examples.map((e) => `line ${e.line}: "${e.value}"`).join(', ');
    lines.push(
      `note: '${s.column}' has ${s.count} ${s.count === 1 ? 'value that does' : 'values that do'} not fit its kind (${shown}), read as missing`,
    );
  }
  for (const n of o.notes) lines.push(`note: ${n}`);
  for (const m of o.missingValues) {
    lines.push(
      `note: '${m.column}' is missing in ${m.rows} rows; filled as in training where the steps do`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `benchtop predict ...` from argv (after the command name); usage mistakes are PrepareUsageError. */
export async function predictCommand(
  argv: string[],
  io: { stdout(text: string): void },
  open: (path: string) => Promise<ByteSource>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    { out: { type: 'string' }, backend: { type: 'string' }, ...READING_FLAGS, ...JSON_HELP_FLAGS },
    usage,
  );
  if (values.help) {
    io.stdout(PREDICT_USAGE);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new PrepareUsageError(
      positionals.length < 2
        ? 'predict needs a bundle and a data file: benchtop predict <bundle.zip> <data> --out <predictions.csv>'
        : `predict takes a bundle and one data file, got ${positionals.length} arguments: ${positionals.join(' ')}`,
    );
  }
  if (values.out === undefined) {
    throw new PrepareUsageError(
      'predict needs --out <predictions.csv|.arrow>: where to write the predictions.',
    );
  }
  const output = await predict(
    {
      bundle: positionals[0],
      data: positionals[1],
      out: values.out,
      ...(values.backend !== undefined ? { backend: values.backend } : {}),
      ...(values.delimiter !== undefined ? { delimiter: values.delimiter } : {}),
      ...(values.encoding !== undefined ? { encoding: values.encoding } : {}),
      ...(values.missing !== undefined ? { missing: values.missing } : {}),
    },
    open,
  );
  io.stdout(values.json ? `${JSON.stringify(output)}\n` : renderPredict(output));
  return 0;
}
