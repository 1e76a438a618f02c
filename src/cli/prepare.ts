// `benchtop prepare`: fits a recipe (a file exported from Benchtop, or auto-prepare for a target)
// on the whole data file and writes the prepared rows as CSV or Arrow IPC (DESIGN.md §7). The work
// is src/core's (ingest, profile, recipe); this file reads and writes files and prints a summary.
// Output is written to a temporary file next to --out and renamed at the end, so a failure never
// leaves half a file behind.
import { closeSync, openSync, renameSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { BenchtopError } from '../core/errors';
import { csvByteChunks } from '../core/data/csv-write';
import { frameFromTable, frameToTable, type Frame } from '../core/data/frame';
import { profileTable } from '../core/data/profile';
import type { ColumnSchema } from '../core/data/schema';
import { ingest } from '../core/ingest/index';
import type { ByteSource } from '../core/ingest/types';
import { DEFAULT_MISSING_TEXT } from '../core/ingest/reading-options';
import {
  autoRecipe,
  fitRecipeSync,
  parseRecipeText,
  serializeRecipe,
  type Recipe,
  type Task,
} from '../core/recipe';
import { getStep } from '../core/steps';
import { readingFlags } from './args';

export const PREPARE_USAGE = `Usage: benchtop prepare <data> [--recipe recipe.json] [--target COL] --out <file.csv|.arrow>

Fits a recipe on every row of <data> and writes the prepared data. Without --recipe it uses
auto-prepare for --target: drop rows whose target is missing, leave out ID-like and free-text
columns, turn dates into parts, impute numbers with the median and categories with the most
frequent value, one-hot encode categories (<column>=<value>), standard-scale every number.

Options:
  --out FILE          where to write: .csv (RFC 4180), .arrow (Arrow IPC file) or .arrows (stream)
  --recipe FILE       a recipe exported from Benchtop (JSON, "format": "benchtop.recipe")
  --target COL        the column to predict (needed without --recipe; with one, must match it)
  --task T            auto-prepare: classification or regression (default: from the target)
  --seed N            auto-prepare: the recipe's seed (default 0)
  --save-recipe FILE  also write the recipe used as JSON (edit it, then pass it as --recipe)
  --json              print one JSON object: {file, out, format, recipe, target, task, rowsIn,
                      rowsOut, columnsIn, columns: [{name, kind}], ignored, steps: [...]}
  --delimiter D       CSV input: auto (default), comma, semicolon, tab or pipe
  --encoding E        CSV input: auto (default), utf-8 or windows-1252 (latin-1)
  --missing LIST      CSV input: values read as missing (default: "${DEFAULT_MISSING_TEXT}")
  -h, --help          show this help
`;

export interface PrepareStepSummary {
  step: number;
  kind: string;
  title: string;
  role: 'transform' | 'filter';
  rowsBefore: number;
  rowsAfter: number;
  added: string[];
  removed: string[];
}

/** What `benchtop prepare --json` prints. */
export interface PrepareOutput {
  file: string;
  out: string;
  format: 'csv' | 'arrow' | 'arrows';
  /** 'auto' or the recipe file given. */
  recipe: string;
  target: string | null;
  task: Task | null;
  rowsIn: number;
  rowsOut: number;
  columnsIn: number;
  columns: ColumnSchema[];
  ignored: string[];
  steps: PrepareStepSummary[];
}

export interface PrepareArgs {
  data: string;
  out: string;
  recipe?: string;
  target?: string;
  task?: string;
  seed?: string;
  saveRecipe?: string;
  delimiter?: string;
  encoding?: string;
  missing?: string;
}

/** A mistake in the command line (the caller turns it into exit code 2). */
export class PrepareUsageError extends Error {}

export function outputFormat(out: string): PrepareOutput['format'] {
  const ext = extname(out).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.arrow' || ext === '.ipc' || ext === '.feather') return 'arrow';
  if (ext === '.arrows') return 'arrows';
  throw new PrepareUsageError(
    `--out must name a .csv, .arrow or .arrows file (got '${basename(out)}').`,
  );
}

export async function readRecipe(path: string): Promise<Recipe> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') throw new BenchtopError('not-found', `no such recipe file: ${path}`);
    if (code === 'EISDIR') {
      throw new BenchtopError('invalid-argument', `${path} is a directory, not a recipe file.`);
    }
    throw new BenchtopError('invalid-argument', `cannot read the recipe ${path}: ${String(err)}`);
  }
  try {
    return parseRecipeText(text);
  } catch (err) {
    if (err instanceof BenchtopError) {
      throw new BenchtopError(err.code, `${basename(path)}: ${err.message}`, err.details);
    }
    throw err;
  }
}

/** Writes the file through a temporary name, so a failure leaves no partial output. */
export function writeOutput(out: string, format: PrepareOutput['format'], frame: Frame): void {
  writeFileAtomically(
    out,
    format === 'csv'
      ? csvByteChunks(frame)
      : [tableToIPC(frameToTable(frame), format === 'arrow' ? 'file' : 'stream')],
  );
}

/**
 * Writes the chunks (produced while writing, so the whole file is never in memory) to a temporary
 * file renamed to `out` at the end: a failure leaves nothing, and says why in words.
 */
export function writeFileAtomically(out: string, chunks: Iterable<Uint8Array>): void {
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const chunk of chunks) {
        // writeSync may write less than asked; a big Arrow buffer is one chunk.
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof BenchtopError) throw err;
    const code = (err as { code?: unknown }).code;
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'its folder does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : String(err);
    throw new BenchtopError('invalid-argument', `cannot write ${out}: ${why}.`);
  }
}

/** Runs the command; `open` gives the data file as a ByteSource (main.ts's fileSource). */
export async function prepare(
  args: PrepareArgs,
  open: (path: string) => Promise<ByteSource>,
): Promise<PrepareOutput> {
  const format = outputFormat(args.out);
  if (resolve(args.out) === resolve(args.data)) {
    throw new PrepareUsageError('--out must not be the input file itself.');
  }
  if (args.recipe === undefined && args.target === undefined) {
    throw new PrepareUsageError(
      'prepare needs --target COL (the column to predict) for auto-prepare, or --recipe FILE.',
    );
  }
  const task = args.task;
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw new PrepareUsageError(`--task must be classification or regression (got '${task}').`);
  }
  let seed: number | undefined;
  if (args.seed !== undefined) {
    seed = Number(args.seed);
    if (!/^\d+$/.test(args.seed) || seed > 0xffffffff) {
      throw new PrepareUsageError(`--seed must be a whole number from 0 to 4294967295.`);
    }
  }
  if (args.recipe !== undefined && (task !== undefined || seed !== undefined)) {
    throw new PrepareUsageError(
      '--task and --seed apply to auto-prepare; edit the recipe instead.',
    );
  }
  const options = readingFlags(args, (message) => new PrepareUsageError(message));
  const recipeFromFile = args.recipe !== undefined ? await readRecipe(args.recipe) : undefined;
  if (recipeFromFile && args.target !== undefined && recipeFromFile.target !== args.target) {
    throw new PrepareUsageError(
      `the recipe predicts ${recipeFromFile.target === null ? 'no target' : `'${recipeFromFile.target}'`}, but --target says '${args.target}'. Leave out --target, or use a recipe made for it.`,
    );
  }

  const source = await open(args.data);
  const result = await ingest(source, options);
  let recipe: Recipe;
  if (recipeFromFile) recipe = recipeFromFile;
  else {
    const profile = profileTable(result.table, result.schema, result.report);
    recipe = autoRecipe(result.schema, profile, args.target as string, {
      ...(task !== undefined ? { task: task as Task } : {}),
      ...(seed !== undefined ? { seed } : {}),
      name: `Auto: ${source.name}`,
    });
  }
  const frame = frameFromTable(result.table, result.schema);
  const steps: PrepareStepSummary[] = [];
  const fit = fitRecipeSync(frame, recipe, {
    afterStep(i, before, after, fitted) {
      const had = new Set(before.columns.map((c) => c.name));
      const has = new Set(after.columns.map((c) => c.name));
      steps.push({
        step: i + 1,
        kind: fitted.spec.kind,
        title: getStep(fitted.spec.kind).title,
        role: getStep(fitted.spec.kind).role,
        rowsBefore: before.rows,
        rowsAfter: after.rows,
        added: [...has].filter((n) => !had.has(n)),
        removed: [...had].filter((n) => !has.has(n)),
      });
    },
  });
  writeOutput(args.out, format, fit.frame);
  if (args.saveRecipe !== undefined) {
    try {
      writeFileSync(args.saveRecipe, serializeRecipe(recipe));
    } catch (err) {
      throw new BenchtopError(
        'invalid-argument',
        `cannot write the recipe to ${args.saveRecipe}: ${String(err)}`,
      );
    }
  }
  return {
    file: source.name,
    out: args.out,
    format,
    recipe: args.recipe ?? 'auto',
    target: recipe.target,
    task: recipe.task,
    rowsIn: frame.rows,
    rowsOut: fit.frame.rows,
    columnsIn: frame.columns.length,
    columns: fit.frame.columns.map((c) => ({ name: c.name, kind: c.kind })),
    ignored: recipe.roles.ignored.filter((c) => frame.columns.some((f) => f.name === c)),
    steps,
  };
}

function list(names: string[], max = 6): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, ... (${names.length} in all)` : shown;
}

/** The summary for a terminal. */
export function renderPrepare(o: PrepareOutput): string {
  const lines = [
    `prepared ${o.file} -> ${o.out} (${o.recipe === 'auto' ? 'auto-prepare' : `recipe ${basename(o.recipe)}`}${o.target !== null ? `, target '${o.target}'${o.task ? `, ${o.task}` : ''}` : ''})`,
    `rows: ${o.rowsIn.toLocaleString('en-US')} in, ${o.rowsOut.toLocaleString('en-US')} out; columns: ${o.columnsIn} in, ${o.columns.length} out`,
  ];
  if (o.ignored.length > 0) lines.push(`left out: ${list(o.ignored)}`);
  for (const s of o.steps) {
    const parts: string[] = [];
    if (s.rowsAfter !== s.rowsBefore || s.role === 'filter') {
      parts.push(`${(s.rowsBefore - s.rowsAfter).toLocaleString('en-US')} rows removed`);
    }
    if (s.added.length > 0) parts.push(`added ${list(s.added)}`);
    if (s.removed.length > 0) parts.push(`removed ${list(s.removed)}`);
    lines.push(`  ${s.step}. ${s.title}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
