// frameOwningTable (src/core/data/frame.ts): the CLI's read path, which uses a gap-free float64
// column's Arrow buffer as the frame's values instead of copying it. Proves, on real files (the
// bench-shaped breast_cancer table, all float; penguins, with gaps, integers and strings): every
// column equals frameFromTable's (values, NaN for missing, codes and categories), the gap-free
// float64 columns share the table's memory, and columns with gaps are copies.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromTable, frameOwningTable, isNumericColumn } from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest';

async function read(path: string) {
  return ingest(bytesSource(path.split('/').pop()!, new Uint8Array(readFileSync(path))));
}

describe('frameOwningTable', () => {
  for (const path of ['tests/fixtures/cv/breast_cancer.csv', 'tests/fixtures/cv/cars.csv']) {
    it(`${path}: same frame as frameFromTable; gap-free float columns share the table's buffer`, async () => {
      const { table, schema } = await read(path);
      const owning = frameOwningTable(table, schema);
      const copied = frameFromTable(table, schema);
      expect(owning.rows).toBe(copied.rows);
      expect(owning.columns.map((c) => [c.name, c.kind])).toEqual(
        copied.columns.map((c) => [c.name, c.kind]),
      );
      let shared = 0;
      let copies = 0;
      for (const [i, c] of owning.columns.entries()) {
        const other = copied.columns[i];
        if (isNumericColumn(c) && isNumericColumn(other)) {
          expect(c.values).toEqual(other.values);
          const data = table.getChild(c.name)!.data[0];
          if (c.values.buffer === (data.values as Float64Array).buffer) {
            expect(data.nullCount).toBe(0);
            shared++;
          } else copies++;
        } else {
          expect(c).toEqual(other);
        }
      }
      if (path.includes('breast_cancer')) expect(shared).toBe(owning.columns.length - 1);
      else expect(copies).toBeGreaterThan(0); // cars' horsepower and mpg have gaps
    });
  }
});
