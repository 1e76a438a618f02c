// classificationReport sorts each class's scores once and derives ROC-AUC, the ROC curve, average
// precision and the PR curve from that count. These tests hold it to the metrics computed one by
// one (rocAuc, rocCurve, averagePrecision, precisionRecallCurve, rocAucOvr, averagePrecisionOvr,
// each sorting on its own), to the last bit: on the real predictions of the golden set
// (tests/fixtures/golden/sklearn-metrics.json, scikit-learn 1.2.1 logistic regressions on
// breast_cancer / iris / wine, with tied, perfect, one-class and missing-class cases) and on seeded
// inputs with ties and missing classes. And the undefined cases keep their reasons and errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  averagePrecisionOvr,
  classificationReport,
  precisionRecallCurve,
  rocAuc,
  rocAucOvr,
  rocCurve,
  type ClassificationReport,
} from '../../../src/core/metrics';
import { binaryClfCurve, countClass } from '../../../src/core/metrics/curve';
import { classColumn, isClass } from '../../../src/core/metrics/input';
import { createRng } from '../../../src/core/rng';
import { referenceCurve } from './reference-curve';

interface Case {
  name: string;
  k: number;
  positive?: number;
  y: number[];
  proba: number[];
}
const golden = JSON.parse(readFileSync('tests/fixtures/golden/sklearn-metrics.json', 'utf8')) as {
  binary: Case[];
  multiclass: Case[];
};

/** The curve and area metrics of a report, computed one by one as before the single sort. */
function oneByOne(y: Int32Array, proba: Float64Array, k: number, positive: number) {
  const names = Array.from({ length: k }, (_, c) => `c${c}`);
  const classes = k === 2 ? [positive] : Array.from({ length: k }, (_, c) => c);
  const curves = classes.flatMap((c) => {
    const truth = isClass(y, c);
    const scores = classColumn(proba, k, c);
    const n = truth.reduce((s, v) => s + v, 0);
    return n === 0 || n === truth.length
      ? []
      : [{ class: c, roc: rocCurve(truth, scores), pr: precisionRecallCurve(truth, scores) }];
  });
  const truth = isClass(y, positive);
  const scores = classColumn(proba, k, positive);
  return {
    names,
    roc_auc: k === 2 ? rocAuc(truth, scores) : rocAucOvr(y, proba, k, names),
    pr_auc: k === 2 ? averagePrecision(truth, scores) : averagePrecisionOvr(y, proba, k, names),
    curves,
  };
}

function expectSame(y: Int32Array, proba: Float64Array, k: number, positive: number): void {
  const want = oneByOne(y, proba, k, positive);
  const got: ClassificationReport = classificationReport(y, proba, k, {
    positive,
    names: want.names,
  });
  if (y.length === 0) return;
  // Object.is: equal to the last bit (NaN equals NaN, 0 is not -0).
  expect(Object.is(got.metrics.roc_auc, want.roc_auc.value)).toBe(true);
  expect(Object.is(got.metrics.pr_auc, want.pr_auc.value)).toBe(true);
  expect(got.undefined.roc_auc).toBe(want.roc_auc.reason);
  expect(got.undefined.pr_auc).toBe(want.pr_auc.reason);
  expect(got.curves).toEqual(want.curves);
}

describe('binaryClfCurve', () => {
  it('counts as the plain sort-and-walk on 500 seeded inputs, ties and one-class ones too', () => {
    const rnd = createRng(5);
    for (let t = 0; t < 500; t++) {
      const n = 1 + Math.floor(rnd() * 120);
      const levels = [2, 5, 1000][t % 3]; // few distinct scores: long tied runs
      const rate = [0, 1, 0.1, 0.5][t % 4];
      const truth = Array.from({ length: n }, () => (rnd() < rate ? 1 : 0));
      const scores = Array.from({ length: n }, () => Math.floor(rnd() * levels) / levels);
      const got = binaryClfCurve(truth, scores);
      const want = referenceCurve(truth, scores);
      expect(Array.from(got.fps)).toEqual(want.fps);
      expect(Array.from(got.tps)).toEqual(want.tps);
      expect(Array.from(got.thresholds)).toEqual(want.thresholds);
    }
  });
});

describe('classificationReport: one sort per class, the same numbers', () => {
  it('on the golden set of real predictions (binary and multiclass, ties, missing classes)', () => {
    for (const c of [...golden.binary, ...golden.multiclass]) {
      const y = Int32Array.from(c.y);
      const proba = Float64Array.from(c.proba);
      expectSame(y, proba, c.k, c.positive ?? 1);
      if (c.k === 2) expectSame(y, proba, 2, 1 - (c.positive ?? 1));
    }
  });

  it('on 400 seeded inputs: 2-5 classes, tied scores, a class missing, a single row', () => {
    const rnd = createRng(11);
    for (let t = 0; t < 400; t++) {
      const k = 2 + (t % 4);
      const n = t % 50 === 0 ? 1 : 1 + Math.floor(rnd() * 80);
      const drop = t % 5 === 0 ? Math.floor(rnd() * k) : -1;
      const y = new Int32Array(n);
      const proba = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        let c = Math.floor(rnd() * k);
        if (c === drop) c = (c + 1) % k;
        y[i] = c;
        let s = 0;
        for (let j = 0; j < k; j++) {
          let v = rnd() + (j === c ? 0.5 : 0);
          if (t % 3 === 0) v = Math.round(v * 4) / 4 + 0.01; // few distinct scores: many ties
          proba[i * k + j] = v;
          s += v;
        }
        for (let j = 0; j < k; j++) proba[i * k + j] /= s;
      }
      expectSame(y, proba, k, t % 2);
    }
  });

  it('countClass sorts only when there is a positive row; curves need both classes', () => {
    expect(countClass([0, 0, 0], [0.1, NaN, 0.3])).toEqual({
      rows: 3,
      positives: 0,
      negatives: 3,
      curve: null,
    });
    const c = countClass([1, 0, 1, 1], [0.9, 0.2, 0.9, 0.4]);
    expect(c).toMatchObject({ rows: 4, positives: 3, negatives: 1 });
    expect(Array.from(c.curve!.thresholds)).toEqual([0.9, 0.4, 0.2]);
    expect(Array.from(c.curve!.tps)).toEqual([2, 3, 3]);
    expect(Array.from(c.curve!.fps)).toEqual([0, 0, 1]);
    // Only positives: AP is defined (1), ROC-AUC is not, and no curve is drawn.
    const r = classificationReport(
      Int32Array.from([1, 1]),
      Float64Array.from([0.3, 0.7, 0.4, 0.6]),
      2,
    );
    expect(r.metrics.pr_auc).toBe(1);
    expect(r.metrics.roc_auc).toBeNaN();
    expect(r.undefined.roc_auc).toMatch(/only positive rows \(2\)/);
    expect(r.curves).toEqual([]);
  });

  it('a NaN score is the same clear error as in the curve functions', () => {
    const y = Int32Array.from([0, 1, 1]);
    const proba = Float64Array.from([0.9, 0.1, NaN, NaN, 0.2, 0.8]);
    expect(() => classificationReport(y, proba, 2)).toThrow(/no score \(NaN\) for row 2/);
    // With no positive row nothing is sorted, so nothing fails (as rocAuc / averagePrecision).
    const none = classificationReport(
      Int32Array.from([0, 0]),
      Float64Array.from([1, 0, NaN, NaN]),
      2,
    );
    expect(none.metrics.roc_auc).toBeNaN();
    expect(none.undefined.pr_auc).toMatch(/no positive rows among 2/);
  });
});
