// Shared steps of the end-to-end journeys: real files in, what a person sees out.
import { expect, type Locator, type Page } from '@playwright/test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
export const VEGA = resolve(ROOT, 'node_modules/vega-datasets/data');
export const SEATTLE = resolve(VEGA, 'seattle-weather.csv');
export const FIXTURES = resolve(ROOT, 'tests/fixtures/e2e');
export const ORIGIN = 'http://127.0.0.1:4173';

/** Opens the app and waits until it has read the dataset list from IndexedDB. */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('dataset-count')).toBeVisible();
}

export function datasetItem(page: Page, name: string): Locator {
  return page.getByTestId('dataset-item').filter({
    has: page.getByTestId('dataset-name').getByText(name, { exact: true }),
  });
}

export function columnCard(page: Page, column: string): Locator {
  return page.locator(`[data-testid="column-card"][data-column="${column}"]`);
}

/** The value shown for one statistic ("Min", "Mean", "Q1", ...) on a column card. */
export function stat(card: Locator, label: string): Locator {
  return card.locator(`[data-stat="${label}"] dd`);
}

/** Chooses files through the real file input, as a person would. */
export async function chooseFile(
  page: Page,
  file: string | { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(file);
}

/** Imports a file and waits until it is listed, selected and the import is over. */
export async function importAndWait(
  page: Page,
  file: string | { name: string; mimeType: string; buffer: Buffer },
  name: string,
): Promise<Locator> {
  await chooseFile(page, file);
  const item = datasetItem(page, name);
  await expect(item).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByTestId('dataset-title')).toHaveText(name);
  return item;
}

export async function datasetCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('dataset-count').textContent());
}

/** A CSV of `rows` rows whose `id` equals the 0-based row index, so any row can be checked. */
export function sequentialCsv(rows: number): Buffer {
  const lines = ['id,group,value,day'];
  const day0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < rows; i++) {
    const day = new Date(day0 + (i % 1000) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${i},g${i % 7},${(i * 0.25).toFixed(2)},${day}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export function writeResult(file: string, data: unknown): string {
  const path = resolve(ROOT, 'test-results', file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data, null, 2));
  return path;
}
