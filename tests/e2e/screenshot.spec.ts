// Not a test: refreshes docs/screenshot.png (the README's picture) when SCREENSHOT=1, so ordinary
// runs never rewrite a tracked file. `SCREENSHOT=1 npx playwright test screenshot`.
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { ROOT, columnCard, datasetItem, openApp } from './helpers';

test('docs/screenshot.png: the demo dataset profile', async ({ page }) => {
  test.skip(!process.env.SCREENSHOT, 'set SCREENSHOT=1 to refresh docs/screenshot.png');
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openApp(page);
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  await expect(columnCard(page, 'weather').getByTestId('bar-chart')).toBeVisible();
  // A calm frame: no status line, no focus ring.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(0, 0);
  await page.screenshot({ path: resolve(ROOT, 'docs/screenshot.png') });
});
