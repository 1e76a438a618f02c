// A tiny training run on WebGPU through the backend override (issue 5). Chromium runs with
// --enable-unsafe-webgpu (playwright.config.ts), whose only adapter here is SwiftShader, a
// software fallback: the automatic choice skips it (slower than wasm) and says so; the override
// activates it. SwiftShader is slow, so the run is small: the first 300 rows of seattle-weather,
// 2 folds, logistic regression.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { importAndWait, openApp, SEATTLE } from './helpers';

test('override the backend to webgpu and cross-validate a small dataset on it', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  const lines = readFileSync(SEATTLE, 'utf8').split('\n');
  const small = Buffer.from(lines.slice(0, 301).join('\n') + '\n');
  await openApp(page);
  await importAndWait(
    page,
    { name: 'weather-300.csv', mimeType: 'text/csv', buffer: small },
    'weather-300',
  );

  await page.getByTestId('tab-prepare').click();
  await page.getByTestId('target-select').selectOption('weather');
  await page.getByTestId('auto-prepare').click();
  await expect(page.getByTestId('step')).toHaveCount(4);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  // The software adapter is found and left out of the automatic order, with the reason.
  await expect(page.getByTestId('train-backend')).toContainText(
    'webgpu (the only WebGPU adapter is a software fallback, slower than wasm)',
  );

  await page.getByTestId('backend-override').selectOption('webgpu');
  await expect(page.getByTestId('backend-active')).toHaveText('webgpu', { timeout: 60_000 });
  await expect(page.getByTestId('train-backend')).toContainText('chosen by you');

  await page.getByTestId('train-folds').fill('2');
  await page.getByTestId('train-folds').dispatchEvent('change');
  await page.getByTestId('run-cv').click();
  await expect(page.getByTestId('run-results')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('run-results')).toContainText('backend webgpu');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row').first()).toContainText('webgpu');
  const accuracy = Number(await page.getByTestId('metric-accuracy').textContent());
  // 300 days of 2012, 2 folds: a model that learned something beats always answering the
  // commonest class (rain: 138 of the 300 rows, 0.46).
  console.log(`[train-webgpu] 2-fold accuracy on 300 rows: ${accuracy}`);
  expect(accuracy).toBeGreaterThan(0.55);
});
