// `benchtop resample`: rebalances the classes of a data file with a sampler (SMOTE, SMOTE-NC,
// random over / under-sampling, Tomek links) and writes the result as CSV or Arrow (DESIGN.md §7).
// Without --recipe, distances are measured on the columns as given (the target excluded); with
// --recipe, the recipe is fitted first and the prepared frame is resampled, as a training fold
// would be. The work is src/core's; this file reads and writes files and prints a summary, using
// the prepare command's writer (a temporary file renamed at the end, so a failure leaves nothing).
// The neighbour search (smote, smote-nc, tomek) runs in TypeScript on its WebAssembly SIMD kernel;
// `auto` (the default) starts tfjs on wasm (nodeTf) only for SMOTE-NC's mixed points, which the
// kernel does not take, when the search is big enough to pay for it; --backend forces one (same
// rows either way, see neighbours.ts).
// Memory (issue 4: peak ≤ 2× the output CSV): the frame shares the float64 buffers of the table it
// is read from, and a CSV is written from the input rows followed by the new rows computed block
// by block (ResampleContext.deferAppended), never from a second frame holding every output row.
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchtopError } from '../core/errors';
import { csvByteChunks } from '../core/data/csv-write';
import { frameOwningTable, type Frame } from '../core/data/frame';
import type { ByteSource } from '../core/ingest/types';
import { ingest } from '../core/ingest/index';
import { DEFAULT_MISSING_TEXT } from '../core/ingest/reading-options';
import type { Tf } from '../core/models/types';
import { fitRecipeSync } from '../core/recipe';
import {
  appendedRows,
  resample,
  SYNTHETIC,
  REPEATED,
  overSamplingTargets,
  readTarget,
  simdAvailable,
  type ClassCount,
  type ResampleResult,
  type SamplingStrategy,
} from '../core/resample';
import type { JsonObject } from '../core/steps';
import {
  outputFormat,
  PrepareUsageError,
  readRecipe,
  writeFileAtomically,
  writeOutput,
} from './prepare';
import { readingFlags, wholeNumberFlag } from './args';

export const RESAMPLE_METHODS = ['smote', 'smote-nc', 'random-over', 'random-under', 'tomek'];
/**
 * Where the neighbour search runs: auto (default: TypeScript + the WebAssembly SIMD kernel,
 * tfjs-wasm only for a big SMOTE-NC search), tfjs-wasm or tfjs-cpu (forced), or TypeScript.
 */
export const RESAMPLE_BACKENDS = ['auto', 'wasm', 'cpu', 'js'];
/**
 * `auto` loads tfjs-wasm when the largest search (rows² × features of one point set) reaches this.
 * Starting tfjs costs ~0.3 s of CPU and ~50 MB; its float32 products save about that much from
 * here (measured on 30 features: 5,000 rows 0.40 s in TypeScript, 0.28 s on wasm, a loss once
 * tfjs has started; 15,000 rows 3.4 s against 1.3 s).
 */
const TF_MIN_WORK = 8000 * 8000 * 30;
/** The methods that search neighbours (the others never load tfjs). */
const SEARCHES = new Set(['smote', 'smote-nc', 'tomek']);

export const RESAMPLE_USAGE = `Usage: benchtop resample <data> --target COL --method METHOD --out <file.csv|.arrow>
                        [--k 5] [--ratio auto|<minority/majority>] [--seed N] [--recipe recipe.json]

Rebalances the classes of <data> and writes every row: the originals, then any new rows.
Methods (as imbalanced-learn 0.10):
  smote         synthetic rows between a row and one of its k nearest same-class rows (numeric
                features only, no missing values)
  smote-nc      SMOTE for numeric + categorical features
  random-over   copies of random rows of the smaller classes
  random-under  a random subset of the larger classes
  tomek         removes the larger-class end of each Tomek link (nearest neighbours of different classes)
Distances use the columns as given (the target excluded), or with --recipe the prepared columns:
scale the features first when their units differ.

Options:
  --target COL      the class column
  --method M        smote (default), smote-nc, random-over, random-under or tomek
  --out FILE        where to write: .csv, .arrow (Arrow IPC file) or .arrows (stream)
  --k N             smote / smote-nc: neighbours per row (default 5)
  --ratio R         auto (default: every class to the majority count; under-sampling: to the
                    minority count) or minority / majority after resampling, e.g. 0.5 (two classes)
  --seed N          the random seed (default 0): same seed, same rows
  --backend B       where smote / smote-nc / tomek search neighbours: auto (default: js, whose
                    WebAssembly SIMD kernel is the fastest, except smote-nc over ~8,000 rows, which
                    gets wasm), wasm or cpu (tfjs float32 matrix products on that backend, always;
                    cpu is slow) or js (TypeScript + the WebAssembly SIMD kernel). Every backend
                    gives the same rows.
  --recipe FILE     fit this recipe (exported from Benchtop) first and resample the prepared data
  --json            print one JSON object: {file, out, format, method, params, target, recipe, seed,
                    rowsIn, rowsOut, added, synthetic, repeated, removed, classes: [{label, before,
                    after}], columns, notes, backend, seconds: {read, prepare, resample, write}}
  --delimiter D     CSV input: auto (default), comma, semicolon, tab or pipe
  --encoding E      CSV input: auto (default), utf-8 or windows-1252 (latin-1)
  --missing LIST    CSV input: values read as missing (default: "${DEFAULT_MISSING_TEXT}")
  -h, --help        show this help
`;

export interface ResampleArgs {
  data: string;
  out: string;
  target?: string;
  method?: string;
  k?: string;
  ratio?: string;
  seed?: string;
  recipe?: string;
  backend?: string;
  delimiter?: string;
  encoding?: string;
  missing?: string;
}

/** What `benchtop resample --json` prints. */
export interface ResampleOutput {
  file: string;
  out: string;
  format: 'csv' | 'arrow' | 'arrows';
  method: string;
  params: JsonObject;
  target: string;
  recipe: string | null;
  seed: number;
  rowsIn: number;
  rowsOut: number;
  /** Rows added (synthetic + repeated) and removed. */
  added: number;
  synthetic: number;
  repeated: number;
  removed: number;
  classes: ClassCount[];
  columns: { name: string; kind: string }[];
  notes: string[];
  /** The tfjs backend the neighbour search was offered, 'js' without one, null when none ran. */
  backend: string | null;
  seconds: { read: number; prepare: number; resample: number; write: number };
}

/** tfjs for the neighbour search: the backend asked for, or an error saying it did not start. */
async function searchTf(backend: string): Promise<{ tf?: Tf; name: string }> {
  if (backend === 'js') return { name: 'js' };
  // Imported here: tfjs is ~30 MB of memory, which the other methods and --backend js never need.
  const { nodeTf } = await import('../core/models/node-tf');
  const r = await nodeTf(backend === 'cpu' ? 'cpu' : 'wasm');
  if (r.backend.name !== backend) {
    throw new BenchtopError(
      'internal',
      `The ${backend} backend did not start here (tfjs is on ${r.backend.name}: ${r.backend.reason}). Use --backend js to search neighbours without tfjs.`,
    );
  }
  return { tf: r.tf, name: r.backend.name };
}

/**
 * `--backend auto`: the TypeScript path runs SMOTE and Tomek links on its WebAssembly SIMD kernel,
 * which beats tfjs-wasm's products (neighbours.ts usesTf), so tfjs only starts for SMOTE-NC's
 * mixed points (which the kernel does not take) or a runtime without WebAssembly SIMD, and only
 * for a search big enough to pay for starting it.
 */
function autoBackend(frame: Frame, method: string, target: string, params: JsonObject): string {
  if (method !== 'smote-nc' && simdAvailable()) return 'js';
  return searchWork(frame, method, target, params) >= TF_MIN_WORK ? 'wasm' : 'js';
}

/**
 * rows² × features of the largest neighbour search the method runs: SMOTE searches within each
 * class it grows, Tomek links over every row. An estimate for choosing the backend only; a target
 * the sampler will refuse gives 0 (the sampler then says why).
 */
function searchWork(frame: Frame, method: string, target: string, params: JsonObject): number {
  const dims = frame.columns.length - 1;
  if (method === 'tomek') return frame.rows * frame.rows * dims;
  try {
    const t = readTarget(frame, target);
    const strategy = (params.samplingStrategy ?? 'auto') as SamplingStrategy;
    const wanted = overSamplingTargets(strategy, t);
    let rows = 0;
    wanted.forEach((w, c) => {
      if (w > t.counts[c]) rows = Math.max(rows, t.counts[c]);
    });
    return rows * rows * dims;
  } catch {
    return 0;
  }
}

function wholeNumber(text: string, flag: string, max: number): number {
  return wholeNumberFlag(flag, text, 0, max, (m) => new PrepareUsageError(m));
}

/** The sampler's settings from the flags; flags that do not apply to the method are refused. */
function samplerParams(method: string, args: ResampleArgs): JsonObject {
  const params: JsonObject = {};
  const usesK = method === 'smote' || method === 'smote-nc';
  if (args.k !== undefined) {
    if (!usesK) throw new PrepareUsageError(`--k applies to smote and smote-nc, not ${method}.`);
    const k = wholeNumber(args.k, '--k', 1000);
    if (k < 1) throw new PrepareUsageError('--k must be at least 1.');
    params.kNeighbors = k;
  }
  if (args.ratio !== undefined && args.ratio !== 'auto') {
    if (method === 'tomek') {
      throw new PrepareUsageError(
        '--ratio does not apply to tomek: it removes the larger-class end of every Tomek link.',
      );
    }
    const r = Number(args.ratio);
    if (args.ratio.trim() === '' || !Number.isFinite(r) || r <= 0 || r > 1) {
      throw new PrepareUsageError(
        `--ratio must be auto or a number above 0 and at most 1 (minority / majority after resampling; got '${args.ratio}').`,
      );
    }
    params.samplingStrategy = r;
  }
  return params;
}

/** Runs the command; `open` gives the data file as a ByteSource (main.ts's fileSource). */
export async function resampleFile(
  args: ResampleArgs,
  open: (path: string) => Promise<ByteSource>,
): Promise<ResampleOutput> {
  const format = outputFormat(args.out);
  if (resolve(args.out) === resolve(args.data)) {
    throw new PrepareUsageError('--out must not be the input file itself.');
  }
  if (args.target === undefined) {
    throw new PrepareUsageError('resample needs --target COL: the column that holds the classes.');
  }
  const method = args.method ?? 'smote';
  if (!RESAMPLE_METHODS.includes(method)) {
    throw new PrepareUsageError(
      method === 'class-weights'
        ? 'class weights do not change the data: they are a setting of the model (cv / train).'
        : `--method must be one of ${RESAMPLE_METHODS.join(', ')} (got '${method}').`,
    );
  }
  const params = samplerParams(method, args);
  const backend = args.backend ?? 'auto';
  if (!RESAMPLE_BACKENDS.includes(backend)) {
    throw new PrepareUsageError(
      `--backend must be one of ${RESAMPLE_BACKENDS.join(', ')} (got '${backend}').`,
    );
  }
  const seed = args.seed !== undefined ? wholeNumber(args.seed, '--seed', 0xffffffff) : 0;
  const options = readingFlags(args, (message) => new PrepareUsageError(message));
  const recipe = args.recipe !== undefined ? await readRecipe(args.recipe) : undefined;
  if (recipe && recipe.target !== null && recipe.target !== args.target) {
    throw new PrepareUsageError(
      `the recipe predicts '${recipe.target}', but --target says '${args.target}'. Use a recipe made for '${args.target}'.`,
    );
  }

  let t = performance.now();
  const source = await open(args.data);
  // Only the frame outlives this block: the Arrow table it was read from can be collected.
  let frame = await (async () => {
    const result = await ingest(source, options);
    return frameOwningTable(result.table, result.schema);
  })();
  const rowsIn = frame.rows;
  const read = (performance.now() - t) / 1000;

  t = performance.now();
  if (recipe) frame = fitRecipeSync(frame, { ...recipe, target: args.target }).frame;
  const rowsPrepared = frame.rows;
  const prepare = (performance.now() - t) / 1000;

  const search = SEARCHES.has(method)
    ? await searchTf(backend === 'auto' ? autoBackend(frame, method, args.target, params) : backend)
    : null;
  t = performance.now();
  // A CSV is written from the input rows and the new rows' recipe (deferAppended), never from one
  // frame holding both: that copy was the largest allocation of the command.
  const r = resample(
    frame,
    { kind: method, params },
    {
      target: args.target,
      seed,
      ...(search?.tf ? { tf: search.tf } : {}),
      // An explicit --backend wasm / cpu runs the search there: on its own, neighbours.ts would
      // keep numeric points on the SIMD kernel and the started tfjs would go unused.
      ...(search?.tf && backend !== 'auto' ? { neighbours: 'tf' as const } : {}),
      ...(format === 'csv' ? { deferAppended: true } : {}),
    },
  );
  const resampleSeconds = (performance.now() - t) / 1000;
  // Without appended rows, r.frame holds every output row on its own: the input can go.
  if (!r.appended) frame = r.frame;
  const rowsOut = r.origin.length;

  t = performance.now();
  if (format === 'csv') writeFileAtomically(args.out, csvOf(r, args.target));
  else writeOutput(args.out, format, r.frame);
  const write = (performance.now() - t) / 1000;

  let synthetic = 0;
  let repeated = 0;
  for (let i = 0; i < r.origin.length; i++) {
    if (r.origin[i] === SYNTHETIC) synthetic++;
    else if (r.origin[i] === REPEATED) repeated++;
  }
  return {
    file: source.name,
    out: args.out,
    format,
    method,
    params,
    target: args.target,
    recipe: args.recipe ?? null,
    seed,
    rowsIn,
    rowsOut,
    added: synthetic + repeated,
    synthetic,
    repeated,
    removed: rowsPrepared + synthetic + repeated - rowsOut,
    classes: r.classes,
    columns: r.frame.columns.map((c) => ({ name: c.name, kind: c.kind })),
    notes: r.notes,
    backend: search?.name ?? null,
    seconds: { read, prepare, resample: resampleSeconds, write },
  };
}

/** Appended rows per block written: ~4 MB of values at 64 columns, a fraction of the output. */
const APPEND_BLOCK = 8192;

/** The output CSV's bytes: the header and r.frame's rows, then the appended rows block by block. */
function* csvOf(r: ResampleResult, target: string): Generator<Uint8Array> {
  yield* csvByteChunks(r.frame);
  const m = r.appended?.source.length ?? 0;
  for (let from = 0; from < m; from += APPEND_BLOCK) {
    const block = appendedRows(r, target, from, Math.min(m, from + APPEND_BLOCK));
    yield* csvByteChunks(block, { header: false });
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The summary for a terminal. */
export function renderResample(o: ResampleOutput): string {
  const width = Math.max(5, ...o.classes.map((c) => c.label.length));
  const lines = [
    `resampled ${o.file} -> ${o.out} (${o.method}${o.recipe ? `, recipe ${basename(o.recipe)}` : ''}, target '${o.target}', seed ${o.seed})`,
    `rows: ${fmt(o.rowsIn)} in, ${fmt(o.rowsOut)} out` +
      (o.synthetic > 0 ? `; ${fmt(o.synthetic)} synthetic` : '') +
      (o.repeated > 0 ? `; ${fmt(o.repeated)} repeated` : '') +
      (o.removed > 0 ? `; ${fmt(o.removed)} removed` : ''),
    `${'class'.padEnd(width)}  ${'before'.padStart(10)}  ${'after'.padStart(10)}`,
    ...o.classes.map(
      (c) =>
        `${c.label.padEnd(width)}  ${fmt(c.before).padStart(10)}  ${fmt(c.after).padStart(10)}`,
    ),
    ...o.notes,
  ];
  return `${lines.join('\n')}\n`;
}
