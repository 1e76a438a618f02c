// Getting data in, end to end in Chromium: a real CSV through the file input, a messy European
// CSV, the demo dataset, persistence across a reload, and broken files that must leave the list
// as it was with a message a person can act on.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  FIXTURES,
  SEATTLE,
  VEGA,
  columnCard,
  datasetCount,
  datasetItem,
  importAndWait,
  openApp,
  chooseFile,
  stat,
} from './helpers';

test('a CSV chosen in the file input is listed, profiled, and still there after a reload', async ({
  page,
}) => {
  await openApp(page);
  await expect(page.getByTestId('no-datasets')).toBeVisible();

  const item = await importAndWait(page, SEATTLE, 'seattle-weather');
  // 1,461 rows x 6 columns: pandas 1.5.3 pd.read_csv(...).shape
  await expect(item.getByTestId('dataset-shape')).toContainText('1,461 rows × 6 columns');
  await expect(item).toContainText('seattle-weather.csv');
  await expect(page.getByTestId('dataset-rows')).toHaveText('1,461 rows');
  await expect(page.getByTestId('status')).toContainText('Imported seattle-weather.csv');

  // The profile tab opens first: one card per column, kinds inferred.
  await expect(page.getByTestId('tab-profile')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('column-card')).toHaveCount(6);
  await expect(columnCard(page, 'date').getByTestId('column-kind')).toHaveValue('date');
  await expect(columnCard(page, 'temp_max').getByTestId('column-kind')).toHaveValue('number');
  const weather = columnCard(page, 'weather');
  await expect(weather.getByTestId('column-kind')).toHaveValue('categorical');
  await expect(weather.getByTestId('column-missing')).toHaveText(/^0\s*\(0%\)$/);
  // 5 classes; rain 641 (pandas 1.5.3 df.weather.value_counts())
  await expect(weather.getByTestId('column-unique')).toHaveText('5');
  await expect(weather.getByTestId('bar-chart')).toHaveAttribute('aria-label', /rain 641, sun 640/);

  // temp_max: pandas 1.5.3 df.describe(): min -1.6, max 35.6, mean 16.439083, 50% 15.6.
  const tempMax = columnCard(page, 'temp_max');
  await expect(stat(tempMax, 'Min')).toHaveText('-1.6');
  await expect(stat(tempMax, 'Max')).toHaveText('35.6');
  await expect(stat(tempMax, 'Mean')).toHaveText('16.439');
  await expect(stat(tempMax, 'Median')).toHaveText('15.6');
  await expect(tempMax.getByTestId('histogram')).toBeVisible();
  // Dates are shown as ISO dates, not epoch milliseconds.
  await expect(stat(columnCard(page, 'date'), 'Min')).toHaveText('2012-01-01');
  await expect(stat(columnCard(page, 'date'), 'Max')).toHaveText('2015-12-31');

  await page.reload();
  await expect(datasetItem(page, 'seattle-weather')).toBeVisible();
  expect(await datasetCount(page)).toBe(1);
  // The selection is in the URL, so the reload comes back to the same dataset.
  await expect(page.getByTestId('dataset-title')).toHaveText('seattle-weather');
  await expect(columnCard(page, 'weather').getByTestId('column-kind')).toHaveValue('categorical');
});

test('a messy semicolon CSV (BOM, CRLF, decimal commas, NA markers) is read as numbers with its missing values counted', async ({
  page,
}) => {
  await openApp(page);
  await importAndWait(page, resolve(FIXTURES, 'stations-semicolon.csv'), 'stations-semicolon');
  await expect(page.getByTestId('dataset-rows')).toHaveText('12 rows');
  await expect(page.getByTestId('dataset-cols')).toHaveText('5 columns');
  await expect(page.getByTestId('ingest-facts')).toContainText('semicolon-separated');

  // temperature: NA, ?, null are missing (3 of 12); the rest are decimal-comma numbers.
  const temperature = columnCard(page, 'temperature');
  await expect(temperature.getByTestId('column-kind')).toHaveValue('number');
  await expect(temperature.getByTestId('column-missing')).toHaveText(/^3\s*\(25%\)$/);
  // mean of 12.5 14 13.25 11.75 12 15.5 16 10.5 9.75 = 115.25 / 9
  await expect(stat(temperature, 'Mean')).toHaveText('12.806');
  await expect(stat(temperature, 'Max')).toHaveText('16');
  // rain_mm: an empty field and N/A are missing.
  await expect(columnCard(page, 'rain_mm').getByTestId('column-missing')).toHaveText(/^2\s/);
  // The first header kept its name: the byte-order mark is not part of it.
  await expect(columnCard(page, 'station')).toBeVisible();
});

test('the demo dataset loads from the app itself', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('load-demo').click();
  const item = datasetItem(page, 'seattle-weather');
  await expect(item).toBeVisible({ timeout: 60_000 });
  await expect(item.getByTestId('dataset-shape')).toContainText('1,461 rows × 6 columns');
  await expect(page.getByTestId('column-card')).toHaveCount(6);
});

test('broken files get a clear message and leave the list unchanged', async ({ page }) => {
  await openApp(page);
  await importAndWait(page, SEATTLE, 'seattle-weather');
  const before = await datasetCount(page);
  const alert = page.getByTestId('error-message');

  const broken = [
    {
      // A PNG image renamed to .csv.
      file: {
        name: 'holiday-photo.csv',
        mimeType: 'text/csv',
        buffer: readFileSync(resolve(VEGA, '7zip.png')),
      },
      says: /holiday-photo\.csv/,
    },
    { file: { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) }, says: /empty/i },
    {
      file: { name: 'header-only.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n') },
      says: /header-only\.csv/,
    },
    {
      // The first 64 KB of a 1.6 MB Arrow IPC file.
      file: {
        name: 'flights-cut.arrow',
        mimeType: 'application/vnd.apache.arrow.file',
        buffer: readFileSync(resolve(VEGA, 'flights-200k.arrow')).subarray(0, 65_536),
      },
      says: /flights-cut\.arrow/,
    },
  ];

  for (const { file, says } of broken) {
    await chooseFile(page, file);
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert).toHaveText(says);
    // Ours, not a library's: no bare exception names reach the person.
    await expect(alert).not.toHaveText(/TypeError|RangeError|undefined|\[object /);
    await expect(page.getByTestId('import-progress')).toHaveCount(0);
    expect(await datasetCount(page)).toBe(before);
    await expect(datasetItem(page, 'seattle-weather')).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(alert).toHaveCount(0);
  }

  // Nothing half-written survives a reload either.
  await page.reload();
  await expect(page.getByTestId('dataset-count')).toHaveText(String(before));
});

test('warnings are shown where they matter: ragged rows, renamed headers, stray values with their lines, constant and ID-like columns', async ({
  page,
}) => {
  await openApp(page);
  await importAndWait(page, resolve(FIXTURES, 'survey-messy.csv'), 'survey-messy');
  // 40 data lines, one of them (line 8) has an extra field and is left out, never shifted.
  await expect(page.getByTestId('dataset-rows')).toHaveText('39 rows');
  await expect(page.getByTestId('dataset-cols')).toHaveText('7 columns');
  const datasetWarnings = page.getByTestId('dataset-warnings');
  await expect(datasetWarnings).toContainText('line 8');
  await expect(datasetWarnings).toContainText(/renamed/i);

  // 'abc' on line 16 is not an integer: stored as missing and pointed at.
  const age = columnCard(page, 'age');
  await expect(age.getByTestId('column-kind')).toHaveValue('integer');
  await expect(age.getByTestId('column-missing')).toHaveText(/^1\s/);
  const stray = age.locator('[data-code="stray-values"]');
  await expect(stray).toContainText('line 16');
  await expect(stray).toContainText('abc');

  await expect(columnCard(page, 'constant').locator('[data-code="constant"]')).toBeVisible();
  await expect(columnCard(page, 'id').locator('[data-code="id-like"]')).toBeVisible();
  // Both 'score' headers survive, the second under a new, visible name.
  await expect(columnCard(page, 'score')).toBeVisible();
  await expect(page.getByTestId('column-card')).toHaveCount(7);
  await expect(page.getByTestId('profile-summary')).toContainText('with warnings');
});

test('a Latin-1 (Windows-1252) CSV is detected and its accents read correctly', async ({
  page,
}) => {
  await openApp(page);
  await importAndWait(page, resolve(FIXTURES, 'cafes-latin1.csv'), 'cafes-latin1');
  await expect(page.getByTestId('ingest-facts')).toContainText('Windows-1252');
  // The header and the values keep their accents: no U+FFFD replacement characters anywhere.
  await expect(columnCard(page, 'café')).toBeVisible();
  const cities = columnCard(page, 'city').getByTestId('bar-chart');
  for (const city of ['München', 'Zürich', 'São Paulo', 'Malmö', 'Orléans']) {
    await expect(cities).toHaveAttribute('aria-label', new RegExp(`${city} 6\\b`));
  }
  await expect(page.getByTestId('dataset-view')).not.toContainText('\uFFFD');
});

test('reading options: a chosen delimiter, encoding and missing marker change how the next CSV is read', async ({
  page,
}) => {
  await openApp(page);
  // Windows-1252 bytes, '|' separated, and "-" typed by hand for a gap: read with the defaults,
  // "price" is not an integer column; with the options set, it is, and the accents are right.
  const buffer = Buffer.from('city|price\nZ\xfcrich|12\nBern|-\nBasel|7\nGen\xe8ve|9\n', 'latin1');
  await importAndWait(
    page,
    { name: 'prices-auto.csv', mimeType: 'text/csv', buffer },
    'prices-auto',
  );
  await expect(columnCard(page, 'price').getByTestId('column-kind')).not.toHaveValue('integer');

  await page.getByTestId('reading-options').locator('summary').click();
  await page.getByTestId('reading-delimiter').selectOption('pipe');
  await page.getByTestId('reading-encoding').selectOption('windows-1252');
  await page.getByTestId('reading-missing').fill('-, NA');
  await expect(page.getByTestId('reading-options').locator('summary')).toContainText('changed');
  await importAndWait(page, { name: 'prices-set.csv', mimeType: 'text/csv', buffer }, 'prices-set');
  const price = columnCard(page, 'price');
  await expect(price.getByTestId('column-kind')).toHaveValue('integer');
  await expect(price.getByTestId('column-missing')).toHaveText(/^1\s/);
  await expect(page.getByTestId('ingest-facts')).toContainText('Windows-1252');
  await expect(columnCard(page, 'city')).toContainText('Genève');
});
