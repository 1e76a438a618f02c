// The class-balance journey (issue 4) on the demo dataset, seattle-weather (weather: drizzle 53,
// fog 101, rain 641, snow 26, sun 640; pandas value_counts agrees): pick the target and see its
// classes, auto-prepare, choose SMOTE with k = 5 and see every class at 641 with synthetic rows in
// the 2-D view, switch to random under-sampling (every class at 26), see a bad setting refused
// with the sampler's own message, look at class weights, then save the recipe and find the
// sampler again after a reload. A second journey makes a slow preview (Tomek links on 30,000
// generated rows) to see its progress and Cancel; no timing is asserted.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createRng } from '../../src/core/rng';
import { datasetItem, importAndWait, openApp } from './helpers';

const CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
const BEFORE = ['53', '101', '641', '26', '640'];

/** The values of one series in a chart's table, class by class. */
function column(chart: Locator, series: string): Locator {
  return chart.locator(`[data-testid="balance-table"] td[data-series="${series}"]`);
}

/** Waits until the preview describes the recipe as it is now, for the given sampler. */
async function previewFor(page: Page, sampler: string): Promise<Locator> {
  const section = page.getByTestId('balance');
  await expect(section).toHaveAttribute('data-state', 'idle');
  const results = section.getByTestId('balance-results');
  await expect(results).toHaveAttribute('data-sampler', sampler);
  await expect(results).toHaveAttribute('data-stale', 'false');
  return results;
}

/** A seeded CSV: uniform features (eight unless told) and a label, 'yes' on every tenth row. */
function uniformCsv(rows: number, features = 8): Buffer {
  const rng = createRng(11);
  const lines = [[...Array.from({ length: features }, (_, j) => `x${j}`), 'label'].join(',')];
  for (let i = 0; i < rows; i++) {
    const xs = Array.from({ length: features }, () => (rng() * 10).toFixed(4));
    lines.push(`${xs.join(',')},${i % 10 === 0 ? 'yes' : 'no'}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function setK(page: Page, k: string): Promise<void> {
  const input = page.getByTestId('sampler-settings').locator('[data-param="kNeighbors"] input');
  await input.fill(k);
  await input.press('Tab');
}

test('class balance: SMOTE, random under-sampling, a bad k, class weights, saved with the recipe', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 1100 });
  await openApp(page);
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('tab-prepare').click();
  const section = page.getByTestId('balance');
  await expect(section.getByTestId('balance-blocked')).toContainText('Choose the target column');

  // The target's classes as soon as it is chosen, before any step.
  await page.getByTestId('target-select').selectOption('weather');
  const target = section.getByTestId('target-chart');
  await expect(target.locator('[data-testid="balance-table"] tbody th')).toHaveText(CLASSES);
  await expect(column(target, 'rows')).toHaveText([
    '53 · 3.6%',
    '101 · 6.9%',
    '641 · 44%',
    '26 · 1.8%',
    '640 · 44%',
  ]);
  // Drawn by Observable Plot: one bar per class.
  await expect(target.locator('svg g[aria-label="bar"] rect')).toHaveCount(5);

  // Auto-prepare, then SMOTE with k = 5.
  await page.getByTestId('auto-prepare').click();
  await page.getByTestId('sampler-select').selectOption('smote');
  await setK(page, '5');
  await expect(section.getByTestId('balance-note')).toContainText('after its scaling step');
  await expect(section.getByTestId('balance-note')).toContainText('inside each training fold');
  let results = await previewFor(page, 'smote');
  const bars = results.getByTestId('before-after-chart');
  await expect(column(bars, 'before')).toHaveText(BEFORE.map((n) => new RegExp(`^${n} · `)));
  await expect(column(bars, 'after')).toHaveText(Array(5).fill('641 · 20%'));
  await expect(bars.locator('svg g[aria-label="bar"] rect')).toHaveCount(10);
  await expect(results.getByTestId('balance-summary')).toHaveText(
    '1,461 → 3,205 rows: 1,744 synthetic.',
  );
  // The 2-D view: every row fits in the point budget; synthetic rows have their own marks.
  const scatter = results.getByTestId('resample-scatter');
  await expect(scatter).toHaveAttribute('data-synthetic', '1744');
  await expect(scatter).toHaveAttribute('data-original', '1461');
  await expect(scatter.locator('g.points-synthetic > *')).toHaveCount(1744);
  await expect(scatter.locator('g.points-original > *')).toHaveCount(1461);
  await expect(scatter.getByTestId('scatter-legend')).toContainText(
    '1,744 synthetic rows (all drawn)',
  );
  await expect(scatter.locator('svg[viewBox]')).toContainText(/PC1 \(\d+\.\d% of the variance\)/);

  // Two chosen features instead of the components.
  await results.getByTestId('scatter-view').selectOption('features');
  await results.getByTestId('scatter-x').selectOption('temp_max');
  await results.getByTestId('scatter-y').selectOption('wind');
  results = await previewFor(page, 'smote');
  await expect(results.getByTestId('resample-scatter').locator('svg[viewBox]')).toContainText(
    'temp_max',
  );
  await expect(results.getByTestId('resample-scatter')).toHaveAttribute('data-synthetic', '1744');
  await results.getByTestId('scatter-view').selectOption('pca');

  // Random under-sampling: every class down to snow's 26; removed rows marked apart.
  await page.getByTestId('sampler-select').selectOption('random-under');
  results = await previewFor(page, 'random-under');
  await expect(column(results.getByTestId('before-after-chart'), 'after')).toHaveText(
    Array(5).fill('26 · 20%'),
  );
  await expect(results.getByTestId('balance-summary')).toHaveText(
    '1,461 → 130 rows: 1,331 removed.',
  );
  await expect(results.getByTestId('resample-scatter')).toHaveAttribute('data-removed', '1331');

  // Bad settings: out of range is refused on the spot; k larger than the smallest class comes
  // back from the worker with SMOTE's own message.
  await page.getByTestId('sampler-select').selectOption('smote');
  await setK(page, '0');
  await expect(section.getByTestId('sampler-problems')).toContainText(
    "'kNeighbors' must be between 1 and 1000 (it is 0).",
  );
  await setK(page, '26');
  await expect(section.getByTestId('sampler-problems')).toHaveCount(0);
  await expect(section.getByTestId('balance-error')).toContainText(
    "Class 'snow' has 26 rows, but SMOTE with kNeighbors = 26 needs more than 26 rows in every class it grows",
  );
  await expect(section.getByTestId('balance-error')).toContainText(
    "Lower 'kNeighbors' to 25 or less, or use random over-sampling",
  );

  // Class weights: the weight per class instead of a resampled balance.
  await page.getByTestId('sampler-select').selectOption('class-weights');
  results = await previewFor(page, 'class-weights');
  const weights = results.getByTestId('weights-chart');
  // n / (classes × count): snow 1461 / (5 × 26) = 11.24.
  await expect(column(weights, 'weight')).toHaveText([
    '5.513',
    '2.893',
    '0.4559',
    '11.24',
    '0.4566',
  ]);
  await expect(results.getByTestId('before-after-chart')).toHaveCount(0);

  // Back to SMOTE, k = 5; save the recipe, reload, open it: the sampler is still there.
  await page.getByTestId('sampler-select').selectOption('smote');
  await setK(page, '5');
  await previewFor(page, 'smote');
  await page.getByTestId('recipe-name').fill('weather smote');
  await page.getByTestId('recipe-save').click();
  await expect(page.getByTestId('recipe-saved-mark')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('dataset-title')).toHaveText('seattle-weather');
  await page.getByTestId('tab-prepare').click();
  // A fresh editor after the reload: no target, so no sampler either, until the recipe is opened.
  await expect(section.getByTestId('balance-blocked')).toBeVisible();
  const saved = page.locator('[data-testid="saved-recipe"][data-name="weather smote"]');
  await saved.getByTestId('saved-recipe-open').click();
  await expect(page.getByTestId('sampler-select')).toHaveValue('smote');
  await expect(
    page.getByTestId('sampler-settings').locator('[data-param="kNeighbors"] input'),
  ).toHaveValue('5');
  results = await previewFor(page, 'smote');
  await expect(column(results.getByTestId('before-after-chart'), 'after')).toHaveText(
    Array(5).fill('641 · 20%'),
  );
});

test("a slow preview shows the sampler's progress and Cancel; the section recovers", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  await openApp(page);
  // Cross-origin isolated: the page can share the cancel flag the sampler's loops read.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await importAndWait(
    page,
    { name: 'uniform-120k.csv', mimeType: 'text/csv', buffer: uniformCsv(120_000, 16) },
    'uniform-120k',
  );
  await page.getByTestId('tab-prepare').click();
  await page.getByTestId('target-select').selectOption('label');
  await page.getByTestId('auto-prepare').click();
  await expect(page.getByTestId('prepare')).toHaveAttribute('data-preview', 'idle', {
    timeout: 120_000,
  });
  const section = page.getByTestId('balance');
  await expect(column(section.getByTestId('target-chart'), 'rows')).toHaveText([
    '108,000 · 90%',
    '12,000 · 10%',
  ]);

  // Tomek links: the nearest neighbour of every one of the 120,000 rows over 16 features, ~10 s
  // here (on the WebAssembly SIMD kernel 30,000 rows x 8 took ~0.3 s: too quick to catch mid-way).
  await page.getByTestId('sampler-select').selectOption('tomek');
  const progress = section.getByTestId('balance-progress');
  await expect(progress).toContainText(/nearest neighbour of each of 120,?000 rows/, {
    timeout: 60_000,
  });
  // The bar moves while the sampler's loop runs (progress leaves the worker as it happens).
  await expect
    .poll(() =>
      section
        .getByTestId('balance-progress-bar')
        .evaluate((el) => (el as HTMLProgressElement).value),
    )
    .toBeGreaterThan(0);
  await section.getByTestId('balance-cancel').click();
  await expect(section).toHaveAttribute('data-state', 'cancelled');
  await expect(section.getByTestId('balance-status')).toContainText('Preview cancelled.');
  // What stays on screen is the last finished preview (no sampler yet), dimmed as out of date.
  await expect(section.getByTestId('balance-results')).toHaveAttribute('data-sampler', 'none');
  await expect(section.getByTestId('balance-results')).toHaveAttribute('data-stale', 'true');

  // The worker is free again: another sampler previews.
  await page.getByTestId('sampler-select').selectOption('random-under');
  const results = await previewFor(page, 'random-under');
  await expect(column(results.getByTestId('before-after-chart'), 'after')).toHaveText([
    '12,000 · 50%',
    '12,000 · 50%',
  ]);
});
