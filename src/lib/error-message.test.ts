// The alert text for every way an operation can fail: our errors keep their message and code,
// anything else still says what was being done.
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../core/errors';
import { toUiError } from './error-message';

describe('toUiError', () => {
  it('keeps a serialized BenchtopError as it is', () => {
    const err = new BenchtopError('ragged-rows', 'line 4 has 6 fields, the header has 5').toJSON();
    expect(toUiError(err, 'Could not import x.csv')).toEqual({
      code: 'ragged-rows',
      message: 'line 4 has 6 fields, the header has 5',
    });
  });
  it('keeps the message of a BenchtopError that crossed comlink as an Error', () => {
    const crossed = Object.assign(new Error('x.csv is empty (0 bytes).'), {
      name: 'BenchtopError',
    });
    expect(toUiError(crossed, 'Could not import x.csv')).toEqual({
      code: 'internal',
      message: 'x.csv is empty (0 bytes).',
    });
  });
  it('explains a full quota', () => {
    const quota = Object.assign(new Error('The quota has been exceeded.'), {
      name: 'QuotaExceededError',
    });
    const ui = toUiError(quota, 'Could not rename the dataset');
    expect(ui.code).toBe('quota-exceeded');
    expect(ui.message).toMatch(
      /^Could not rename the dataset: the browser's storage quota is full/,
    );
  });
  it('says what was being done for a bare library error or a thrown string', () => {
    expect(toUiError(new TypeError('x is null'), 'Could not read rows').message).toBe(
      'Could not read rows: x is null',
    );
    expect(toUiError('boom', 'Could not delete').message).toBe('Could not delete: boom');
  });
});
