// The binary decision threshold: metrics at a threshold (positive when p >= t) and the threshold
// maximising F1 or Youden's J, worked by hand on a small example.
import { describe, expect, it } from 'vitest';
import { chooseThreshold, metricsAtThreshold } from '../../../src/core/metrics';

// p(class 1) per row; y: 1 1 0 1 0 0
const p1 = [0.9, 0.7, 0.6, 0.55, 0.3, 0.1];
const y = Int32Array.from([1, 1, 0, 1, 0, 0]);
const proba = Float64Array.from(p1.flatMap((p) => [1 - p, p]));

describe('thresholds', () => {
  it('metrics at a threshold', () => {
    const m = metricsAtThreshold(y, proba, 1, 0.6); // predicts rows 0,1,2 positive
    expect(m.confusion).toEqual([
      [2, 1],
      [1, 2],
    ]);
    expect(m.precision).toBeCloseTo(2 / 3, 15);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
  });

  it('F1 is highest at 0.55 (TP 3, FP 1: 6/7); so is Youden J (1 - 1/3)', () => {
    const f = chooseThreshold(y, proba, 2, 1, 'f1');
    expect(f.threshold).toBe(0.55);
    expect(f.value).toBeCloseTo(6 / 7, 15);
    expect(f.f1).toBeCloseTo(6 / 7, 15);
    const j = chooseThreshold(y, proba, 2, 1, 'youden');
    expect(j.threshold).toBe(0.55);
    expect(j.value).toBeCloseTo(2 / 3, 15);
  });

  it('on the other class as positive, scores are 1 - p', () => {
    const f = chooseThreshold(y, proba, 2, 0, 'f1');
    // Scores 0.1 0.3 0.4 0.45 0.7 0.9; class 0 = rows 2, 4, 5. At 0.4: TP 3, FP 1 -> F1 6/7
    // (at 0.7 only 4/5).
    expect(f.threshold).toBeCloseTo(0.4, 15);
    expect(f.value).toBeCloseTo(6 / 7, 15);
  });

  it('refuses multiclass', () => {
    expect(() =>
      chooseThreshold(
        y,
        Float64Array.from({ length: 18 }, () => 1 / 3),
        3,
        1,
        'f1',
      ),
    ).toThrow('A decision threshold applies to two classes; this task has 3.');
  });
});
