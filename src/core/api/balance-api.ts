// The class-balance API behind the data worker (issue 4): the target's class counts in a stored
// dataset, and a preview of the recipe's sampler. The preview fits the recipe's steps on the WHOLE
// dataset and resamples the prepared rows once, with the seed the final model's resampling uses
// (training itself resamples inside each training fold only); it returns the counts before / after
// per class, the number of synthetic / copied / removed rows, the sampler's notes, and a bounded
// 2-D view (two prepared features, or the first two principal components fitted on the original
// rows with synthetic rows projected on the same components). Counts are exact; only the points
// drawn are sampled.
// Storage is injected (as in data-api.ts / prep-api.ts), so this runs in-process and through comlink.
// Cancelling: cancel(jobId) lands whenever the job yields (between steps and phases). The sampler's
// own loops are synchronous, so a message cannot arrive while they run; a caller that shares an
// Int32Array over a SharedArrayBuffer (cross-origin isolated pages) can stop them mid-way by
// setting its first element, which the samplers check between blocks.
import { BenchtopError, toBenchtopError } from '../errors';
import {
  findColumn,
  isNumericColumn,
  makeFrame,
  takeRows,
  type Frame,
  type NumericFrameColumn,
} from '../data/frame';
import { foldSeed } from '../evaluate/cross-validate';
import { fitRecipe, parseRecipe, type Recipe } from '../recipe';
import { createRng } from '../rng';
import { fitPca2, projectPca2 } from '../resample/pca';
import { getSampler, parseSamplerSpec, resample } from '../resample/registry';
import { readTarget, type ClassTarget } from '../resample/strategy';
import {
  ORIGINAL,
  REPEATED,
  SYNTHETIC,
  type ClassCount,
  type ResampleResult,
  type SamplerDefinition,
  type SamplerSpec,
} from '../resample/types';
import type { DataApiDeps, DatasetMeta } from './data-api';
import { frameCache, readDatasetMeta, yieldToEventLoop, type FrameCache } from './stored-dataset';

/** At most this many points are drawn in the 2-D view (all of a small class where possible). */
export const SCATTER_POINTS = 5000;
/** rows × features² above which the components are fitted on a seeded sample of the rows. */
export const PCA_FIT_WORK = 4e8;

/** What the 2-D view shows: the first two principal components, or two prepared features. */
export type ScatterView = { kind: 'pca' } | { kind: 'features'; x: string; y: string };

export interface BalanceProgress {
  phase: 'loading' | 'fitting' | 'resampling' | 'projecting';
  /** Steps fitted so far, and in all ('fitting'). */
  done?: number;
  total?: number;
  /** Share of the resampling done, 0 to 1 ('resampling'). */
  fraction?: number;
  /** What the sampler is computing ("finding 5 neighbours of each of 26 'snow' rows"). */
  detail?: string;
}

/** The target's classes in the stored data, before any step (rows with no target counted apart). */
export interface TargetBalance {
  target: string;
  rows: number;
  missing: number;
  /** In the samplers' class order (labels sorted as imbalanced-learn sorts them). */
  classes: { label: string; count: number }[];
}

/** Point kinds in ScatterData.kind. */
export const ORIGINAL_POINT = 0;
export const SYNTHETIC_POINT = 1;
/** An original row the sampler removed (under-sampling, Tomek links). */
export const REMOVED_POINT = 2;
export const POINT_KINDS = ['original', 'synthetic', 'removed'] as const;
export type PointKind = (typeof POINT_KINDS)[number];

/** Exact count of the rows of one class and kind, and how many of them are drawn. */
export interface ScatterGroup {
  label: string;
  kind: PointKind;
  total: number;
  shown: number;
}

export interface ScatterData {
  view: ScatterView;
  xLabel: string;
  yLabel: string;
  /** Per drawn point (originals first, then removed, then synthetic rows on top). */
  x: Float64Array;
  y: Float64Array;
  /** Per drawn point: its class, an index into `labels`. */
  cls: Int32Array;
  /** Per drawn point: ORIGINAL_POINT, SYNTHETIC_POINT or REMOVED_POINT. */
  kind: Uint8Array;
  labels: string[];
  groups: ScatterGroup[];
  /** Rows left out of the view because a plotted feature is missing there. */
  incomplete: number;
  /** Copies made by random over-sampling: they sit exactly on their originals, so are not drawn. */
  repeated: number;
  /** The components (PCA view only). */
  pca: {
    columns: string[];
    variance: [number, number];
    ratio: [number, number];
    /** Original rows the components were fitted on (a seeded sample when there are very many). */
    fittedRows: number;
    /** Loadings: 2 × columns, row-major. */
    components: number[];
  } | null;
}

export interface SamplerPreview {
  target: string;
  /** The seed the sampler ran with: the one training the final model resamples with. */
  seed: number;
  /** The recipe's sampler with defaults filled in; null = no sampler. */
  sampler: SamplerSpec | null;
  title: string | null;
  family: SamplerDefinition['family'] | null;
  rows: { before: number; after: number };
  /** Per class, rows before and after (after = before without a sampler or with class weights). */
  classes: ClassCount[];
  synthetic: number;
  repeated: number;
  removed: number;
  /** label -> weight (class weights only). */
  classWeights: Record<string, number> | null;
  notes: string[];
  /** Numeric prepared features, for choosing the 2-D view's axes. */
  features: string[];
  scatter: ScatterData | null;
  /** Why there is no 2-D view (fewer than two numeric features, an axis that is gone). */
  scatterNote: string | null;
}

function cancelledPreview(): BenchtopError {
  return new BenchtopError('cancelled', 'The balance preview was cancelled.');
}

/**
 * Progress sent straight away (not from a microtask: the sampler's loops are synchronous, and a
 * deferred message would only leave after them), at most about 50 times per phase. A callback that
 * fails (the page went away) never fails the job.
 */
function progressReporter(onProgress: ((p: BalanceProgress) => unknown) | undefined) {
  let last: BalanceProgress | null = null;
  return (p: BalanceProgress): void => {
    if (!onProgress) return;
    if (
      last &&
      last.phase === p.phase &&
      last.detail === p.detail &&
      last.done === p.done &&
      p.fraction !== undefined &&
      last.fraction !== undefined &&
      p.fraction < 1 &&
      p.fraction - last.fraction < 0.02
    ) {
      return;
    }
    last = p;
    try {
      const r = onProgress(p) as unknown;
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      // The page is gone or the callback broke: the preview goes on.
    }
  };
}

/** The columns the 2-D view can use: numeric features (not dates), the target left out. */
function numericFeatures(frame: Frame, target: string): NumericFrameColumn[] {
  return frame.columns.filter(
    (c): c is NumericFrameColumn => c.name !== target && isNumericColumn(c) && c.kind !== 'date',
  );
}

/** k of n indices without replacement (seeded), ascending. */
function sampleIndices(n: number, k: number, rng: () => number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, k).sort();
}

/**
 * How many points each group gets out of `budget`: small groups are drawn whole, the rest share
 * what is left equally (water-filling), so a minority class is drawn completely where possible.
 */
export function allocatePoints(totals: readonly number[], budget: number): number[] {
  const out = totals.map(() => 0);
  let left = budget;
  let open = totals.map((t, i) => i).filter((i) => totals[i] > 0);
  while (open.length > 0 && left > 0) {
    const share = Math.floor(left / open.length);
    const small = open.filter((i) => totals[i] <= share);
    if (small.length === 0) {
      // Everyone left is bigger than an equal share: split the rest, the first groups taking the
      // remainder one point each.
      let extra = left - share * open.length;
      for (const i of open) {
        out[i] = share + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
      }
      break;
    }
    for (const i of small) {
      out[i] = totals[i];
      left -= totals[i];
    }
    open = open.filter((i) => !small.includes(i));
  }
  return out;
}

/** The values of the named numeric columns of a frame. */
function valuesOf(frame: Frame, names: readonly string[]): Float64Array[] {
  return names.map((name) => (findColumn(frame, name) as NumericFrameColumn).values);
}

/** The matrix (rows × columns) of the given rows of a frame's numeric columns. */
function matrixOf(frame: Frame, names: readonly string[], rows: ArrayLike<number>): Float64Array {
  const d = names.length;
  const out = new Float64Array(rows.length * d);
  valuesOf(frame, names).forEach((v, f) => {
    for (let r = 0; r < rows.length; r++) out[r * d + f] = v[rows[r]];
  });
  return out;
}

/** Whether row `row` has a finite value in every one of `columns`. */
function complete(columns: readonly Float64Array[], row: number): boolean {
  for (const v of columns) if (!Number.isFinite(v[row])) return false;
  return true;
}

/**
 * The 2-D view: groups (class × kind) with exact counts, a bounded sample of points from each, and
 * their coordinates (principal components fitted on the original rows, or two features).
 */
function buildScatter(
  prepared: Frame,
  t: ClassTarget,
  result: ResampleResult | null,
  names: string[],
  view: ScatterView,
  seed: number,
  isCancelled: () => boolean,
  limits: BalanceLimits,
): ScatterData {
  const n = prepared.rows;
  const k = t.labels.length;
  // Which original rows survive the sampler (all of them unless it removes rows).
  const kept = new Uint8Array(n);
  let repeated = 0;
  const synthetic: number[] = [];
  if (!result) kept.fill(1);
  else {
    for (let r = 0; r < result.origin.length; r++) {
      const o = result.origin[r];
      if (o === ORIGINAL) kept[result.source[r]] = 1;
      else if (o === REPEATED) repeated++;
      else if (o === SYNTHETIC) synthetic.push(r);
    }
  }
  // Groups of rows by class and kind: group c * 3 + kind.
  const members: { frame: Frame; rows: number[] }[] = [];
  for (let g = 0; g < k * 3; g++) {
    const frame = result && g % 3 === SYNTHETIC_POINT ? result.frame : prepared;
    members.push({ frame, rows: [] });
  }
  const totals = new Array<number>(k * 3).fill(0);
  let incomplete = 0;
  const originalColumns = valuesOf(prepared, names);
  const originals: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = t.classOf[i] * 3 + (kept[i] ? ORIGINAL_POINT : REMOVED_POINT);
    totals[g]++;
    if (complete(originalColumns, i)) {
      members[g].rows.push(i);
      originals.push(i);
    } else incomplete++;
  }
  if (result) {
    const syntheticColumns = valuesOf(result.frame, names);
    for (const r of synthetic) {
      const g = t.classOf[result.source[r]] * 3 + SYNTHETIC_POINT;
      totals[g]++;
      if (complete(syntheticColumns, r)) members[g].rows.push(r);
      else incomplete++;
    }
  }
  const shown = allocatePoints(
    members.map((m) => m.rows.length),
    limits.scatterPoints,
  );
  const rng = createRng((seed ^ 0x2d5c_a11e) >>> 0);
  const picked = members.map((m, g) =>
    Array.from(sampleIndices(m.rows.length, shown[g], rng), (i) => m.rows[i]),
  );

  // Coordinates.
  let pca: ScatterData['pca'] = null;
  let project: (frame: Frame, rows: number[]) => { x: Float64Array; y: Float64Array };
  let xLabel: string;
  let yLabel: string;
  if (view.kind === 'pca') {
    if (originals.length === 0) {
      throw new BenchtopError(
        'invalid-argument',
        'Every row has a missing value in a numeric feature, so there is nothing to draw. Add an imputation step to the recipe.',
      );
    }
    const d = names.length;
    const cap = Math.max(limits.pcaMinRows, Math.floor(limits.pcaFitWork / (d * d)));
    const fitRows =
      originals.length > cap
        ? Array.from(sampleIndices(originals.length, cap, rng), (i) => originals[i])
        : originals;
    const fit = fitPca2(matrixOf(prepared, names, fitRows), fitRows.length, d, { isCancelled });
    pca = {
      columns: [...names],
      variance: fit.variance,
      ratio: fit.ratio,
      fittedRows: fitRows.length,
      components: Array.from(fit.components),
    };
    project = (frame, rows) => projectPca2(fit, matrixOf(frame, names, rows), rows.length);
    const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
    xLabel = `PC1 (${pct(fit.ratio[0])} of the variance)`;
    yLabel = `PC2 (${pct(fit.ratio[1])})`;
  } else {
    project = (frame, rows) => {
      const m = matrixOf(frame, names, rows);
      const x = new Float64Array(rows.length);
      const y = new Float64Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        x[r] = m[r * 2];
        y[r] = m[r * 2 + 1];
      }
      return { x, y };
    };
    xLabel = view.x;
    yLabel = view.y;
  }

  // Originals first, removed rows, then synthetic rows drawn on top.
  const order: number[] = [];
  for (const kind of [ORIGINAL_POINT, REMOVED_POINT, SYNTHETIC_POINT]) {
    for (let c = 0; c < k; c++) order.push(c * 3 + kind);
  }
  const total = picked.reduce((s, p) => s + p.length, 0);
  const x = new Float64Array(total);
  const y = new Float64Array(total);
  const cls = new Int32Array(total);
  const kind = new Uint8Array(total);
  let o = 0;
  for (const g of order) {
    const rows = picked[g];
    if (rows.length === 0) continue;
    const xy = project(members[g].frame, rows);
    x.set(xy.x, o);
    y.set(xy.y, o);
    cls.fill(Math.floor(g / 3), o, o + rows.length);
    kind.fill(g % 3, o, o + rows.length);
    o += rows.length;
  }
  const groups: ScatterGroup[] = [];
  for (const g of order) {
    if (totals[g] > 0) {
      groups.push({
        label: t.labels[Math.floor(g / 3)],
        kind: POINT_KINDS[g % 3],
        total: totals[g],
        shown: picked[g].length,
      });
    }
  }
  return {
    view,
    xLabel,
    yLabel,
    x,
    y,
    cls,
    kind,
    labels: [...t.labels],
    groups,
    incomplete,
    repeated,
    pca,
  };
}

function toPlainNumbers(
  weights: Record<string, number> | undefined,
): Record<string, number> | null {
  return weights ? { ...weights } : null;
}

/** The bounds of the 2-D view (tests lower them to exercise sampling on small data). */
export interface BalanceLimits {
  /** Points drawn at most. */
  scatterPoints: number;
  /** rows × features² above which the components are fitted on a sample of the rows... */
  pcaFitWork: number;
  /** ...of at least this many rows. */
  pcaMinRows: number;
}

export const DEFAULT_LIMITS: BalanceLimits = {
  scatterPoints: SCATTER_POINTS,
  pcaFitWork: PCA_FIT_WORK,
  pcaMinRows: 2000,
};

export function createBalanceApi(
  deps: Pick<DataApiDeps, 'store'>,
  limits: BalanceLimits = DEFAULT_LIMITS,
  raw: FrameCache = frameCache(deps.store),
) {
  const cancelledJobs = new Set<string>();
  // A preview re-runs on every edit of the sampler or the view: keep the decoded data, the
  // prepared frame and the last resampling, each keyed by everything it depends on.
  let prepared: { key: string; frame: Frame } | null = null;
  let resampled: { key: string; result: ResampleResult } | null = null;

  const dropDerived = () => {
    prepared = null;
    resampled = null;
  };
  raw.onDrop(dropDerived);
  const loadMeta = (id: string) => readDatasetMeta(deps.store, id);
  const loadFrame = (meta: DatasetMeta) => raw.frame(meta);

  function preparedKey(dataKey: string, recipe: Recipe): string {
    return `${dataKey}\n${JSON.stringify([recipe.target, recipe.roles, recipe.steps, recipe.seed])}`;
  }

  return {
    /** The target's classes in a stored dataset, as the samplers will label them. */
    async classBalance(datasetId: string, target: string): Promise<TargetBalance> {
      try {
        const { frame } = await loadFrame(await loadMeta(datasetId));
        const column = findColumn(frame, target);
        if (!column) {
          throw new BenchtopError(
            'invalid-argument',
            `There is no column '${target}' in this dataset. Choose the column that holds the classes.`,
            { column: target },
          );
        }
        const present: number[] = [];
        if (isNumericColumn(column)) {
          for (let i = 0; i < frame.rows; i++)
            if (column.values[i] === column.values[i]) present.push(i);
        } else {
          for (let i = 0; i < frame.rows; i++) if (column.codes[i] >= 0) present.push(i);
        }
        if (present.length === 0) {
          throw new BenchtopError(
            'invalid-argument',
            `The target column '${target}' has no values: every row is missing. Choose another target.`,
            { column: target },
          );
        }
        const t = readTarget(takeRows(makeFrame([column], frame.rows), present), target);
        return {
          target,
          rows: frame.rows,
          missing: frame.rows - present.length,
          classes: t.labels.map((label, c) => ({ label, count: t.counts[c] })),
        };
      } catch (err) {
        throw toBenchtopError(err, 'Could not count the classes').toJSON();
      }
    },

    /**
     * Fits the recipe's steps on the whole dataset, runs its sampler (if any) on the prepared rows,
     * and describes the result (see SamplerPreview). `jobId` comes first, as everywhere:
     * cancel(jobId) stops it when it next yields; `cancelFlag` (an Int32Array over a
     * SharedArrayBuffer, first element set to 1 to cancel) also stops the sampler's loops.
     */
    async previewSampler(
      jobId: string,
      datasetId: string,
      recipeJson: unknown,
      view: ScatterView = { kind: 'pca' },
      onProgress?: (p: BalanceProgress) => unknown,
      cancelFlag?: Int32Array,
    ): Promise<SamplerPreview> {
      const report = progressReporter(onProgress);
      const isCancelled = () =>
        cancelledJobs.has(jobId) || (cancelFlag !== undefined && Atomics.load(cancelFlag, 0) !== 0);
      const check = async () => {
        await yieldToEventLoop();
        if (isCancelled()) throw cancelledPreview();
      };
      try {
        const recipe = parseRecipe(recipeJson);
        const target = recipe.target;
        if (target === null) {
          throw new BenchtopError(
            'invalid-argument',
            'Choose the target column first: the class balance is the balance of its classes.',
          );
        }
        if (recipe.task === 'regression') {
          throw new BenchtopError(
            'invalid-argument',
            `'${target}' is a regression target: class balance and resampling are for classification. Switch the task to classification, or leave resampling out.`,
            { column: target },
          );
        }
        const sampler = recipe.sampler ? parseSamplerSpec(recipe.sampler) : null;
        report({ phase: 'loading' });
        const data = await loadFrame(await loadMeta(datasetId));
        await check();
        const pKey = preparedKey(data.key, recipe);
        if (prepared?.key !== pKey) {
          prepared = null;
          resampled = null;
          const fit = await fitRecipe(data.frame, recipe, {
            beforeStep: async (done, total) => {
              report({ phase: 'fitting', done, total });
              await check();
            },
          });
          prepared = { key: pKey, frame: fit.frame };
        }
        const frame = prepared.frame;
        const seed = foldSeed(recipe.seed, -1);
        const t = readTarget(frame, target);
        let result: ResampleResult | null = null;
        if (sampler) {
          const rKey = `${pKey}\n${JSON.stringify(sampler)}`;
          if (resampled?.key === rKey) result = resampled.result;
          else {
            resampled = null;
            report({ phase: 'resampling', fraction: 0 });
            await check();
            result = resample(frame, sampler, {
              target,
              seed,
              onProgress: (fraction, phase) =>
                report({ phase: 'resampling', fraction, detail: phase }),
              isCancelled,
            });
            resampled = { key: rKey, result };
          }
        }
        report({ phase: 'projecting' });
        await check();

        const features = numericFeatures(frame, target).map((c) => c.name);
        let scatter: ScatterData | null = null;
        let scatterNote: string | null = null;
        if (view.kind === 'features') {
          const missing = [view.x, view.y].filter((name) => !features.includes(name));
          if (missing.length > 0) {
            scatterNote = `${missing.map((m) => `'${m}'`).join(' and ')} ${missing.length === 1 ? 'is not a numeric feature' : 'are not numeric features'} after the recipe's steps. Choose among: ${features.map((f) => `'${f}'`).join(', ') || 'none'}.`;
          } else {
            scatter = buildScatter(
              frame,
              t,
              result,
              [view.x, view.y],
              view,
              seed,
              isCancelled,
              limits,
            );
          }
        } else if (features.length < 2) {
          scatterNote = `The 2-D view needs at least two numeric features after the recipe's steps; there ${features.length === 1 ? 'is one' : 'are none'}. Encode categorical columns (the 'Encode: one-hot' step) to see them.`;
        } else {
          scatter = buildScatter(frame, t, result, features, view, seed, isCancelled, limits);
        }

        let synthetic = 0;
        let repeated = 0;
        if (result) {
          for (let r = 0; r < result.origin.length; r++) {
            if (result.origin[r] === SYNTHETIC) synthetic++;
            else if (result.origin[r] === REPEATED) repeated++;
          }
        }
        const after = result ? result.frame.rows : frame.rows;
        const def = sampler ? getSampler(sampler.kind) : null;
        const classes: ClassCount[] = result
          ? result.classes.map((c) => ({ ...c }))
          : t.labels.map((label, c) => ({ label, before: t.counts[c], after: t.counts[c] }));
        return {
          target,
          seed,
          sampler,
          title: def?.title ?? null,
          family: def?.family ?? null,
          rows: { before: frame.rows, after },
          classes,
          synthetic,
          repeated,
          removed: frame.rows - (after - synthetic - repeated),
          classWeights: toPlainNumbers(result?.classWeights),
          notes: result ? [...result.notes] : [],
          features,
          scatter,
          scatterNote,
        };
      } catch (err) {
        const e = toBenchtopError(err, 'Could not preview the sampler');
        throw (e.code === 'cancelled' ? cancelledPreview() : e).toJSON();
      } finally {
        cancelledJobs.delete(jobId);
      }
    },

    cancel(jobId: string): void {
      cancelledJobs.add(jobId);
    },

    /** Forgets the decoded and prepared data of a dataset (after a delete or a kind override). */
    evict(id: string): void {
      raw.evict(id);
    },
  };
}

export type BalanceApi = ReturnType<typeof createBalanceApi>;
