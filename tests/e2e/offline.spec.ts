// Offline and out of space: after one visit the service worker serves the app, which still reads
// and stores files with the network off; and a file larger than the storage quota gets the quota
// message with nothing stored.
import { expect, test } from '@playwright/test';
import {
  ORIGIN,
  SEATTLE,
  datasetCount,
  datasetItem,
  importAndWait,
  openApp,
  sequentialCsv,
} from './helpers';

test('after one visit the app opens and ingests with the network off', async ({
  page,
  context,
}) => {
  await openApp(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The worker claims open pages, but a page loaded before it was active may need one reload.
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null)))
    await page.reload();
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Benchtop', level: 1 })).toBeVisible();
    await expect(page.getByTestId('dataset-count')).toHaveText('0');
    // Responses from the cache keep cross-origin isolation (threaded WASM needs it).
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // The data worker (a separate precached chunk) starts, parses and stores offline.
    await importAndWait(page, SEATTLE, 'seattle-weather');
    await expect(page.getByTestId('dataset-rows')).toHaveText('1,461 rows');
    // The demo dataset is precached too.
    await page.getByTestId('load-demo').click();
    await expect(page.getByTestId('dataset-count')).toHaveText('2', { timeout: 60_000 });
  } finally {
    await context.setOffline(false);
  }
});

test('a file larger than the storage quota is refused with the quota message and nothing stored', async ({
  page,
  context,
}) => {
  await openApp(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Room for ~1 MB more than the app itself uses: the small dataset fits, the 100k-row file's
  // Arrow bytes (~2.5 MB) do not. Chromium applies an override only to a storage key whose
  // IndexedDB has not been written yet, so it is set before the first import.
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: ORIGIN,
    quotaSize: usage + 1_000_000,
  });
  try {
    await importAndWait(page, SEATTLE, 'seattle-weather');
    const before = await datasetCount(page);
    const big = { name: 'too-big.csv', mimeType: 'text/csv', buffer: sequentialCsv(100_000) };
    await page.getByTestId('file-input').setInputFiles(big);
    const alert = page.getByTestId('error-message');
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(alert).toContainText(/storage is full|quota/i);
    await expect(alert).toContainText('Nothing was stored');
    expect(await datasetCount(page)).toBe(before);
    await expect(datasetItem(page, 'too-big')).toHaveCount(0);

    await page.reload();
    await expect(page.getByTestId('dataset-count')).toHaveText(String(before));
    await expect(datasetItem(page, 'seattle-weather')).toBeVisible();
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: ORIGIN });
  }
});
