// The `benchtop` command line: the same core as the browser app, headless (DESIGN.md §7).
// This file parses argv, turns a path into a restartable ByteSource over fs streams and prints
// results; all the work is done by src/core. Exit codes: 0 ok, 1 the input or the work failed,
// 2 the command line itself was wrong. Errors go to stderr as "error: <message>", never a stack.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BenchtopError, toBenchtopError } from '../core/errors';
import type { ByteSource } from '../core/ingest/types';
import type { ProfileOutput } from './render';
import { DEFAULT_MISSING_TEXT } from '../core/ingest/reading-options';
import {
  JSON_HELP_FLAGS,
  READING_FLAGS,
  benchtopVersion,
  parseCommandLine,
  readingFlags,
  type OptionSpecs,
} from './args';

// Each command's module is imported when that command runs (and a command's --help when asked):
// `benchtop --version` loads none of them, and `benchtop resample` never loads training, bundles
// or the HTTP server. Through the prebuilt CLI (bin/benchtop.mjs) each is a chunk of its own.
const commands = {
  prepare: () => import('./prepare'),
  resample: () => import('./resample'),
  cv: () => import('./cv'),
  train: () => import('./train'),
  predict: () => import('./predict'),
  serve: () => import('./serve'),
};

/** A command's usage text, from its own module. */
async function commandUsage(command: string): Promise<string | undefined> {
  switch (command) {
    case 'profile':
      return PROFILE_USAGE;
    case 'prepare':
      return (await commands.prepare()).PREPARE_USAGE;
    case 'resample':
      return (await commands.resample()).RESAMPLE_USAGE;
    case 'cv':
      return (await commands.cv()).CV_USAGE;
    case 'train':
      return (await commands.train()).TRAIN_USAGE;
    case 'predict':
      return (await commands.predict()).PREDICT_USAGE;
    case 'serve':
      return (await commands.serve()).SERVE_USAGE;
    default:
      return undefined;
  }
}

/**
 * prepare.ts's PrepareUsageError (a mistake in a command's options, shared by every command that
 * writes or reads recipes) as main's UsageError; anything else unchanged. Every command that
 * throws one has already loaded prepare.ts, so the import here costs nothing.
 */
async function asUsage(err: unknown, prefix = ''): Promise<unknown> {
  const { PrepareUsageError } = await commands.prepare();
  return err instanceof PrepareUsageError ? new UsageError(`${prefix}${err.message}`) : err;
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

const defaultIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

/** A mistake in the command line itself (exit code 2). */
class UsageError extends Error {}
const usage = (message: string) => new UsageError(message);

const USAGE = `Usage: benchtop <command> [options]

Benchtop profiles, prepares and models tabular data: the same core as the browser app.

Commands:
  profile <data> [--json]   rows, columns (kind, missing, unique, min, max, mean, std), warnings
  prepare <data> [--recipe recipe.json] [--target COL] --out <file.csv|.arrow> [--json]
                            fit a recipe (default: auto-prepare for --target) and write the result
  resample <data> --target COL --method smote|smote-nc|random-over|random-under|tomek
           [--k 5] [--ratio auto|R] [--seed N] [--recipe recipe.json] --out <file.csv|.arrow> [--json]
                            rebalance the classes and write the result

  cv <data> --target COL [--recipe recipe.json] [--model logreg|mlp|linear|mlp-regressor]
           [--folds 5] [--validation V] [--sampler S] [--fold-column COL] [--drop COL,...]
           [--seed N] [--json]
                            cross-validate: every metric's mean ± std over the folds
  train <data> --target COL [...cv's options...] [--quantize none|float16|uint8]
           --out <model.benchtop.zip> [--json]
                            train on every row; write a model bundle (model, steps, manifest)
  predict <bundle.zip> <data> --out <predictions.csv|.arrow> [--json]
                            the data's columns plus prediction and proba_<class> per row
  serve <bundle.zip> [--port 8080] [--host 127.0.0.1] [--max-body 10mb]
                            HTTP: POST /predict {"rows": [...]}, GET /health

Planned (not in this version yet): drift

<data> is a .csv, .tsv, .arrow, .arrows or .parquet file.
Run 'benchtop <command> --help' for a command's options.
Options: -h, --help   show this help;  -v, --version   print the version
`;

const PROFILE_USAGE = `Usage: benchtop profile <data> [--json] [--delimiter D] [--encoding E] [--missing LIST]

Reads a CSV / TSV, Arrow (file or stream) or Parquet file and prints, for every column, its kind
(integer, number, boolean, date, categorical, text), missing and distinct counts, min, max,
mean and standard deviation (n - 1, as pandas), followed by warnings (constant, ID-like, mostly
missing, stray values with their lines, ragged rows, renamed headers).

Options:
  --json            print one JSON object: {file, format, rows, cols, columns: [...], warnings: [...],
                    notes: [...]} (dates as epoch milliseconds)
  --delimiter D     CSV: auto (default), comma, semicolon, tab or pipe
  --encoding E      CSV: auto (default), utf-8 or windows-1252 (latin-1)
  --missing LIST    CSV: comma-separated values read as missing; empty fields always are
                    (default: "${DEFAULT_MISSING_TEXT}")
  -h, --help        show this help
`;

/** Commands DESIGN.md §7 describes that later versions add. */
const PLANNED = new Set(['drift']);

/** A restartable ByteSource over a file: every chunks() call opens a fresh read stream. */
export async function fileSource(path: string): Promise<ByteSource> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new BenchtopError('invalid-argument', `${path} is a directory, not a data file.`);
    }
    size = info.size;
  } catch (err) {
    if (err instanceof BenchtopError) throw err;
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new BenchtopError('not-found', `no such file: ${path}`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new BenchtopError('invalid-argument', `cannot read ${path}: permission denied`);
    }
    throw toBenchtopError(err, `cannot read ${path}`);
  }
  return {
    name: basename(path),
    size,
    async *chunks() {
      const stream = createReadStream(path, { highWaterMark: 1 << 20 });
      try {
        for await (const chunk of stream) {
          const buf = chunk as Buffer;
          // A plain Uint8Array view: readers must not meet Buffer's different slice().
          yield new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
        }
      } finally {
        stream.destroy();
      }
    },
  };
}

async function profileCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { ...JSON_HELP_FLAGS, ...READING_FLAGS });
  if (values.help) {
    io.stdout(PROFILE_USAGE);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('profile needs a data file: benchtop profile <data> [--json]');
  if (positionals.length > 1) {
    throw new UsageError(
      `profile takes one data file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const path = positionals[0];
  const [{ ingest }, { profileTable }, { renderProfile }] = await Promise.all([
    import('../core/ingest/index'),
    import('../core/data/profile'),
    import('./render'),
  ]);
  const source = await fileSource(path);
  const result = await ingest(source, readingFlags(values, usage));
  const profile = profileTable(result.table, result.schema, result.report);
  const output: ProfileOutput = {
    file: source.name,
    format: result.report.format,
    rows: profile.rows,
    cols: profile.cols,
    columns: profile.columns,
    warnings: profile.warnings,
    notes: result.report.notes,
  };
  io.stdout(values.json ? `${JSON.stringify(output)}\n` : renderProfile(output));
  return 0;
}

async function prepareCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    recipe: { type: 'string' },
    target: { type: 'string' },
    task: { type: 'string' },
    seed: { type: 'string' },
    'save-recipe': { type: 'string' },
    ...READING_FLAGS,
    ...JSON_HELP_FLAGS,
  });
  const { PREPARE_USAGE, prepare, renderPrepare } = await commands.prepare();
  if (values.help) {
    io.stdout(PREPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'prepare needs a data file: benchtop prepare <data> --target COL --out <file.csv|.arrow>'
        : `prepare takes one data file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (values.out === undefined) {
    throw new UsageError(
      'prepare needs --out <file.csv|.arrow>: where to write the prepared data.',
    );
  }
  try {
    const output = await prepare(
      {
        data: positionals[0],
        out: values.out,
        recipe: values.recipe,
        target: values.target,
        task: values.task,
        seed: values.seed,
        saveRecipe: values['save-recipe'],
        delimiter: values.delimiter,
        encoding: values.encoding,
        missing: values.missing,
      },
      fileSource,
    );
    io.stdout(values.json ? `${JSON.stringify(output)}\n` : renderPrepare(output));
    return 0;
  } catch (err) {
    throw await asUsage(err);
  }
}

async function resampleCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    target: { type: 'string' },
    method: { type: 'string' },
    k: { type: 'string' },
    ratio: { type: 'string' },
    seed: { type: 'string' },
    recipe: { type: 'string' },
    backend: { type: 'string' },
    ...READING_FLAGS,
    ...JSON_HELP_FLAGS,
  });
  const { RESAMPLE_USAGE, renderResample, resampleFile } = await commands.resample();
  if (values.help) {
    io.stdout(RESAMPLE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'resample needs a data file: benchtop resample <data> --target COL --method smote --out <file.csv|.arrow>'
        : `resample takes one data file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (values.out === undefined) {
    throw new UsageError('resample needs --out <file.csv|.arrow>: where to write the rows.');
  }
  try {
    const { json, help: _help, ...rest } = values;
    const output = await resampleFile(
      { data: positionals[0], out: values.out, ...rest },
      fileSource,
    );
    io.stdout(json ? `${JSON.stringify(output)}\n` : renderResample(output));
    return 0;
  } catch (err) {
    throw await asUsage(err);
  }
}

/** `cv` and `train`: one data file, the shared job options. */
async function jobCommand(command: 'cv' | 'train', args: string[], io: CliIO): Promise<number> {
  const { JOB_ARG_OPTIONS, CV_USAGE, cv, jobArgs, renderCv } = await commands.cv();
  const { values, positionals } = parse(args, {
    ...JOB_ARG_OPTIONS,
    ...(command === 'train'
      ? {
          out: { type: 'string' },
          'skip-cv': { type: 'boolean', default: false },
          quantize: { type: 'string' },
          name: { type: 'string' },
          'model-version': { type: 'string' },
        }
      : {}),
    ...JSON_HELP_FLAGS,
  });
  if (values.help) {
    io.stdout(command === 'cv' ? CV_USAGE : (await commands.train()).TRAIN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `${command} needs a data file: benchtop ${command} <data> --target COL${command === 'train' ? ' --out <model.benchtop.zip>' : ''}`
        : `${command} takes one data file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const json = values.json === true;
  try {
    if (command === 'cv') {
      const output = await cv(jobArgs(positionals[0], values), fileSource);
      io.stdout(json ? `${JSON.stringify(output)}\n` : renderCv(output));
      return 0;
    }
    const out = (values as { out?: unknown }).out;
    if (typeof out !== 'string') {
      throw new UsageError(
        'train needs --out <model.benchtop.zip>: where to write the model bundle.',
      );
    }
    const { train, renderTrain } = await commands.train();
    const output = await train(
      {
        ...jobArgs(positionals[0], values),
        out,
        skipCv: (values as { 'skip-cv'?: unknown })['skip-cv'] === true,
        ...trainStrings(values),
      },
      fileSource,
    );
    io.stdout(json ? `${JSON.stringify(output)}\n` : renderTrain(output));
    return 0;
  } catch (err) {
    throw await asUsage(err, `${command}: `);
  }
}

/** train's bundle options (--quantize, --name, --model-version) as TrainArgs fields. */
function trainStrings(values: object): { quantize?: string; name?: string; modelVersion?: string } {
  const v = values as Record<string, unknown>;
  const out: { quantize?: string; name?: string; modelVersion?: string } = {};
  if (typeof v.quantize === 'string') out.quantize = v.quantize;
  if (typeof v.name === 'string') out.name = v.name;
  if (typeof v['model-version'] === 'string') out.modelVersion = v['model-version'];
  return out;
}

/** parseCommandLine with main.ts's own usage error. */
function parse<O extends OptionSpecs>(args: string[], options: O) {
  return parseCommandLine(args, options, usage);
}

/** Runs the CLI; returns the exit code instead of exiting, so tests and the bin share it. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.stderr(USAGE);
      return 2;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.stdout((rest[0] !== undefined ? await commandUsage(rest[0]) : undefined) ?? USAGE);
      return 0;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(`benchtop ${benchtopVersion()}\n`);
      return 0;
    }
    if (command === 'profile') return await profileCommand(rest, io);
    if (command === 'prepare') return await prepareCommand(rest, io);
    if (command === 'resample') return await resampleCommand(rest, io);
    if (command === 'cv' || command === 'train') return await jobCommand(command, rest, io);
    if (command === 'predict' || command === 'serve') {
      try {
        return command === 'predict'
          ? await (await commands.predict()).predictCommand(rest, io, fileSource)
          : await (await commands.serve()).serveCommand(rest, io);
      } catch (err) {
        throw await asUsage(err, `${command}: `);
      }
    }
    if (PLANNED.has(command)) {
      io.stderr(`error: '${command}' is not available yet in this version\n`);
      return 2;
    }
    throw new UsageError(
      `unknown command '${command}'. Run 'benchtop --help' to see the commands.`,
    );
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    const error = toBenchtopError(err, 'internal error');
    io.stderr(`error: ${error.message}\n`);
    if (error.code === 'internal' && typeof error.details.cause === 'string') {
      io.stderr(`  details: ${error.details.cause}\n`);
    }
    return 1;
  }
}
