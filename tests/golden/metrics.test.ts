// Golden test: Benchtop's metrics against scikit-learn's on real predictions. Source of every
// expected number: scikit-learn 1.2.1 (Debian python3-sklearn), written to
// tests/fixtures/golden/sklearn-metrics.json by tests/fixtures/golden/sklearn_metrics.py: a
// StandardScaler + LogisticRegression fitted on a stratified half of breast_cancer / iris / wine
// predicting the other half, and LinearRegression on diabetes; plus tied scores (rounded
// probabilities), a class missing from y_true, perfect predictions, a model that never predicts
// the positive class, and y_true with one class. The sklearn function behind each field is named
// in the script's docstring and next to each assertion here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  chooseThreshold,
  classificationReport,
  precisionRecallCurve,
  regressionReport,
  rocCurve,
} from '../../src/core/metrics';

interface BinaryCase {
  name: string;
  k: number;
  positive: number;
  y: number[];
  proba: number[];
  [metric: string]: unknown;
  confusion: number[][];
  roc?: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr?: { precision: number[]; recall: number[]; thresholds: number[] };
  choose?: Record<'youden' | 'f1', { threshold: number; value: number }>;
}
interface MultiCase {
  name: string;
  k: number;
  y: number[];
  proba: number[];
  confusion: number[][];
  roc_auc_per_class: (number | null)[];
  pr_auc_per_class: (number | null)[];
  [metric: string]: unknown;
}
interface RegressionCase {
  name: string;
  y: number[];
  pred: number[];
  [metric: string]: unknown;
}

const golden = JSON.parse(readFileSync('tests/fixtures/golden/sklearn-metrics.json', 'utf8')) as {
  source: string;
  binary: BinaryCase[];
  multiclass: MultiCase[];
  regression: RegressionCase[];
};

/** None in the JSON = sklearn raises (or the value is undefined): we give NaN. */
function expectMetric(actual: number, expected: unknown, digits = 12): void {
  if (expected === null) expect(actual).toBeNaN();
  else expect(actual).toBeCloseTo(expected as number, digits);
}

function expectArray(actual: ArrayLike<number>, expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, digits));
}

describe(`binary metrics = ${golden.source}`, () => {
  for (const c of golden.binary) {
    it(c.name, () => {
      const r = classificationReport(Int32Array.from(c.y), Float64Array.from(c.proba), c.k, {
        positive: c.positive,
      });
      // accuracy_score, balanced_accuracy_score, precision/recall/f1_score(pos_label,
      // zero_division=0), matthews_corrcoef, log_loss(labels=range(k)), roc_auc_score,
      // average_precision_score, confusion_matrix(labels=range(k)).
      for (const name of [
        'accuracy',
        'balanced_accuracy',
        'precision',
        'recall',
        'f1',
        'mcc',
        'log_loss',
        'roc_auc',
        'pr_auc',
      ]) {
        expectMetric(r.metrics[name], c[name]);
      }
      expect(r.confusion).toEqual(c.confusion);
      if (c.roc === undefined) {
        expect(r.undefined.roc_auc).toMatch(/only negative rows/);
        expect(r.curves).toEqual([]);
        return;
      }
      const truth = c.y.map((v) => (v === c.positive ? 1 : 0));
      const scores = c.y.map((_, i) => c.proba[i * 2 + c.positive]);
      // roc_curve(drop_intermediate=True), sklearn 1.2 (first threshold = max + 1).
      const roc = rocCurve(truth, scores);
      expectArray(roc.fpr, c.roc.fpr);
      expectArray(roc.tpr, c.roc.tpr);
      expectArray(roc.thresholds, c.roc.thresholds);
      expectArray(r.curves[0].roc.fpr, c.roc.fpr);
      // precision_recall_curve.
      const pr = precisionRecallCurve(truth, scores);
      expectArray(pr.precision, c.pr!.precision);
      expectArray(pr.recall, c.pr!.recall);
      expectArray(pr.thresholds, c.pr!.thresholds);
      expect(averagePrecision(truth, scores).value).toBeCloseTo(c.pr_auc as number, 12);
      // Threshold maximising f1_score / tpr - fpr over roc_curve(drop_intermediate=False).
      for (const criterion of ['f1', 'youden'] as const) {
        const t = chooseThreshold(
          Int32Array.from(c.y),
          Float64Array.from(c.proba),
          2,
          c.positive,
          criterion,
        );
        expect(t.threshold).toBeCloseTo(c.choose![criterion].threshold, 12);
        expect(t.value).toBeCloseTo(c.choose![criterion].value, 12);
        if (criterion === 'f1') expect(t.f1).toBeCloseTo(t.value, 12);
        else
          expect(
            t.recall -
              t.confusion[1 - c.positive][c.positive] /
                (t.confusion[1 - c.positive][0] + t.confusion[1 - c.positive][1]),
          ).toBeCloseTo(t.value, 12);
      }
    });
  }

  it('the ties case really has ties, and the curves treat a tie as one step', () => {
    const c = golden.binary.find((b) => b.name.includes('ties'))!;
    const scores = c.y.map((_, i) => c.proba[i * 2]);
    expect(new Set(scores).size).toBeLessThan(15);
    expect(c.roc!.thresholds.length).toBeLessThanOrEqual(new Set(scores).size + 1);
  });
});

describe(`multiclass metrics = ${golden.source}`, () => {
  for (const c of golden.multiclass) {
    it(c.name, () => {
      const r = classificationReport(Int32Array.from(c.y), Float64Array.from(c.proba), c.k);
      // precision/recall/f1_score(average='macro' | 'weighted', zero_division=0),
      // roc_auc_score(multi_class='ovr', average='macro'), macro average_precision_score of
      // label_binarize(y), matthews_corrcoef, log_loss(labels=range(k)).
      const expected: Record<string, unknown> = {
        accuracy: c.accuracy,
        balanced_accuracy: c.balanced_accuracy,
        precision: c.precision_macro,
        recall: c.recall_macro,
        f1: c.f1_macro,
        precision_weighted: c.precision_weighted,
        recall_weighted: c.recall_weighted,
        f1_weighted: c.f1_weighted,
        roc_auc: c.roc_auc,
        pr_auc: c.pr_auc,
        log_loss: c.log_loss,
        mcc: c.mcc,
      };
      for (const [name, v] of Object.entries(expected)) expectMetric(r.metrics[name], v);
      expect(r.confusion).toEqual(c.confusion);
      // One-vs-rest curves: one per class present; each AUC = roc_auc_score(y == c, P[:, c]).
      const present = c.roc_auc_per_class.filter((v) => v !== null).length;
      expect(r.curves.length).toBe(present);
      for (const curve of r.curves) {
        let area = 0;
        const { fpr, tpr } = curve.roc;
        for (let i = 1; i < fpr.length; i++)
          area += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
        expect(area).toBeCloseTo(c.roc_auc_per_class[curve.class]!, 12);
      }
      if (c.roc_auc === null) expect(r.undefined.roc_auc).toMatch(/'class 2' has no rows/);
    });
  }
});

describe(`regression metrics = ${golden.source}`, () => {
  for (const c of golden.regression) {
    it(c.name, () => {
      // mean_squared_error, mean_squared_error(squared=False), mean_absolute_error, r2_score.
      const r = regressionReport(c.y, c.pred);
      for (const name of ['mse', 'rmse', 'mae', 'r2']) expectMetric(r.metrics[name], c[name], 9);
    });
  }
});
