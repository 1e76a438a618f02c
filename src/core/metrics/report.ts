// Every metric of one scored set of rows, under the names DESIGN.md §7 uses (the CLI's `cv --json`,
// the runs table): classification `accuracy, balanced_accuracy, precision, recall, f1, roc_auc,
// pr_auc, log_loss, mcc` (binary: the positive class; multiclass: macro averages, plus
// `precision_weighted, recall_weighted, f1_weighted`), regression `mse, rmse, mae, r2`. A metric
// that is undefined on these rows is NaN, and `undefined[name]` says why. Each class's scores are
// sorted once (countClass): its ROC-AUC, ROC curve, average precision and PR curve all derive from
// that one count, with the same values as the metrics computed one by one (tests/unit/metrics).
import { accuracy } from './accuracy';
import {
  averagePrecisionOf,
  averagePrecisionOvrOf,
  prFromCounts,
  type PrCurve,
} from './average-precision';
import { balancedAccuracy } from './balanced-accuracy';
import { confusionMatrix, type ConfusionMatrix } from './confusion';
import { countClass, type ClassCounting } from './curve';
import {
  argmaxRows,
  checkProbabilities,
  classColumn,
  isClass,
  type MaybeMetric,
  type Probabilities,
} from './input';
import { logLoss } from './log-loss';
import { mcc } from './mcc';
import { precisionRecallF1 } from './precision-recall-f1';
import { mae, mse, r2, rmse } from './regression';
import { rocAucOf, rocAucOvrOf, rocFromCounts, type RocCurve } from './roc';

export const CLASSIFICATION_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'mcc',
] as const;
export const MULTICLASS_EXTRA_METRICS = [
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
] as const;
export const REGRESSION_METRICS = ['mse', 'rmse', 'mae', 'r2'] as const;

/** Metrics where lower is better (everything else: higher is better). */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'mse', 'rmse', 'mae']);

/** The one-vs-rest curves of one class (binary: of the positive class). */
export interface ClassCurves {
  class: number;
  roc: RocCurve;
  pr: PrCurve;
}

export interface ClassificationReport {
  task: 'classification';
  classes: number;
  /** Binary tasks: the class index scored as positive. */
  positive: number | null;
  rows: number;
  metrics: Record<string, number>;
  /** Why a metric is NaN on these rows (e.g. ROC-AUC with one class present). */
  undefined: Record<string, string>;
  confusion: ConfusionMatrix;
  /** Binary: the positive class's curves. Multiclass: one-vs-rest per class that has both. */
  curves: ClassCurves[];
}

export interface ClassificationOptions {
  /** Binary tasks: which class index is positive (default 1). Ignored for 3+ classes. */
  positive?: number;
  /** Class names for messages ("'snow' has no rows"). */
  names?: readonly string[];
}

export function classificationReport(
  y: Int32Array,
  proba: Probabilities,
  k: number,
  options: ClassificationOptions = {},
): ClassificationReport {
  checkProbabilities(y, proba, k);
  const pred = argmaxRows(proba, k);
  const m = confusionMatrix(y, pred, k);
  const metrics: Record<string, number> = {
    accuracy: accuracy(m),
    balanced_accuracy: balancedAccuracy(m),
  };
  const undef: Record<string, string> = {};
  const put = (name: string, r: MaybeMetric): void => {
    metrics[name] = r.value;
    if (r.reason) undef[name] = r.reason;
  };
  // One count per class (binary: the positive class); the curves are drawn once, for the classes
  // that have both positive and negative rows, and the areas are read off them.
  const counted = (c: number): { counting: ClassCounting; curves?: ClassCurves } => {
    const counting = countClass(isClass(y, c), classColumn(proba, k, c));
    if (counting.curve === null || counting.negatives === 0) return { counting };
    return {
      counting,
      curves: { class: c, roc: rocFromCounts(counting.curve), pr: prFromCounts(counting.curve) },
    };
  };
  const curves: ClassCurves[] = [];
  let positive: number | null = null;
  if (k === 2) {
    positive = options.positive ?? 1;
    Object.assign(metrics, precisionRecallF1(m, { average: 'binary', positive }));
    const one = counted(positive);
    put('roc_auc', rocAucOf(one.counting, one.curves?.roc));
    put('pr_auc', averagePrecisionOf(one.counting, one.curves?.pr));
    if (one.curves) curves.push(one.curves);
  } else {
    Object.assign(metrics, precisionRecallF1(m, { average: 'macro' }));
    const w = precisionRecallF1(m, { average: 'weighted' });
    const all = Array.from({ length: k }, (_, c) => counted(c));
    const countings = all.map((a) => a.counting);
    put(
      'roc_auc',
      rocAucOvrOf(
        countings,
        options.names,
        all.map((a) => a.curves?.roc),
      ),
    );
    put(
      'pr_auc',
      averagePrecisionOvrOf(
        countings,
        options.names,
        all.map((a) => a.curves?.pr),
      ),
    );
    metrics.precision_weighted = w.precision;
    metrics.recall_weighted = w.recall;
    metrics.f1_weighted = w.f1;
    for (const a of all) if (a.curves) curves.push(a.curves);
  }
  metrics.log_loss = logLoss(y, proba, k);
  metrics.mcc = mcc(m);
  if (y.length === 0) {
    for (const name of Object.keys(metrics)) {
      metrics[name] = NaN;
      undef[name] = 'There are no rows to score.';
    }
  }
  return {
    task: 'classification',
    classes: k,
    positive,
    rows: y.length,
    metrics,
    undefined: undef,
    confusion: m,
    curves,
  };
}

export interface RegressionReport {
  task: 'regression';
  rows: number;
  metrics: Record<string, number>;
  undefined: Record<string, string>;
}

export function regressionReport(y: ArrayLike<number>, pred: ArrayLike<number>): RegressionReport {
  return {
    task: 'regression',
    rows: y.length,
    metrics: { mse: mse(y, pred), rmse: rmse(y, pred), mae: mae(y, pred), r2: r2(y, pred) },
    undefined: {},
  };
}
