// Checks the Dexie store tests share: a table's index names, and the all-or-nothing write of a row
// and its bytes (src/db/storage.ts) with each store's own wording of a quota error and of any
// other failure.
import type Dexie from 'dexie';
import type { Table } from 'dexie';
import { expect, vi } from 'vitest';

/** The names of a table's secondary indexes, sorted. */
export function indexNames(db: Dexie, table: string): string[] {
  return db
    .table(table)
    .schema.indexes.map((i) => i.name)
    .sort();
}

/**
 * Makes every write to `bytes` fail, first with the browser's QuotaExceededError, then with a
 * TypeError: `put(id)` (a row and its bytes) must reject with quota-exceeded worded as `quota`,
 * then with an internal error worded as `failure`, and neither table may keep a row.
 */
export async function expectFailedBytesWriteStoresNothing(o: {
  rows: Table;
  bytes: Table;
  put: (id: string) => Promise<void>;
  quota: RegExp;
  failure: RegExp;
}): Promise<void> {
  const spy = vi.spyOn(o.bytes, 'put');
  spy.mockImplementation(() => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  });
  await expect(o.put('q')).rejects.toMatchObject({
    code: 'quota-exceeded',
    message: expect.stringMatching(o.quota),
  });
  spy.mockImplementation(() => {
    throw new TypeError('boom');
  });
  await expect(o.put('x')).rejects.toMatchObject({
    code: 'internal',
    message: expect.stringMatching(o.failure),
  });
  spy.mockRestore();
  expect(await o.rows.count()).toBe(0);
  expect(await o.bytes.count()).toBe(0);
}
