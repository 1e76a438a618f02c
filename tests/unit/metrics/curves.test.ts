// ROC and PR curves, ROC-AUC and average precision on scikit-learn's documented example
// (y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8]: roc_curve, roc_auc_score = 0.75,
// precision_recall_curve and average_precision_score = 0.8333 in sklearn 1.2's docstrings), ties,
// and the undefined cases.
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  precisionRecallCurve,
  rocAuc,
  rocAucOvr,
  rocCurve,
} from '../../../src/core/metrics';

const truth = [0, 0, 1, 1];
const scores = [0.1, 0.4, 0.35, 0.8];

describe('ROC', () => {
  it("sklearn's roc_curve docstring example", () => {
    const c = rocCurve(truth, scores);
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(c.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(c.thresholds)).toEqual([1.8, 0.8, 0.4, 0.35, 0.1]);
    expect(rocAuc(truth, scores).value).toBe(0.75);
  });

  it('drops collinear points but not the area; ties are one step', () => {
    const t = [1, 1, 1, 0, 0, 0];
    const s = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
    // sklearn: fpr [0, 0, 0, 1], tpr [0, 1/3, 1, 1] (the two straight runs keep only their ends).
    expect(Array.from(rocCurve(t, s).fpr)).toEqual([0, 0, 0, 1]);
    expect(Array.from(rocCurve(t, s).tpr)).toEqual([0, 1 / 3, 1, 1]);
    expect(rocCurve(t, s, false).fpr.length).toBe(7);
    // All scores tied: one step from (0,0) to (1,1), AUC 0.5.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]).value).toBe(0.5);
  });

  it('one class only: NaN with a reason, never a throw', () => {
    const r = rocAuc([1, 1, 1], [0.2, 0.5, 0.9]);
    expect(r.value).toBeNaN();
    expect(r.reason).toMatch(/only positive rows \(3\)/);
    const m = rocAucOvr(
      [0, 1, 1],
      Float64Array.from([0.5, 0.3, 0.2, 0.1, 0.8, 0.1, 0.2, 0.7, 0.1]),
      3,
      ['rain', 'sun', 'snow'],
    );
    expect(m.value).toBeNaN();
    expect(m.reason).toBe(
      "One-vs-rest ROC-AUC is undefined: 'snow' has no rows in the true labels.",
    );
  });
});

describe('precision-recall', () => {
  it("sklearn's precision_recall_curve docstring example, and AP as the step sum", () => {
    const c = precisionRecallCurve(truth, scores);
    expect(Array.from(c.precision)).toEqual([0.5, 2 / 3, 0.5, 1, 1]);
    expect(Array.from(c.recall)).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(Array.from(c.thresholds)).toEqual([0.1, 0.35, 0.4, 0.8]);
    // (1 - 0.5) * 1 + (1 - 0.5) * 2/3 = 0.8333, not the trapezoid.
    expect(averagePrecision(truth, scores).value).toBeCloseTo(0.5 + 1 / 3, 15);
  });

  it('no positive rows: NaN with a reason', () => {
    const r = averagePrecision([0, 0], [0.1, 0.2]);
    expect(r.value).toBeNaN();
    expect(r.reason).toMatch(/no positive rows among 2/);
  });

  it('a NaN score is a clear error', () => {
    expect(() => rocCurve([0, 1], [0.1, NaN])).toThrow(/no score \(NaN\) for row 2/);
  });
});
