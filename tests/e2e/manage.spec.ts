// Managing stored datasets: rename in place (kept across a reload), delete after a confirm, and
// the storage total that follows both.
import { expect, test } from '@playwright/test';
import { SEATTLE, datasetItem, importAndWait, openApp } from './helpers';

test('rename in place, then delete with a confirm; both survive a reload', async ({ page }) => {
  await openApp(page);
  const item = await importAndWait(page, SEATTLE, 'seattle-weather');
  await expect(page.getByTestId('storage-usage')).toContainText('1 dataset ·');

  // Rename with the keyboard: the input opens focused with the name selected.
  await item.getByTestId('rename').click();
  const input = page.getByTestId('rename-input');
  await expect(input).toBeFocused();
  await expect(input).toHaveValue('seattle-weather');
  await input.fill('Seattle daily weather');
  await input.press('Enter');
  const renamed = datasetItem(page, 'Seattle daily weather');
  await expect(renamed).toBeVisible();
  await expect(page.getByTestId('dataset-title')).toHaveText('Seattle daily weather');

  // Escape abandons a rename; an empty name is refused with a message.
  await renamed.getByTestId('rename').click();
  await page.getByTestId('rename-input').fill('never saved');
  await page.getByTestId('rename-input').press('Escape');
  await expect(datasetItem(page, 'Seattle daily weather')).toBeVisible();
  await renamed.getByTestId('rename').click();
  await page.getByTestId('rename-input').fill('   ');
  await page.getByTestId('rename-save').click();
  await expect(page.getByTestId('error-message')).toContainText('needs a name');
  await page.getByTestId('rename-input').press('Escape');

  await page.reload();
  await expect(datasetItem(page, 'Seattle daily weather')).toBeVisible();
  await expect(page.getByTestId('dataset-count')).toHaveText('1');

  // Delete asks first; "Keep" keeps it.
  await datasetItem(page, 'Seattle daily weather').getByTestId('delete').click();
  await page.getByRole('button', { name: 'Keep' }).click();
  await expect(page.getByTestId('dataset-count')).toHaveText('1');
  await datasetItem(page, 'Seattle daily weather').getByTestId('delete').click();
  await page.getByTestId('delete-confirm').click();
  await expect(page.getByTestId('no-datasets')).toBeVisible();
  await expect(page.getByTestId('dataset-count')).toHaveText('0');
  await expect(page.getByTestId('dataset-view')).toHaveCount(0);
  await expect(page.getByTestId('storage-usage')).toContainText('0 datasets · 0 bytes stored');

  await page.reload();
  await expect(page.getByTestId('no-datasets')).toBeVisible();
});
