// Arrow and Parquet through the same file input: a real Arrow IPC file from vega-datasets, and a
// Parquet file written in the test from the real seattle-weather rows (hyparquet-writer, Snappy,
// several row groups), plus a Parquet file with a schema but no rows.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  SEATTLE,
  VEGA,
  chooseFile,
  columnCard,
  datasetCount,
  importAndWait,
  openApp,
  stat,
} from './helpers';

function seattleParquet(): Buffer {
  const [, ...lines] = readFileSync(SEATTLE, 'utf8').trim().split('\n');
  const rows = lines.map((l) => l.split(','));
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'date', data: rows.map((r) => new Date(`${r[0]}T00:00:00Z`)), type: 'TIMESTAMP' },
      { name: 'precipitation', data: rows.map((r) => Number(r[1])), type: 'DOUBLE' },
      { name: 'temp_max', data: rows.map((r) => Number(r[2])), type: 'DOUBLE' },
      { name: 'weather', data: rows.map((r) => r[5]), type: 'STRING' },
    ],
    rowGroupSize: 500,
  });
  return Buffer.from(buffer);
}

test('an Arrow IPC file is imported with its types and profiled', async ({ page }) => {
  await openApp(page);
  await importAndWait(page, resolve(VEGA, 'flights-200k.arrow'), 'flights-200k');
  // flights-200k.arrow: 200,000 rows x 3 columns (delay Int16, distance Int16, time Float32),
  // counted with apache-arrow 21 tableFromIPC(...).numRows.
  await expect(page.getByTestId('dataset-rows')).toHaveText('200,000 rows');
  await expect(page.getByTestId('dataset-cols')).toHaveText('3 columns');
  await expect(page.getByTestId('ingest-facts')).toHaveText('ARROW');
  await expect(columnCard(page, 'delay').getByTestId('column-kind')).toHaveValue('integer');
  await expect(columnCard(page, 'time').getByTestId('column-kind')).toHaveValue('number');
  await expect(columnCard(page, 'time').getByTestId('histogram')).toBeVisible();
});

test('a Parquet file is imported with the same numbers as the CSV it came from', async ({
  page,
}) => {
  await openApp(page);
  await importAndWait(
    page,
    {
      name: 'seattle.parquet',
      mimeType: 'application/vnd.apache.parquet',
      buffer: seattleParquet(),
    },
    'seattle',
  );
  await expect(page.getByTestId('dataset-rows')).toHaveText('1,461 rows');
  await expect(page.getByTestId('dataset-cols')).toHaveText('4 columns');
  await expect(page.getByTestId('ingest-facts')).toHaveText('PARQUET');
  // pandas 1.5.3 df.describe() on seattle-weather.csv: temp_max mean 16.439083, max 35.6.
  const tempMax = columnCard(page, 'temp_max');
  await expect(stat(tempMax, 'Mean')).toHaveText('16.439');
  await expect(stat(tempMax, 'Max')).toHaveText('35.6');
  await expect(columnCard(page, 'date').getByTestId('column-kind')).toHaveValue('date');
  await expect(stat(columnCard(page, 'date'), 'Min')).toHaveText('2012-01-01');
  await expect(columnCard(page, 'weather').getByTestId('bar-chart')).toHaveAttribute(
    'aria-label',
    /rain 641, sun 640/,
  );
});

test('a Parquet file with no rows is refused with a message', async ({ page }) => {
  await openApp(page);
  const empty = parquetWriteBuffer({
    columnData: [
      { name: 'a', data: [], type: 'INT32' },
      { name: 'b', data: [], type: 'STRING' },
    ],
  });
  await chooseFile(page, {
    name: 'nothing.parquet',
    mimeType: 'application/vnd.apache.parquet',
    buffer: Buffer.from(empty),
  });
  const alert = page.getByTestId('error-message');
  await expect(alert).toContainText('nothing.parquet');
  await expect(alert).toContainText(/no rows/i);
  expect(await datasetCount(page)).toBe(0);
});
