// The training journey (issue 5) on the demo dataset: pick the target, auto-prepare, then 5-fold
// stratified cross-validation of logistic regression on wasm in the train worker. The metrics
// table, ROC / PR curves and the confusion matrix appear; the accuracy is plausible against
// scikit-learn; the run is listed and survives a reload; a cancelled run leaves nothing and the
// next run works; and the main thread has no long task over 50 ms while the CV runs.
//
// Expected accuracy: scikit-learn 1.2.1, tests/fixtures/golden/sklearn_train.py → sklearn-train.json:
// LogisticRegression(C=1) after the auto-prepare preparation under StratifiedKFold(5, shuffle=True,
// random_state=s) reaches a mean accuracy of 0.7906-0.7960 over s = 0..9 (mean 0.7938). Benchtop
// shuffles with its own seeded RNG, so its folds differ: with per-fold accuracies spread by ~0.02
// (std over folds), the mean of 5 folds moves by about ±0.01 from one shuffle to another. The
// tolerance, ±0.03, is three times that; identical folds are checked to 1.5 points in
// tests/unit/train-api.test.ts.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { datasetItem, openApp } from './helpers';

const golden = JSON.parse(
  readFileSync(new URL('../fixtures/golden/sklearn-train.json', import.meta.url), 'utf8'),
) as { shuffled: { mean: number } };

interface LongTask {
  start: number;
  duration: number;
}

async function prepareWeather(page: Page): Promise<void> {
  await page.getByTestId('tab-prepare').click();
  await expect(page.getByTestId('prepare')).toBeVisible();
  await page.getByTestId('target-select').selectOption('weather');
  await page.getByTestId('auto-prepare').click();
  await expect(page.getByTestId('step')).toHaveCount(4);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('train')).toBeVisible();
  await expect(page.getByTestId('backend-active')).toHaveText('wasm', { timeout: 60_000 });
}

test('cross-validate logistic regression on the demo dataset: results, runs, reload, cancel', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: LongTask[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await openApp(page);
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  await prepareWeather(page);

  await expect(page.getByTestId('train-recipe-summary')).toContainText('4 steps');
  await expect(page.getByTestId('train-recipe-summary')).toContainText('weather');
  await expect(page.getByTestId('train-model')).toHaveValue('logreg');
  await expect(page.getByTestId('train-validation')).toHaveValue('stratified-kfold');
  await expect(page.getByTestId('train-folds')).toHaveValue('5');
  await expect(page.getByTestId('runs-empty')).toBeVisible();

  // The CV run, with the main thread watched for long tasks from the click to the results.
  await page.waitForTimeout(300);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('run-cv').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  await expect(page.getByTestId('run-results')).toBeVisible({ timeout: 120_000 });
  const t1 = await page.evaluate(() => performance.now());
  const longTasks = (
    await page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks)
  ).filter((t) => t.start >= t0 && t.start <= t1);
  console.log(
    `[train longtasks] CV window ${((t1 - t0) / 1000).toFixed(1)} s: ${longTasks.length} long tasks`,
    longTasks.map((t) => [Math.round(t.start - t0), Math.round(t.duration)]),
  );
  expect(longTasks.filter((t) => t.duration > 50)).toEqual([]);

  // Results: every metric, curves, confusion matrix; accuracy plausible against scikit-learn.
  const results = page.getByTestId('run-results');
  await expect(results.getByTestId('metrics-table').locator('tbody tr[data-metric]')).toHaveCount(
    12,
  );
  const accuracy = Number(await results.getByTestId('metric-accuracy').textContent());
  console.log(
    `[train] 5-fold accuracy ${accuracy} (scikit-learn ${golden.shuffled.mean.toFixed(4)})`,
  );
  expect(Math.abs(accuracy - golden.shuffled.mean)).toBeLessThan(0.03);
  for (const id of ['roc-chart', 'pr-chart', 'confusion-chart']) {
    await expect(results.getByTestId(id).locator('svg').first()).toBeVisible();
  }
  await expect(results.getByTestId('curve-class')).toBeVisible();
  await page.getByTestId('confusion-normalised').check();
  await expect(results.getByTestId('confusion-chart')).toContainText('%');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row').first()).toContainText('wasm');
  await expect(page.getByTestId('run-row').first()).toContainText('Logistic regression');

  // Cancel mid-run: nothing is stored, and the next run works. A long run (20 repeats of 5 folds,
  // ~100 fits) so the click always lands before it ends, however loaded the machine is.
  await page.getByTestId('train-validation').selectOption('repeated-stratified-kfold');
  await page.getByTestId('train-repeats').fill('20');
  await page.getByTestId('train-repeats').dispatchEvent('change');
  await page.getByTestId('run-cv').click();
  await expect(page.locator('[data-testid="train-progress"] li[data-fold="1"]')).toBeVisible();
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('train-notice')).toContainText(
    'The cross-validation was cancelled. Nothing was stored.',
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('train-progress')).toHaveCount(0);
  await expect(page.getByTestId('run-row')).toHaveCount(1);

  await page.getByTestId('train-validation').selectOption('stratified-kfold');
  await page.getByTestId('train-folds').fill('3');
  await page.getByTestId('train-folds').dispatchEvent('change');
  await page.getByTestId('run-cv').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('train-notice')).toContainText('Cross-validation done: 3 folds');

  // The runs survive a reload.
  await page.reload();
  await expect(page.getByTestId('dataset-title')).toHaveText('seattle-weather');
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('run-results')).toBeVisible();
  await expect(page.getByTestId('compare-chart').locator('svg')).toBeVisible();
});
