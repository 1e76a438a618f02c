// The plain data each Train-tab chart draws, computed from a stored run (or the live loss points)
// by pure functions, so a unit test can pin exactly what each chart receives and the chart
// components stay thin wrappers around Observable Plot. Deterministic: same run, same data.
import type { BinaryOutOfFold, RunRecord } from '../../../core/api/train-api';
import type { EpochReport } from '../../../core/models/types';

/** At most this many loss points per fold are drawn (the chart redraws while a run goes on). */
export const LOSS_DRAW_POINTS = 300;
/** At most this many residual points are drawn. */
export const RESIDUAL_DRAW_POINTS = 2000;

export interface LossPoint {
  fold: string;
  epoch: number;
  loss: number;
}

/** Loss per epoch, one series per fold, each thinned to LOSS_DRAW_POINTS (ends kept). */
export function lossSeries(perFold: readonly { fold: number; points: readonly EpochReport[] }[]) {
  const out: LossPoint[] = [];
  for (const { fold, points } of perFold) {
    const n = points.length;
    const step = n > LOSS_DRAW_POINTS ? (n - 1) / (LOSS_DRAW_POINTS - 1) : 1;
    const count = Math.min(n, LOSS_DRAW_POINTS);
    for (let i = 0; i < count; i++) {
      const p = points[Math.round(i * step)];
      out.push({ fold: `fold ${fold}`, epoch: p.epoch, loss: p.loss });
    }
  }
  return out;
}

/** A stored run's loss curves in the same shape. */
export function runLossSeries(run: RunRecord): LossPoint[] {
  return lossSeries(
    run.folds.map((f) => ({
      fold: f.fold,
      points: f.lossCurve.map((loss, i) => ({ epoch: i + 1, loss })),
    })),
  );
}

export interface CurvePoint {
  series: string;
  x: number;
  y: number;
}

export interface CurveData {
  /** Per-fold curves (thin lines). */
  folds: CurvePoint[];
  /** The mean over folds (thick line) and its ± std band. */
  mean: (CurvePoint & { low: number; high: number })[];
  /** Which class the curves are of ("rain vs rest", or the positive class). */
  title: string;
}

/**
 * ROC or PR curves of one class: every fold's, and the mean with a ± std band. Binary runs have
 * the positive class only; multiclass runs one-vs-rest per class (`cls` picks it).
 */
export function curveData(run: RunRecord, kind: 'roc' | 'pr', cls?: number): CurveData | null {
  const mean = run.curves.find((c) => (cls === undefined ? true : c.class === cls));
  if (!mean) return null;
  const folds: CurvePoint[] = [];
  for (const f of run.foldCurves) {
    if (f.class !== mean.class) continue;
    const c = f[kind];
    c.x.forEach((x, i) => folds.push({ series: `fold ${f.fold}`, x, y: c.y[i] }));
  }
  const m = mean[kind];
  return {
    folds,
    mean: m.x.map((x, i) => ({
      series: 'mean',
      x,
      y: m.y[i],
      low: Math.max(0, m.y[i] - m.std[i]),
      high: Math.min(1, m.y[i] + m.std[i]),
    })),
    title:
      run.labels && run.labels.labels.length === 2
        ? `positive class: ${mean.label}`
        : `${mean.label} vs rest`,
  };
}

export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
  /** Share of the actual class's rows (row-normalised). */
  share: number;
}

export function confusionCells(run: RunRecord): ConfusionCell[] {
  if (!run.confusion || !run.labels) return [];
  const names = run.labels.labels;
  const cells: ConfusionCell[] = [];
  run.confusion.forEach((row, a) => {
    const total = row.reduce((s, n) => s + n, 0);
    row.forEach((count, p) =>
      cells.push({
        actual: names[a],
        predicted: names[p],
        count,
        share: total > 0 ? count / total : 0,
      }),
    );
  });
  return cells;
}

export interface ResidualPoint {
  predicted: number;
  residual: number;
}

/** Residual (actual − predicted) against the prediction, an even stride of at most N rows. */
export function residualPoints(run: RunRecord): ResidualPoint[] {
  const oof = run.outOfFold;
  if (!oof || oof.kind !== 'regression') return [];
  const n = oof.actual.length;
  const count = Math.min(n, RESIDUAL_DRAW_POINTS);
  const out: ResidualPoint[] = [];
  for (let i = 0; i < count; i++) {
    const j = Math.floor((i * n) / count);
    out.push({ predicted: oof.predicted[j], residual: oof.actual[j] - oof.predicted[j] });
  }
  return out;
}

export interface MetricBar {
  run: string;
  id: string;
  mean: number;
  low: number;
  high: number;
}

/** One bar per run (mean) with its ± std whisker, oldest run first (as they were made). */
export function metricBars(runs: readonly RunRecord[], metric: string): MetricBar[] {
  return [...runs]
    .filter((r) => r.metrics[metric] && Number.isFinite(r.metrics[metric].mean))
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((r, i) => {
      const m = r.metrics[metric];
      const std = Number.isFinite(m.std) ? m.std : 0;
      return {
        run: `#${i + 1} ${r.modelTitle}${r.sampler ? ` + ${r.sampler.kind}` : ''}`,
        id: r.id,
        mean: m.mean,
        low: m.mean - std,
        high: m.mean + std,
      };
    });
}

export interface ThresholdView {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** [[TN, FP], [FN, TP]] with the positive class second. */
  confusion: [[number, number], [number, number]];
}

/** Precision, recall, F1 and the confusion counts when p(positive) >= threshold is positive. */
export function atThreshold(oof: BinaryOutOfFold, threshold: number): ThresholdView {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const { truth, score } = oof;
  // Scores are stored as float32: compare in float32 too (rounding is monotone, so a row at or
  // above the threshold in float64 stays at or above it).
  const t = Math.fround(threshold);
  for (let i = 0; i < truth.length; i++) {
    const yes = score[i] >= t;
    if (truth[i] === 1) {
      if (yes) tp++;
      else fn++;
    } else if (yes) fp++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    threshold,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    accuracy: truth.length > 0 ? (tp + tn) / truth.length : 0,
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
  };
}
