// The data-preparation journey (issue 3): on the demo dataset, pick the target, auto-prepare, read
// the step previews the worker computes, add and edit a step by hand, save the recipe, find it
// again after a reload, export it (a real download), refuse a recipe from the future with a clear
// message, and apply the recipe as a new dataset whose lineage is shown.
// Figures checked against pandas 1.5.3 on seattle-weather.csv (see each line).
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, datasetItem, importAndWait, openApp } from './helpers';

function steps(page: Page) {
  return page.getByTestId('step');
}

async function stepKinds(page: Page): Promise<string[]> {
  return steps(page).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind ?? ''));
}

/** The "before → after" figure of one column in the selected step's preview. */
function figure(page: Page, column: string, stat: string) {
  return page
    .getByTestId('step-preview')
    .getByTestId('preview-columns')
    .locator(`tr[data-column="${column}"] [data-stat="${stat}"]`);
}

async function openPrepare(page: Page) {
  await page.getByTestId('tab-prepare').click();
  await expect(page.getByTestId('prepare')).toBeVisible();
}

test('build a recipe, preview it, save, reload, export, import, apply', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1100 });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await openApp(page);
  await page.getByTestId('load-demo').click();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible({ timeout: 60_000 });
  await openPrepare(page);

  // Roles: nothing in this file looks like an ID or free text, so nothing is ignored.
  await expect(page.getByTestId('ignore-column')).toHaveCount(6);
  await expect(page.getByTestId('ignore-suggested')).toHaveCount(0);
  await expect(page.getByTestId('auto-prepare')).toBeDisabled();
  await page.getByTestId('target-select').selectOption('weather');
  await expect(page.getByTestId('task-value')).toHaveText('classification');
  await expect(page.getByTestId('ignore-column')).toHaveCount(5); // the target is not offered

  // Auto-prepare: one click, the default steps.
  await page.getByTestId('auto-prepare').click();
  await expect(steps(page)).toHaveCount(4);
  expect(await stepKinds(page)).toEqual([
    'rows.drop-missing-target',
    'date.parts',
    'impute.median',
    'scale.standard',
  ]);
  // The target is the only categorical column: no one-hot step, no `weather=` column anywhere.
  await expect(page.getByTestId('step-preview')).toBeVisible();
  await expect(page.getByTestId('preview-rows')).toContainText('1,461 → 1,461');

  // date.parts: replaces date with its parts.
  await steps(page).nth(1).getByTestId('step-select').click();
  const preview = page.getByTestId('step-preview');
  await expect(preview).toHaveAttribute('data-step', '1');
  await expect(preview.getByTestId('preview-cols')).toContainText('6 → 10');
  await expect(preview.getByTestId('preview-added')).toContainText('date_year');
  await expect(preview.getByTestId('preview-added')).not.toContainText('weather');
  await expect(preview.getByTestId('preview-removed')).toContainText('date');

  // scale.standard: temp_max's mean goes to 0 and its std (n - 1) to 1.0003.
  await steps(page).nth(3).getByTestId('step-select').click();
  await expect(preview).toHaveAttribute('data-step', '3');
  // pandas: df.temp_max.mean() 16.439083, .std() 7.349758; z = (t - mean) / t.std(ddof=0):
  // z.mean() -2.9e-17, z.std() 1.000342, z.min() -2.455218, z.max() 2.607906.
  await expect(figure(page, 'temp_max', 'mean')).toHaveText('16.439 → 0');
  await expect(figure(page, 'temp_max', 'std')).toHaveText('7.3498 → 1.0003');
  await expect(figure(page, 'temp_max', 'min')).toHaveText('-1.6 → -2.4552');
  await expect(figure(page, 'temp_max', 'missing')).toHaveText('0');
  await expect(preview.locator('tr[data-column="weather"]')).toHaveCount(0);
  await preview.getByTestId('histogram-column').selectOption('temp_max');
  await expect(preview.getByTestId('histogram-before').getByTestId('histogram')).toHaveAttribute(
    'aria-label',
    /^Histogram of temp_max before/,
  );
  await expect(preview.getByTestId('histogram-after').getByTestId('histogram')).toBeVisible();
  // What it learned: the centre (mean) and scale (population std) per column.
  await expect(
    preview.getByTestId('fitted-summary').locator('tr[data-column="temp_max"] [data-key="center"]'),
  ).toHaveText('16.439');
  await expect(preview.getByTestId('sample-after').locator('tbody tr')).toHaveCount(10);

  // Add a step by hand: outliers by IQR, then edit its settings.
  await page.getByTestId('add-step').click();
  const menu = page.getByTestId('add-step-menu');
  await expect(menu.getByRole('heading', { name: 'Outliers' })).toBeVisible();
  await menu.locator('[data-kind="outliers.iqr"]').click();
  await expect(menu).toHaveCount(0);
  await expect(steps(page)).toHaveCount(5);
  const detail = page.getByTestId('step-detail');
  await expect(detail.getByRole('heading', { name: /Step 5: Outliers: IQR/ })).toBeVisible();
  // The new step starts on the numeric features, never the target.
  const columns = detail.getByTestId('param-column');
  await expect(columns.and(page.locator('[data-column="wind"]'))).toBeChecked();
  await expect(detail.locator('[data-column="weather"]')).toHaveCount(0);
  // No columns: the step says so inline and marks itself in the list; Apply waits for a fix.
  await detail.getByRole('button', { name: 'None', exact: true }).click();
  await expect(detail.getByTestId('step-problems')).toContainText(
    "choose at least one column for 'columns'",
  );
  await expect(steps(page).nth(4).getByTestId('step-problem-mark')).toBeVisible();
  await expect(page.getByTestId('recipe-apply')).toBeDisabled();
  await detail.locator('[data-testid="param-column"][data-column="wind"]').check();
  const factor = detail.locator('[data-param="factor"] input');
  await factor.fill('-1');
  await factor.press('Tab');
  await expect(detail.getByTestId('step-problems')).toContainText(
    "'factor' must be at least 0 (it is -1)",
  );
  await factor.fill('3');
  await factor.press('Tab');
  await detail.locator('[data-param="action"] select').selectOption('clip');
  await expect(detail.getByTestId('step-problems')).toHaveCount(0);
  await expect(preview).toHaveAttribute('data-step', '4');
  // pandas: wind quartiles 2.2 / 4.0, so the fence at factor 3 is 4.0 + 3 × 1.8 = 9.4 (raw units);
  // only the 9.5 m/s day is above it and is clipped: the max changes, the min does not.
  await expect(figure(page, 'wind', 'max')).toHaveText(/^4\.35\d* → 4\.28\d*$/);
  await expect(figure(page, 'wind', 'min')).not.toContainText('→');
  await expect(
    preview.getByTestId('fitted-summary').locator('tr[data-column="wind"] [data-key="outliers"]'),
  ).toHaveText('1');

  // Move it up and back down.
  await steps(page).nth(4).getByTestId('step-up').click();
  expect((await stepKinds(page))[3]).toBe('outliers.iqr');
  await steps(page).nth(3).getByTestId('step-down').click();
  expect((await stepKinds(page))[4]).toBe('outliers.iqr');

  // Save with a name.
  await page.getByTestId('recipe-name').fill('weather auto');
  await page.getByTestId('recipe-save').click();
  await expect(page.getByTestId('saved-recipe-name')).toHaveText(['weather auto']);
  await expect(page.getByTestId('recipe-saved-mark')).toBeVisible();

  // Reload: the recipe is still there and opens as it was.
  await page.reload();
  await expect(page.getByTestId('dataset-title')).toHaveText('seattle-weather');
  await openPrepare(page);
  await expect(steps(page)).toHaveCount(0);
  const saved = page.locator('[data-testid="saved-recipe"][data-name="weather auto"]');
  await expect(saved).toContainText('5 steps · target weather');
  await saved.getByTestId('saved-recipe-open').click();
  await expect(steps(page)).toHaveCount(5);
  expect((await stepKinds(page))[4]).toBe('outliers.iqr');
  await expect(page.getByTestId('target-select')).toHaveValue('weather');
  await expect(page.getByTestId('recipe-name')).toHaveValue('weather auto');

  // The picture: the scale step of the saved recipe.
  await steps(page).nth(3).getByTestId('step-select').click();
  await expect(figure(page, 'temp_max', 'mean')).toHaveText('16.439 → 0');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(0, 0);
  await page.screenshot({ path: resolve(ROOT, 'test-results/prepare.png'), fullPage: true });

  // Export: a real download of <name>.recipe.json that parses back to the recipe.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('recipe-export').click(),
  ]);
  expect(download.suggestedFilename()).toBe('weather auto.recipe.json');
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(exported).toMatchObject({
    format: 'benchtop.recipe',
    version: 1,
    name: 'weather auto',
    target: 'weather',
    task: 'classification',
    roles: { ignored: [] },
    seed: 0,
  });
  expect(exported.steps.map((s: { kind: string }) => s.kind)).toEqual([
    'rows.drop-missing-target',
    'date.parts',
    'impute.median',
    'scale.standard',
    'outliers.iqr',
  ]);
  expect(exported.steps[4].params).toEqual({ action: 'clip', columns: ['wind'], factor: 3 });

  // Import: a recipe with a step this version does not know, then one from a newer format.
  const unknown = {
    ...exported,
    steps: [...exported.steps, { kind: 'scale.quantum', params: {} }],
  };
  await page.getByTestId('recipe-file').setInputFiles({
    name: 'future.recipe.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(unknown)),
  });
  await expect(page.getByTestId('recipe-error')).toContainText(
    "Step 6: This recipe uses a step 'scale.quantum' that this version of Benchtop does not know",
  );
  await page.getByTestId('recipe-file').setInputFiles({
    name: 'v3.recipe.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...exported, version: 3 })),
  });
  await expect(page.getByTestId('recipe-error')).toContainText(
    'This recipe is format version 3; this version of Benchtop reads up to 1',
  );
  // Neither import replaced the recipe being edited.
  await expect(steps(page)).toHaveCount(5);
  // The exported file itself imports cleanly.
  await page.getByTestId('recipe-file').setInputFiles({
    name: 'weather auto.recipe.json',
    mimeType: 'application/json',
    buffer: readFileSync((await download.path())!),
  });
  await expect(page.getByTestId('recipe-error')).toHaveCount(0);
  await expect(page.getByTestId('recipe-notice')).toContainText(
    'Imported weather auto.recipe.json: 5 steps',
  );

  // Apply: a new dataset in the list, opened, with its lineage.
  await page.getByTestId('recipe-apply').click();
  const prepared = 'seattle-weather · weather auto';
  await expect(datasetItem(page, prepared)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dataset-count')).toHaveText('2');
  await expect(datasetItem(page, prepared).getByTestId('dataset-prepared-from')).toHaveText(
    'prepared from seattle-weather with weather auto',
  );
  await expect(page.getByTestId('dataset-title')).toHaveText(prepared);
  await expect(page.getByTestId('dataset-lineage')).toHaveText(
    'Prepared from seattle-weather with the recipe weather auto (5 steps, target weather).',
  );
  // date -> 5 parts; the other 4 numbers and the target stay: 10 columns, no row dropped.
  await expect(page.getByTestId('dataset-rows')).toHaveText('1,461 rows');
  await expect(page.getByTestId('dataset-cols')).toHaveText('10 columns');

  // Nothing left the machine: every request went to the app's own origin.
  const origin = new URL(page.url()).origin;
  const own = (u: string) => u.startsWith(`${origin}/`) || /^(blob|data):/.test(u);
  expect(requests.filter((u) => !own(u))).toEqual([]);
});

/** Visits of three cities: an ID, a free-text note, a 1-5 grade, a score with gaps, an empty column. */
function visitsCsv(): Buffer {
  const lines = ['id,note,city,score,grade,empty'];
  for (let i = 0; i < 60; i++) {
    // Two notes repeat, so the note is free text rather than a different value in every row.
    const note = i < 2 ? 'first visit' : `visit ${i} went ${i % 2 ? 'well' : 'badly'} on day ${i}`;
    const score = i % 10 === 0 ? '' : ((i * 1.7) % 23).toFixed(1);
    lines.push(`${1000 + i},${note},${['Oslo', 'Lima', 'Pune'][i % 3]},${score},${1 + (i % 5)},`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

test('roles: ID-like, free-text and empty columns suggested; an empty target refused; task either way', async ({
  page,
}) => {
  await openApp(page);
  await importAndWait(
    page,
    { name: 'visits.csv', mimeType: 'text/csv', buffer: visitsCsv() },
    'visits',
  );
  await openPrepare(page);

  // Suggested as ignored, ticked, and marked so; the others are not.
  const suggested = page.getByTestId('ignored').locator('label', {
    has: page.getByTestId('ignore-suggested'),
  });
  await expect(suggested.locator('.name')).toHaveText(['id', 'note', 'empty']);
  for (const column of ['id', 'note', 'empty']) {
    await expect(
      page.locator(`[data-testid="ignore-column"][data-column="${column}"]`),
    ).toBeChecked();
  }
  await expect(page.locator('[data-testid="ignore-column"][data-column="city"]')).not.toBeChecked();
  await expect(page.getByTestId('ignored')).toContainText("'note' is free text");

  // A target without any value is refused, with the reason, before anything is fitted.
  await page.getByTestId('target-select').selectOption('empty');
  await expect(page.getByTestId('target-problem')).toHaveText(
    "The target column 'empty' has no values: every row is missing. Choose another target.",
  );
  await page.getByTestId('auto-prepare').click();
  await expect(page.getByTestId('recipe-error')).toContainText("'empty' has no values");
  await expect(steps(page)).toHaveCount(0);

  // Few whole numbers: classification is suggested, regression is the user's call.
  await page.getByTestId('target-select').selectOption('grade');
  await expect(page.getByTestId('task-classification')).toBeChecked();
  await expect(page.getByTestId('task')).toContainText('suggested');
  await page.getByTestId('task-regression').check();
  await page.getByTestId('auto-prepare').click();
  expect(await stepKinds(page)).toEqual([
    'rows.drop-missing-target',
    'impute.median',
    'impute.most-frequent',
    'encode.onehot',
    'scale.standard',
  ]);
  await expect(page.getByTestId('task-regression')).toBeChecked();
  // The ignored columns stay out of every step, and the ignored list kept the user's choice.
  await expect(page.locator('[data-testid="ignore-column"][data-column="empty"]')).toBeChecked();

  // One-hot: a column per city, none for the target.
  await steps(page).nth(3).getByTestId('step-select').click();
  const preview = page.getByTestId('step-preview');
  await expect(preview).toHaveAttribute('data-step', '3');
  await expect(preview.getByTestId('preview-added').locator('.chip')).toHaveText([
    'city=Lima',
    'city=Oslo',
    'city=Pune',
  ]);
  await expect(preview.getByTestId('preview-removed')).toHaveText(/city/);

  // Median imputation fills the 6 missing scores (rows 0, 10, ..., 50).
  await steps(page).nth(1).getByTestId('step-select').click();
  await expect(preview).toHaveAttribute('data-step', '1');
  await expect(figure(page, 'score', 'missing')).toHaveText('6 → 0');
  await expect(preview.locator('tr[data-column="grade"]')).toHaveCount(0);
});
