// The other ways in and out of an import: dropping a file on the page, and cancelling a long
// import, which must store nothing.
import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ROOT, SEATTLE, datasetCount, datasetItem, openApp } from './helpers';
import { generateMixedCsv } from '../../bench/gen-mixed-csv';

test('a file dropped anywhere on the page is imported', async ({ page }) => {
  await openApp(page);
  const text = readFileSync(SEATTLE, 'utf8');
  const dataTransfer = await page.evaluateHandle((csv) => {
    const dt = new DataTransfer();
    dt.items.add(new File([csv], 'dropped-weather.csv', { type: 'text/csv' }));
    return dt;
  }, text);
  const target = page.locator('main');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await expect(page.getByText('Drop to import')).toBeVisible();
  await target.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('Drop to import')).toHaveCount(0);
  const item = datasetItem(page, 'dropped-weather');
  await expect(item).toBeVisible({ timeout: 30_000 });
  await expect(item.getByTestId('dataset-shape')).toContainText('1,461 rows × 6 columns');
});

test('cancelling an import stores nothing and says so', async ({ page }) => {
  await openApp(page);
  const before = await datasetCount(page);
  // ~48 MB: seconds of work even for a fast reader, so Cancel lands while it runs.
  // Passed by path: a 48 MB buffer would crawl through the automation protocol.
  const path = resolve(ROOT, 'test-results', 'long.csv');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, generateMixedCsv(200_000, 7));
  await page.getByTestId('file-input').setInputFiles(path);

  await expect(page.getByTestId('import-progress')).toBeVisible();
  await page.getByTestId('cancel-import').click();
  await expect(page.getByTestId('import-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('status')).toContainText(/cancelled/i);
  await expect(page.getByTestId('status')).toContainText('Nothing was stored');
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  expect(await datasetCount(page)).toBe(before);
  await page.reload();
  await expect(page.getByTestId('dataset-count')).toHaveText(String(before));
});
