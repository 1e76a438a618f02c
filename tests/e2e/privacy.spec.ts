// The privacy promise, checked: during a whole journey (open, demo, import, profile, rows, kind
// change, rename, delete, reload) every request the browser makes, from the page, its workers or
// the service worker, goes to the app's own origin (or is a local data:/blob: URL).
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ORIGIN, SEATTLE, columnCard, datasetItem, importAndWait, openApp } from './helpers';

test('no request leaves the origin during a whole journey', async ({ page, context }) => {
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));

  await openApp(page);
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  const copy = { name: 'seattle-copy.csv', mimeType: 'text/csv', buffer: readFileSync(SEATTLE) };
  await importAndWait(page, copy, 'seattle-copy');
  await expect(page.getByTestId('dataset-count')).toHaveText('2');

  await page.getByTestId('tab-rows').click();
  await expect(page.getByTestId('preview-row').first()).toBeVisible();
  await page.getByTestId('tab-profile').click();

  // Override a kind: the worker converts and re-stores; the card follows through liveQuery.
  await columnCard(page, 'wind').getByTestId('column-kind').selectOption('categorical');
  await expect(columnCard(page, 'wind').getByTestId('column-kind')).toHaveValue('categorical', {
    timeout: 30_000,
  });
  await expect(columnCard(page, 'wind').getByTestId('bar-chart')).toBeVisible();

  await datasetItem(page, 'seattle-copy').getByTestId('rename').click();
  await page.getByTestId('rename-input').fill('renamed');
  await page.getByTestId('rename-input').press('Enter');
  await datasetItem(page, 'renamed').getByTestId('delete').click();
  await page.getByTestId('delete-confirm').click();
  await expect(page.getByTestId('dataset-count')).toHaveText('1');
  await page.reload();
  await expect(page.getByTestId('dataset-count')).toHaveText('1');

  expect(requests.length).toBeGreaterThan(3);
  const foreign = requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).origin !== ORIGIN;
  });
  expect(foreign).toEqual([]);
  // And the page declares it: a Content-Security-Policy that only allows this origin.
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
});
