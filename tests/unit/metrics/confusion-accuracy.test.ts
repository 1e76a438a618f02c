// Confusion matrix, accuracy and balanced accuracy on a hand-checked example (values worked out
// by hand below and equal to sklearn's confusion_matrix / accuracy_score /
// balanced_accuracy_score on the same lists).
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  addConfusion,
  balancedAccuracy,
  confusionMatrix,
} from '../../../src/core/metrics';

const y = [0, 0, 1, 1, 1, 2];
const pred = [0, 1, 1, 1, 0, 2];

describe('confusion matrix, accuracy, balanced accuracy', () => {
  it('rows are true classes, columns predictions', () => {
    expect(confusionMatrix(y, pred, 3)).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [0, 0, 1],
    ]);
    expect(
      addConfusion(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 1],
          [1, 1],
        ],
      ),
    ).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it('accuracy = 4 of 6; balanced = mean recall (1/2 + 2/3 + 1) / 3', () => {
    const m = confusionMatrix(y, pred, 3);
    expect(accuracy(m)).toBeCloseTo(4 / 6, 15);
    expect(balancedAccuracy(m)).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 15);
  });

  it('a class absent from y_true is left out of balanced accuracy (as sklearn), not counted as 0', () => {
    // Class 2 is predicted once but never true: recalls are 1/2 and 1/1.
    const m = confusionMatrix([0, 0, 1], [0, 2, 1], 3);
    expect(balancedAccuracy(m)).toBeCloseTo(0.75, 15);
    expect(accuracy(confusionMatrix([], [], 2))).toBeNaN();
  });

  it('refuses labels outside 0..k-1 and unequal lengths', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      'The true labels hold class index 3 at row 2, outside 0..2.',
    );
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(
      'Confusion matrix: 2 true values but 1 predictions.',
    );
  });
});
