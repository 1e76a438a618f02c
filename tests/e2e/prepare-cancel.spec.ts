// A slow step preview on a larger dataset (200k generated rows, bench/gen-prepare-csv.ts): the
// Prepare tab shows what it is computing and a Cancel button, cancelling leaves the editor usable
// (a new edit previews again and is shown), and the data worker still serves the other tabs.
// Never a timing assertion: the preview is made slow on purpose (an isolation forest of 500
// trees scoring every row), and if it still ends before the click lands the test checks that the
// state it ends in is as consistent as a cancelled one.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, importAndWait, openApp } from './helpers';
import { PREPARE_TARGET, generatePrepareCsv } from '../../bench/gen-prepare-csv';

const ROWS = 200_000;
const SEED = 7;
/** Trees of the slow forest: several seconds of scoring 200k rows in the worker. */
const SLOW_TREES = '500';

function previewState(page: Page) {
  return page.getByTestId('prepare');
}

/** The selected step's preview, computed for the recipe as it is now (not dimmed). */
function currentPreview(page: Page, index: number) {
  return page.locator(`[data-testid="step-preview"][data-step="${index}"]:not(.stale)`);
}

test('a slow preview on 200k rows shows progress and Cancel; cancelling leaves the editor usable', async ({
  page,
}) => {
  test.setTimeout(300_000);
  mkdirSync(resolve(ROOT, 'test-results'), { recursive: true });
  const csv = resolve(ROOT, 'test-results', 'prepare-200k.csv');
  writeFileSync(csv, generatePrepareCsv(ROWS, SEED));

  await page.setViewportSize({ width: 1400, height: 1000 });
  await openApp(page);
  await importAndWait(page, csv, 'prepare-200k');
  await expect(page.getByTestId('dataset-rows')).toHaveText('200,000 rows');
  await page.getByTestId('tab-prepare').click();
  await expect(previewState(page)).toBeVisible();

  // Auto-prepare, and wait until every step has its preview.
  await page.getByTestId('target-select').selectOption(PREPARE_TARGET);
  await page.getByTestId('auto-prepare').click();
  const steps = page.getByTestId('step');
  await expect(steps).toHaveCount(6);
  await expect(previewState(page)).toHaveAttribute('data-preview', 'idle', { timeout: 120_000 });
  await expect(page.getByTestId('step-effect')).toHaveCount(6);

  // An isolation forest on the numeric features (the new step starts on all of them), previewed
  // once with its default 100 trees.
  await page.getByTestId('add-step').click();
  await page
    .getByTestId('add-step-menu')
    .locator('[data-kind="outliers.isolation-forest"]')
    .click();
  await expect(steps).toHaveCount(7);
  await expect(currentPreview(page, 6)).toBeVisible({ timeout: 120_000 });
  await expect(currentPreview(page, 6).getByTestId('preview-added')).toContainText('outlier');

  // 500 trees: several seconds of scoring in the worker, so the Cancel button comes up.
  const trees = page.getByTestId('step-detail').locator('[data-param="trees"] input');
  await trees.fill(SLOW_TREES);
  await trees.press('Tab');
  const cancel = page.getByTestId('preview-cancel');
  await expect(cancel.or(currentPreview(page, 6))).toBeVisible({ timeout: 120_000 });
  let clicked = false;
  if (await cancel.isVisible()) {
    // What is being computed, for how long, and the way out.
    await expect(page.getByTestId('preview-progress')).toContainText(
      /Previewing step [1-7] of 7 on 200,000 rows in the background/,
    );
    await expect(page.getByTestId('preview-progress-bar')).toHaveAttribute('max', '7');
    await page.screenshot({ path: resolve(ROOT, 'test-results/prepare-cancel.png') });
    // The preview may end between the check and the click: then there is nothing to cancel.
    clicked = await cancel
      .click({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
  }
  await expect(previewState(page)).toHaveAttribute('data-preview', /^(cancelled|idle)$/, {
    timeout: 120_000,
  });
  const cancelled = (await previewState(page).getAttribute('data-preview')) === 'cancelled';
  console.log(
    `[prepare-cancel] ${cancelled ? 'cancelled while computing' : `finished before the cancel (${clicked ? 'click landed late' : 'no click'})`}`,
  );
  test.info().annotations.push({
    type: 'preview',
    description: cancelled
      ? 'cancelled while computing'
      : `finished before the cancel (${clicked ? 'click landed late' : 'no click'})`,
  });
  // The recipe itself is untouched either way.
  await expect(steps).toHaveCount(7);
  await expect(trees).toHaveValue(SLOW_TREES);
  await expect(page.getByTestId('recipe-error')).toHaveCount(0);
  if (cancelled) {
    await expect(page.getByTestId('preview-status')).toContainText('Preview cancelled.');
    await expect(page.getByTestId('preview-again')).toBeVisible();
    await expect(cancel).toHaveCount(0);
    // The last preview stays on screen, dimmed: it describes 100 trees, not 500.
    await expect(page.locator('[data-testid="step-preview"][data-step="6"]')).toHaveClass(/stale/);
  } else {
    await expect(currentPreview(page, 6)).toBeVisible();
  }

  // Usable: another edit previews again (after whatever the worker was finishing) and is shown.
  await trees.fill('20');
  await trees.press('Tab');
  await expect(previewState(page)).toHaveAttribute('data-preview', 'idle', { timeout: 120_000 });
  const shown = currentPreview(page, 6);
  await expect(shown).toBeVisible();
  await expect(shown.getByTestId('preview-added')).toContainText('outlier');
  await expect(page.getByTestId('preview-status')).not.toContainText('cancelled');
  // What the forest learned is thousands of tree nodes: counted, not listed.
  await expect(
    shown.getByTestId('fitted-summary').locator('dt', { hasText: 'Feature' }).locator('+ dd'),
  ).toHaveText(/^[\d,]+ values$/);
  // Rows: the ~0.2% of rows without a label are dropped by step 1; the forest drops none.
  const rows = await shown.getByTestId('preview-rows').textContent();
  const [before, after] = (rows ?? '').split('→').map((x) => Number(x.replace(/[^\d]/g, '')));
  expect(before).toBeGreaterThan(199_000);
  expect(after).toBe(before);
  // Every step's preview is current again, and another step can be selected and previewed.
  await expect(page.getByTestId('step-effect')).toHaveCount(7);
  await steps.nth(0).getByTestId('step-select').click();
  await expect(currentPreview(page, 0).getByTestId('preview-rows')).toContainText(
    `${(200_000).toLocaleString('en-US')} → `,
  );

  // The data worker still serves the other tabs: the rows table pages in.
  await page.getByTestId('tab-rows').click();
  await expect(page.getByTestId('preview-row').first()).toBeVisible();
});
