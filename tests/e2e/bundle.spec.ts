// The model-bundle journey (issue 6) on the demo dataset: auto-prepare (target weather), 5-fold
// cross-validation, the final model, then "export bundle": the compression table is shown first,
// a signed uint8 bundle is exported (a real download, read back here with core's readBundle);
// imported again through the file picker in the Models area: "verified", signed by this
// browser's key, the model card; batch predictions on the stored dataset downloaded as CSV (row
// count and columns checked, and the row the form predicts agrees with it); the one-row form gives
// a label with probabilities. A copy with one byte of weights.bin flipped (fflate, in this process)
// is refused with the core's hash message and nothing is stored; a non-bundle dropped on the page
// is refused too. The imported bundle is still there after a reload.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync, zipSync } from 'fflate';
import { readBundle } from '../../src/core/bundle';
import { datasetItem, openApp } from './helpers';

const LABELS = ['drizzle', 'fog', 'rain', 'snow', 'sun'];

async function trainWeatherModel(page: Page): Promise<void> {
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('tab-prepare').click();
  await expect(page.getByTestId('prepare')).toBeVisible();
  await page.getByTestId('target-select').selectOption('weather');
  await page.getByTestId('auto-prepare').click();
  await expect(page.getByTestId('step')).toHaveCount(4);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-cv').click();
  await expect(page.getByTestId('run-results')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('train-final').click();
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 120_000 });
}

/** A CSV line's fields (the predictions CSV quotes nothing here: no commas in these values). */
function fields(line: string): string[] {
  return line.split(',');
}

test('export a uint8 bundle, import it, verify, predict a dataset and one row; tampered copies are refused', async ({
  page,
}, testInfo) => {
  test.setTimeout(360_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  await openApp(page);
  await trainWeatherModel(page);

  // ---- export: the compression table first, then the bundle ----------------------------------
  await page.getByTestId('model-export').click();
  const panel = page.getByTestId('export-panel');
  await expect(panel).toBeVisible();
  const table = panel.getByTestId('compression-table');
  await expect(table.locator('tbody tr')).toHaveCount(4, { timeout: 120_000 });
  await expect(table.locator('tbody tr').nth(0)).toHaveAttribute('data-variant', 'none');
  await expect(table.locator('tr[data-variant="uint8"]')).toContainText('4.00×');
  await expect(panel.getByTestId('compression-heldout')).toContainText(
    'stratified holdout of 293 rows',
  );
  const values = (await table.getByTestId('compression-value').allTextContents()).map(Number);
  console.log(`[bundle e2e] held-out accuracy none/float16/uint8/pruned: ${values.join(' / ')}`);
  expect(values[0]).toBeGreaterThan(0.7);
  expect(Math.abs(values[2] - values[0])).toBeLessThanOrEqual(0.01);

  await panel.getByTestId('export-name').fill('weather-model');
  await panel.getByTestId('export-version').fill('1.0.0');
  await panel.getByTestId('export-quantize-uint8').check();
  await panel.getByTestId('export-sign').check();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    panel.getByTestId('export-button').click(),
  ]);
  expect(download.suggestedFilename()).toBe('weather-model-1.0.0.benchtop.zip');
  const bundlePath = testInfo.outputPath('weather-model-1.0.0.benchtop.zip');
  await download.saveAs(bundlePath);
  await expect(panel.getByTestId('export-result')).toContainText('signed by key');
  const zip = new Uint8Array(readFileSync(bundlePath));
  const bundle = await readBundle(zip);
  expect(bundle.manifest.model).toMatchObject({ name: 'weather-model', version: '1.0.0' });
  expect(bundle.manifest.quantization.dtype).toBe('uint8');
  // uint8 levels calibrated on the training rows (GPTQ), and the card says so.
  expect(bundle.manifest.quantization.calibration).toEqual({ method: 'gptq', rows: 1461 });
  expect(bundle.modelCard).toContain('levels chosen by GPTQ on 1461 training rows');
  expect(bundle.manifest.target.labels).toEqual(LABELS);
  expect(bundle.manifest.metrics.cv?.folds).toBe(5);
  expect(bundle.signature.signed).toBe(true);
  expect([...bundle.files.keys()].some((k) => k.startsWith('deploy/'))).toBe(true);

  // ---- import through the file picker in the Models area --------------------------------------
  await page.getByTestId('area-models').click();
  await expect(page.getByTestId('models-view')).toBeVisible();
  await expect(page.getByTestId('bundles-empty')).toBeVisible();
  await page.getByTestId('bundle-file-input').setInputFiles(bundlePath);
  await expect(page.getByTestId('bundle-item')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('bundle-title')).toHaveText('weather-model 1.0.0');
  await expect(page.getByTestId('bundle-verified')).toHaveText('verified');
  await expect(page.getByTestId('bundle-detail').locator('header p')).toContainText(
    'weights uint8 (GPTQ-calibrated on 1,461 training rows)',
  );
  const summary = page.getByTestId('bundle-verification-summary');
  await expect(summary).toContainText('match their sha256');
  await expect(summary).toContainText('signed by key');
  await expect(summary).toContainText('this browser’s key');
  await expect(page.getByTestId('model-card')).toContainText('Model card: weather-model 1.0.0');
  await expect(page.getByTestId('model-card')).toContainText('Ethical considerations');
  await expect(page.getByTestId('input-signature').locator('tbody tr')).toHaveCount(6);
  await expect(
    page.getByTestId('bundle-metrics').locator('tr[data-metric="accuracy"]'),
  ).toBeVisible();

  // ---- batch predictions on the stored dataset, downloaded as CSV ----------------------------
  await page.getByTestId('predict-dataset').selectOption({ label: 'seattle-weather (1,461 rows)' });
  await expect(page.getByTestId('column-report')).toHaveAttribute('data-ok', 'true');
  await page.getByTestId('predict-run').click();
  await expect(page.getByTestId('predict-result')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('predict-result')).toContainText('Predicted 1,461 rows');
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('predict-download').click(),
  ]);
  expect(csvDownload.suggestedFilename()).toMatch(/predictions\.csv$/);
  const csvPath = testInfo.outputPath('predictions.csv');
  await csvDownload.saveAs(csvPath);
  const lines = readFileSync(csvPath, 'utf8').trimEnd().split(/\r?\n/);
  expect(lines).toHaveLength(1 + 1461);
  expect(fields(lines[0])).toEqual([
    'date',
    'precipitation',
    'temp_max',
    'temp_min',
    'wind',
    'weather',
    'prediction',
    ...LABELS.map((l) => `proba_${l}`),
  ]);
  for (const line of lines.slice(1)) {
    const f = fields(line);
    expect(f).toHaveLength(12);
    expect(LABELS).toContain(f[6]);
    const sum = f.slice(7).reduce((a, p) => a + Number(p), 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-4);
  }
  // Row 4 of the data: 2012-01-04, 20.3 mm, 12.2 / 5.6 °C, wind 4.7.
  const row4 = fields(lines[4]);
  expect(row4.slice(0, 5)).toEqual(['2012-01-04', '20.3', '12.2', '5.6', '4.7']);

  // ---- the one-row form ------------------------------------------------------------------------
  const form = page.getByTestId('predict-form');
  const field = (name: string) =>
    form.locator(`[data-column="${name}"] input, [data-column="${name}"] select`);
  await field('date').fill('2012-01-04');
  await field('precipitation').fill('20.3');
  await field('temp_max').fill('12.2');
  await field('temp_min').fill('5.6');
  await field('wind').fill('4.7');
  await form.getByTestId('row-predict').click();
  await expect(form.getByTestId('row-label')).toBeVisible({ timeout: 30_000 });
  await expect(form.getByTestId('row-label')).toHaveText(row4[6]);
  await expect(form.getByTestId('row-proba')).toHaveCount(5);
  const shares = (await form.getByTestId('row-proba').locator('td.num').allTextContents()).map(
    (t) => Number(t.replace('%', '')),
  );
  expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.6);

  // ---- a tampered copy (one byte of weights.bin flipped) and a non-bundle are refused ----------
  const files = unzipSync(zip);
  const weights = files['model/weights.bin'].slice();
  weights[3] ^= 0xff;
  files['model/weights.bin'] = weights;
  const tampered = Buffer.from(zipSync(files));
  await page.getByTestId('bundle-file-input').setInputFiles({
    name: 'tampered.benchtop.zip',
    mimeType: 'application/zip',
    buffer: tampered,
  });
  await expect(page.getByTestId('bundle-error')).toContainText(
    'model/weights.bin does not match its hash',
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('bundle-item')).toHaveCount(1);
  await expect(page.getByTestId('bundle-count')).toHaveText('1');

  // Dropped on the page (drag and drop): a CSV is not a bundle while the Models area is open.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['a,b\n1,2\n'], 'notes.csv', { type: 'text/csv' }));
    const zone = document.querySelector('[data-testid="bundle-drop"]')!;
    for (const type of ['dragenter', 'dragover', 'drop'])
      zone.dispatchEvent(
        new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }),
      );
  });
  await expect(page.getByTestId('bundle-error')).toContainText(
    'This file is not a Benchtop bundle',
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('bundle-item')).toHaveCount(1);
  const stored = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('benchtop');
        req.onsuccess = () => {
          const tx = req.result.transaction(['bundles', 'bundleBytes'], 'readonly');
          const a = tx.objectStore('bundles').count();
          const b = tx.objectStore('bundleBytes').count();
          tx.oncomplete = () => {
            resolve(a.result * 10 + b.result);
            req.result.close();
          };
        };
        req.onerror = () => reject(req.error);
      }),
  );
  expect(stored).toBe(11); // one bundle row and one zip: nothing from the refused files

  // The imported bundle survives a reload, with its status.
  await page.reload();
  await expect(page.getByTestId('models-view')).toBeVisible();
  await expect(page.getByTestId('bundle-item')).toHaveCount(1);
  await expect(page.getByTestId('bundle-status')).toContainText('verified · signed');
});
