// The over-quota message models and bundles share (src/db/storage.ts storageFullError): the size
// needed, the free space when the browser gives an estimate (and nothing when it does not), the
// caller's advice, and "Nothing was stored."
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storageFullError } from '../../src/db/storage';

afterEach(() => {
  vi.unstubAllGlobals();
});

const ADVICE =
  'Delete datasets or models you no longer need, or free disk space, and train it again.';

describe('storageFullError', () => {
  it('says what is needed, what is free, what to do, and that nothing was stored', async () => {
    vi.stubGlobal('navigator', {
      storage: { estimate: async () => ({ usage: 9.9 * 1024 ** 3, quota: 10 * 1024 ** 3 }) },
    });
    const err = await storageFullError('the model "final"', 48 * 1024 * 1024 + 123, ADVICE);
    expect(err.code).toBe('quota-exceeded');
    expect(err.message).toBe(
      `The browser's storage is full: the model "final" needs 48 MB (102 MB is free). ${ADVICE} Nothing was stored.`,
    );
    expect(err.details).toEqual({ neededBytes: 48 * 1024 * 1024 + 123 });
  });

  it('leaves the free space out when the browser gives no estimate', async () => {
    vi.stubGlobal('navigator', {
      storage: {
        estimate: async () => {
          throw new Error('not in a private window');
        },
      },
    });
    const err = await storageFullError('the bundle "weather"', 8, 'Import it again.');
    expect(err.message).toBe(
      `The browser's storage is full: the bundle "weather" needs 8 bytes. Import it again. Nothing was stored.`,
    );
  });
});
