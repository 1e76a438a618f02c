// The README's picture: the demo dataset's profile at a desktop size. Ordinary runs write it to
// test-results/ (so they never rewrite a tracked file); `SCREENSHOT=1 npx playwright test
// screenshot` refreshes docs/screenshot.png.
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { ROOT, columnCard, datasetItem, openApp } from './helpers';

test('docs/screenshot.png: the demo dataset profile', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openApp(page);
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  await expect(columnCard(page, 'weather').getByTestId('bar-chart')).toBeVisible();
  // A calm frame: no status line, no focus ring.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(0, 0);
  const target = process.env.SCREENSHOT ? 'docs/screenshot.png' : 'test-results/screenshot.png';
  await page.screenshot({ path: resolve(ROOT, target) });
});
