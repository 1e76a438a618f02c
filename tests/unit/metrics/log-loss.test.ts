// Log loss with sklearn 1.2's clipping (eps = dtype machine epsilon) and row renormalisation.
import { describe, expect, it } from 'vitest';
import { logLoss } from '../../../src/core/metrics';

describe('log loss', () => {
  it('mean of -log p(true class)', () => {
    expect(logLoss([0, 1], Float64Array.from([0.8, 0.2, 0.4, 0.6]), 2)).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.6)) / 2,
      15,
    );
  });

  it('rows are renormalised; a zero probability is clipped to a finite cost', () => {
    expect(logLoss([0], Float64Array.from([2, 2]), 2)).toBeCloseTo(Math.log(2), 15);
    expect(logLoss([0], Float64Array.from([0, 1]), 2)).toBeCloseTo(-Math.log(2 ** -52), 10);
    expect(logLoss([0], Float32Array.from([0, 1]), 2)).toBeCloseTo(-Math.log(2 ** -23), 5);
  });

  it('checks the shape', () => {
    expect(() => logLoss([0, 1], Float64Array.from([1, 0, 0]), 2)).toThrow(
      'Expected 2 x 2 probabilities (4 values), got 3.',
    );
  });
});
