// The virtualised row preview on a dataset too big to put in the DOM: only a bounded window of
// rows exists, and every row shown is the right one, down to the last.
import { expect, test, type Page } from '@playwright/test';
import { importAndWait, openApp, sequentialCsv } from './helpers';

const ROWS = 100_000;

/** Every loaded row on screen: its position and the `id` cell, which equals its 0-based index. */
async function renderedRows(
  page: Page,
): Promise<{ row: number; id: string | null; rowNumber: string }[]> {
  return page.getByTestId('preview-row').evaluateAll((els) =>
    els.map((el) => {
      const cells = el.querySelectorAll('[role="cell"], [role="rowheader"]');
      return {
        row: Number((el as HTMLElement).dataset.row),
        rowNumber: cells[0]?.textContent?.trim() ?? '',
        id: cells[1]?.getAttribute('aria-busy') ? null : (cells[1]?.textContent?.trim() ?? ''),
      };
    }),
  );
}

test('scrolls 100,000 rows to the last one with a bounded number of rows in the DOM', async ({
  page,
}) => {
  await openApp(page);
  await importAndWait(
    page,
    { name: 'sequence.csv', mimeType: 'text/csv', buffer: sequentialCsv(ROWS) },
    'sequence',
  );
  await expect(page.getByTestId('dataset-rows')).toHaveText('100,000 rows');

  await page.getByTestId('tab-rows').click();
  const viewport = page.getByTestId('rows-viewport');
  await expect(viewport).toBeVisible();
  await expect(page.getByTestId('preview-row').first()).toContainText('0');

  const top = await renderedRows(page);
  expect(top.length).toBeGreaterThan(5);
  expect(top.length).toBeLessThan(80);
  expect(top[0].row).toBe(0);

  // Keyboard: the region is focusable and End scrolls to the bottom.
  await viewport.focus();
  await page.keyboard.press('End');
  const lastRow = page.locator(`[data-testid="preview-row"][data-row="${ROWS - 1}"]`);
  await expect(lastRow).toBeVisible();
  await expect(lastRow.locator('[role="cell"]').first()).toHaveText(String(ROWS - 1));
  await expect(lastRow.locator('[role="rowheader"]')).toHaveText('100000');
  // The last row is inside the visible part of the viewport, not just in the DOM.
  const vp = await viewport.boundingBox();
  const lr = await lastRow.boundingBox();
  expect(vp && lr && lr.y + lr.height <= vp.y + vp.height + 1 && lr.y >= vp.y).toBeTruthy();

  // Jump to the middle: the rows shown are exactly the rows at that position.
  await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  // Wait for the re-render after the scroll event (the rows from the bottom are still in the DOM,
  // loaded, until then) and for the middle page to arrive from the worker.
  await expect
    .poll(
      async () => {
        const rows = await renderedRows(page);
        const first = rows[0]?.row ?? -1;
        return first > ROWS * 0.4 && first < ROWS * 0.6 && rows.every((r) => r.id !== null);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  const middle = await renderedRows(page);
  expect(middle.length).toBeLessThan(80);
  const firstShown = middle[0].row;
  expect(firstShown).toBeGreaterThan(ROWS * 0.4);
  expect(firstShown).toBeLessThan(ROWS * 0.6);
  for (const r of middle) {
    expect(r.id).toBe(String(r.row));
    expect(r.rowNumber).toBe(String(r.row + 1));
  }
  // Rows follow each other without gaps.
  middle.forEach((r, i) => expect(r.row).toBe(firstShown + i));
});
