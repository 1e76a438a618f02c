// Matthews correlation: binary by the textbook formula, multiclass against the binary case, and
// sklearn's 0 for constant predictions.
import { describe, expect, it } from 'vitest';
import { confusionMatrix, mcc } from '../../../src/core/metrics';

describe('MCC', () => {
  it('binary: (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))', () => {
    const m = [
      [3, 1],
      [2, 4],
    ]; // TN 3, FP 1, FN 2, TP 4
    expect(mcc(m)).toBeCloseTo((4 * 3 - 1 * 2) / Math.sqrt(5 * 6 * 4 * 5), 15);
  });

  it('perfect is 1, inverted is -1, constant predictions are 0 (not NaN)', () => {
    expect(mcc(confusionMatrix([0, 1, 2, 2], [0, 1, 2, 2], 3))).toBe(1);
    expect(mcc(confusionMatrix([0, 1, 0, 1], [1, 0, 1, 0], 2))).toBe(-1);
    expect(mcc(confusionMatrix([0, 1, 2], [1, 1, 1], 3))).toBe(0);
  });
});
