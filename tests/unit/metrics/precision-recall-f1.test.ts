// Precision, recall and F1 (binary, macro, weighted) and the zero-division rule, worked by hand;
// the same numbers as sklearn's precision_recall_fscore_support(zero_division=0).
import { describe, expect, it } from 'vitest';
import { confusionMatrix, precisionRecallF1 } from '../../../src/core/metrics';

describe('precision, recall, F1', () => {
  const m = confusionMatrix([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 0, 2], 3);

  it('macro: plain mean of the per-class scores', () => {
    const r = precisionRecallF1(m, { average: 'macro' });
    expect(r.precision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 15);
    expect(r.recall).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 15);
  });

  it('weighted: by true-row count (2, 3, 1)', () => {
    const r = precisionRecallF1(m, { average: 'weighted' });
    expect(r.precision).toBeCloseTo((2 * 0.5 + 3 * (2 / 3) + 1) / 6, 15);
  });

  it('binary on the positive class; TP 4, FP 1, FN 2', () => {
    const b = confusionMatrix([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 1, 0, 0, 0], 2);
    const r = precisionRecallF1(b, { average: 'binary', positive: 1 });
    expect(r).toEqual({ precision: 4 / 5, recall: 4 / 6, f1: 8 / 11 });
    const n = precisionRecallF1(b, { average: 'binary', positive: 0 });
    expect(n).toEqual({ precision: 3 / 5, recall: 3 / 4, f1: 6 / 9 });
  });

  it('zero division gives 0: nothing predicted positive, no positive rows', () => {
    const none = confusionMatrix([1, 0, 0], [0, 0, 0], 2);
    expect(precisionRecallF1(none, { average: 'binary', positive: 1 })).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
    });
    // macro skips a class neither true nor predicted (sklearn's labels=None).
    const m2 = confusionMatrix([0, 1], [0, 1], 3);
    expect(precisionRecallF1(m2, { average: 'macro' }).f1).toBe(1);
  });
});
