// The plain data each Class-balance chart draws, computed from what the data worker returned, so a
// unit test pins exactly what BalanceChart and ResampleScatter receive and the components stay
// thin wrappers around Observable Plot. Counts are never sampled; only the scatter's points are
// (in the worker, with the exact count of every group kept beside them).
import type {
  PointKind,
  SamplerPreview,
  ScatterData,
  TargetBalance,
} from '../../../core/api/balance-api';
import { formatCount } from '../../format';

/**
 * ScatterData.kind's values in order (balance-api's POINT_KINDS, repeated here so the main-thread
 * chunk imports only types from the worker's API; a test checks they agree).
 */
export const POINT_KINDS: readonly PointKind[] = ['original', 'synthetic', 'removed'];

/** At most this many classes get a bar; the rest are summed in the caption. */
export const MAX_BARS = 40;

export interface BarDatum {
  label: string;
  /** 'rows' (the target as it is), 'before' / 'after' (a sampler), or 'weight'. */
  series: 'rows' | 'before' | 'after' | 'weight';
  value: number;
  /** Share of the series' rows (null for weights). */
  share: number | null;
  /** The value as printed on the bar ("641 · 43.9%", "11.24"). */
  text: string;
}

export interface BarChartData {
  /** Accessible summary of the whole chart. */
  title: string;
  series: BarDatum['series'][];
  /** Class labels in the samplers' order: the colour domain the scatter shares. */
  labels: string[];
  bars: BarDatum[];
  valueLabel: string;
  /** Classes left out of the bars (more than MAX_BARS), said under the chart. */
  hidden: number;
}

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

function countBars(
  series: 'rows' | 'before' | 'after',
  classes: readonly { label: string; count: number }[],
): BarDatum[] {
  const total = classes.reduce((s, c) => s + c.count, 0);
  return classes.map((c) => {
    const share = total > 0 ? c.count / total : 0;
    return {
      label: c.label,
      series,
      value: c.count,
      share,
      text: `${formatCount(c.count)} · ${percent(share)}`,
    };
  });
}

/** The target's classes before any step: one bar per class with its count and share. */
export function targetBars(balance: TargetBalance): BarChartData {
  const shown = balance.classes.slice(0, MAX_BARS);
  const bars = countBars('rows', balance.classes).slice(0, MAX_BARS);
  return {
    title: `Rows per class of ${balance.target}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}`,
    series: ['rows'],
    labels: shown.map((c) => c.label),
    bars,
    valueLabel: 'rows',
    hidden: balance.classes.length - shown.length,
  };
}

/** Before / after the sampler, side by side per class; shares within each side. */
export function beforeAfterBars(preview: SamplerPreview): BarChartData {
  const classes = preview.classes.slice(0, MAX_BARS);
  const before = countBars(
    'before',
    preview.classes.map((c) => ({ label: c.label, count: c.before })),
  ).slice(0, MAX_BARS);
  const after = countBars(
    'after',
    preview.classes.map((c) => ({ label: c.label, count: c.after })),
  ).slice(0, MAX_BARS);
  const bars: BarDatum[] = [];
  classes.forEach((_, i) => bars.push(before[i], after[i]));
  return {
    title: `Rows per class of ${preview.target} before and after ${preview.title ?? 'resampling'}: ${classes
      .map((c) => `${c.label} ${formatCount(c.before)} → ${formatCount(c.after)}`)
      .join(', ')}`,
    series: ['before', 'after'],
    labels: classes.map((c) => c.label),
    bars,
    valueLabel: 'rows',
    hidden: preview.classes.length - classes.length,
  };
}

/** Class weights: the weight each class's rows get in the model's loss. */
export function weightBars(preview: SamplerPreview): BarChartData {
  const weights = preview.classWeights ?? {};
  const classes = preview.classes.slice(0, MAX_BARS);
  const bars: BarDatum[] = classes.map((c) => ({
    label: c.label,
    series: 'weight',
    value: weights[c.label] ?? 1,
    share: null,
    text: (weights[c.label] ?? 1).toPrecision(4).replace(/\.?0+$/, ''),
  }));
  return {
    title: `Class weights for ${preview.target}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}`,
    series: ['weight'],
    labels: classes.map((c) => c.label),
    bars,
    valueLabel: 'weight',
    hidden: preview.classes.length - classes.length,
  };
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  kind: PointKind;
}

export interface ScatterChartData {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Colour domain: the classes, in the same order as the bars. */
  labels: string[];
  /** Points of each kind, drawn in this order (synthetic on top). */
  original: ScatterPoint[];
  removed: ScatterPoint[];
  synthetic: ScatterPoint[];
  /** One line per kind present: "1,744 synthetic rows (all drawn)". */
  legend: { kind: PointKind; total: number; shown: number; text: string }[];
  /** Said under the chart: rows left out, copies not drawn. */
  notes: string[];
}

const KIND_WORDS: Record<PointKind, string> = {
  original: 'original rows',
  synthetic: 'synthetic rows',
  removed: 'rows the sampler removes',
};

/** The worker's columns of points as objects for Plot, split by kind, and the legend's counts. */
export function scatterData(s: ScatterData): ScatterChartData {
  const byKind: Record<PointKind, ScatterPoint[]> = { original: [], synthetic: [], removed: [] };
  for (let i = 0; i < s.x.length; i++) {
    const kind = POINT_KINDS[s.kind[i]];
    byKind[kind].push({ x: s.x[i], y: s.y[i], label: s.labels[s.cls[i]], kind });
  }
  const removes = s.groups.some((g) => g.kind === 'removed');
  const legend = POINT_KINDS.map((kind) => {
    const groups = s.groups.filter((g) => g.kind === kind);
    const total = groups.reduce((a, g) => a + g.total, 0);
    const shown = groups.reduce((a, g) => a + g.shown, 0);
    const drawn = shown === total ? 'all drawn' : `${formatCount(shown)} drawn`;
    const words = kind === 'original' && removes ? 'rows kept' : KIND_WORDS[kind];
    return { kind, total, shown, text: `${formatCount(total)} ${words} (${drawn})` };
  }).filter((l) => l.total > 0);
  const notes: string[] = [];
  if (s.incomplete > 0) {
    notes.push(
      `${formatCount(s.incomplete)} rows with a missing value in a plotted feature are left out.`,
    );
  }
  if (s.repeated > 0) {
    notes.push(
      `${formatCount(s.repeated)} copies of existing rows are not drawn: each sits exactly on its original.`,
    );
  }
  const originals = s.groups.filter((g) => g.kind !== 'synthetic').reduce((a, g) => a + g.total, 0);
  if (s.pca && s.pca.fittedRows < originals) {
    notes.push(`Components fitted on a sample of ${formatCount(s.pca.fittedRows)} original rows.`);
  }
  return {
    title: `${s.xLabel} against ${s.yLabel}: ${legend.map((l) => l.text).join(', ')}`,
    xLabel: s.xLabel,
    yLabel: s.yLabel,
    labels: [...s.labels],
    original: byKind.original,
    removed: byKind.removed,
    synthetic: byKind.synthetic,
    legend,
    notes,
  };
}
